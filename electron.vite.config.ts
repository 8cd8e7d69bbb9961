import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * The main process bundles its dependencies (ESM importing packages from inside app.asar has regressed in several
 * Electron releases: electron#40211, #41241, #45896). Only redis-memory-server stays a package: it is imported lazily,
 * for the headless host's last-resort download, never by the desktop app.
 */
const KEEP_EXTERNAL = ['redis-memory-server'];

/**
 * `frame-ancestors` is ignored in a CSP `<meta>` (browsers log an error for it); the headers of app://desk/ and of the
 * headless server carry it. This keeps it out of the built page's meta whatever the source says.
 */
function cspMetaWithoutFrameAncestors(): Plugin {
  return {
    name: 'csp-meta-without-frame-ancestors',
    transformIndexHtml: (html) =>
      html.replace(/(<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*content=")([^"]*)"/i, (_m, head, csp) => {
        const kept = String(csp)
          .split(';')
          .map((d) => d.trim())
          .filter((d) => d && !/^frame-ancestors\b/i.test(d));
        return `${String(head)}${kept.join('; ')}"`;
      }),
  };
}

const ENTRY_MODULE = resolve(__dirname, 'src/renderer/src/main.tsx');
const BOOT_MODULE = resolve(__dirname, 'src/renderer/src/boot.tsx');

/** The modules `from` imports statically (its whole static graph). */
function staticGraph(from: string, ctx: { getModuleInfo(id: string): { importedIds: readonly string[] } | null }) {
  const graph = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (graph.has(next)) continue;
    graph.add(next);
    stack.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
  }
  return graph;
}

/** What goes in the boot chunk, computed once per build. */
let bootModules: Set<string> | null = null;

/**
 * §16 first render: everything the first frame needs goes in ONE chunk, `boot`. Left to itself the bundler splits
 * the modules the boot shares with the lazy pages into a dozen small chunks, and over HTTP/1.1 (the headless host,
 * six connections per origin) those queue behind each other and ahead of the first frame's API requests. The lazy
 * pages then import what they share from `boot`. What the entry module imports itself stays out of it, so the entry
 * runs (and starts the Queue page's requests) without waiting for the boot chunk.
 */
function bootChunkName(id: string, ctx: { getModuleInfo(id: string): { importedIds: readonly string[] } | null }) {
  if (!bootModules) {
    const entry = staticGraph(ENTRY_MODULE, ctx);
    bootModules = new Set([...staticGraph(BOOT_MODULE, ctx)].filter((m) => !entry.has(m)));
  }
  return bootModules.has(id) ? 'boot' : null;
}

/**
 * §16 first render: the page asks for the boot chunk and its stylesheet while it parses, instead of after the entry
 * module has loaded and run (the entry imports `boot` dynamically, to start the Queue page's requests first). The
 * browser then downloads them beside the entry, and the import finds them in its cache. The stylesheet is applied
 * from the start: the entry's first frame (first-frame.ts) is drawn with it.
 */
function preloadBoot(): Plugin {
  return {
    name: 'preload-boot',
    // a watch rebuild computes the boot chunk's modules again
    buildStart: () => {
      bootModules = null;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {});
        const boot = chunks.find((c) => c.type === 'chunk' && c.name === 'boot');
        if (!boot || boot.type !== 'chunk') return [];
        const css = [...(boot.viteMetadata?.importedCss ?? [])];
        return [
          ...css.map((href) => ({
            tag: 'link',
            // a stylesheet, not a preload: the first frame (first-frame.ts) is drawn before the boot chunk runs
            attrs: { rel: 'stylesheet', crossorigin: true, href: `./${href}` },
            injectTo: 'head' as const,
          })),
          ...[
            boot.fileName,
            ...boot.imports.filter((f) => !chunks.some((c) => c.type === 'chunk' && c.isEntry && c.fileName === f)),
          ].map((href) => ({
            tag: 'link',
            // fetched, not yet compiled: compiling 680 KB would take the CPU from the first frame (main.tsx)
            attrs: { rel: 'preload', as: 'script', crossorigin: true, href: `./${href}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        external: KEEP_EXTERNAL,
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The headless host (serve / demo) is built beside the Electron main so both run the same core bundle.
          cli: resolve(__dirname, 'src/server/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      rollupOptions: {
        input: resolve(__dirname, 'src/renderer/index.html'),
        output: { codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: bootChunkName }] } },
      },
    },
    plugins: [react(), cspMetaWithoutFrameAncestors(), preloadBoot()],
  },
});
