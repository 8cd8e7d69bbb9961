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
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
    plugins: [react(), cspMetaWithoutFrameAncestors()],
  },
});
