/**
 * §16 first render: the window loads Mantine's styles per component (src/renderer/src/styles.ts), not the global
 * sheet. This guard fails when a Mantine component used anywhere in the renderer has no stylesheet listed there —
 * naming the import lines to add — so a component added on another branch cannot arrive unstyled. The CSS a
 * component needs is read from Mantine's own modules: every `*.module.mjs` its code reaches (Button reaches Loader,
 * UnstyledButton, …) is one `@mantine/core/styles/<Name>.css`. The components of the boot path (main.tsx, boot.tsx and
 * what they import statically) must be in the boot CSS, i.e. imported statically; the others may instead be in
 * `loadPageStyles()`, loaded after the first render and awaited by the lazy pages and drawers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER = path.join(ROOT, 'src/renderer/src');
const STYLES = path.join(RENDERER, 'styles.ts');
const CORE = path.join(ROOT, 'node_modules/@mantine/core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

/** The value names a module imports from `pkg` (type-only imports left out). */
function namesImported(text: string, pkg: string): string[] {
  const out: string[] = [];
  const quoted = pkg.replace(/[/.]/g, '\\$&');
  for (const m of text.matchAll(new RegExp(`import\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g'))) {
    if (m[1]) continue;
    for (const part of m[2]!.split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) out.push(name.split(/\s+as\s+/)[0]!.trim());
    }
  }
  return out;
}

/** Export name → module file of @mantine/core's ESM build (its index imports each export from its module). */
function coreExports(): Map<string, string> {
  const index = path.join(CORE, 'esm/index.mjs');
  const map = new Map<string, string>();
  for (const m of readFileSync(index, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*"(\.\/[^"]+)"/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) map.set(name, path.resolve(path.dirname(index), m[2]!));
    }
  }
  return map;
}

/** The stylesheets (`Name.css`) a module of @mantine/core reaches through its relative imports. */
function cssReached(file: string, seen: Set<string>, css: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  if (file.endsWith('.module.mjs')) {
    css.add(`${path.basename(file, '.module.mjs')}.css`);
    return;
  }
  for (const m of readFileSync(file, 'utf8').matchAll(/from\s*"(\.{1,2}\/[^"]+\.mjs)"/g)) {
    cssReached(path.resolve(path.dirname(file), m[1]!), seen, css);
  }
}

/** Every file of a package's ESM build. */
function packageFiles(pkg: string): string[] {
  const dir = path.join(ROOT, 'node_modules', pkg, 'esm');
  return existsSync(dir) ? mjsFiles(dir) : [];
}
function mjsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return mjsFiles(file);
    return name.endsWith('.mjs') ? [file] : [];
  });
}

const files = sources(RENDERER);
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const stylesText = readFileSync(STYLES, 'utf8');
const STATIC_CSS = /^import\s+'@mantine\/core\/styles\/([\w-]+\.css)';/gm;
const LAZY_CSS = /import\('@mantine\/core\/styles\/([\w-]+\.css)'\)/g;
const staticCss = new Set([...stylesText.matchAll(STATIC_CSS)].map((m) => m[1]!));
const lazyCss = new Set([...stylesText.matchAll(LAZY_CSS)].map((m) => m[1]!));
const listed = new Set([...staticCss, ...lazyCss]);

/** The renderer modules loaded with the window: main.tsx, boot.tsx and what they import statically. */
function bootPath(): string[] {
  const out = new Set<string>();
  const visit = (file: string) => {
    if (out.has(file) || !texts.has(file)) return;
    out.add(file);
    const text = texts.get(file)!.replace(/^import\s+type\s[^;]*;/gm, '');
    for (const m of text.matchAll(/^import\s[^;]*?['"](\.{1,2}\/[^'"]+)['"];/gm)) {
      const base = path.resolve(path.dirname(file), m[1]!);
      const hit = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')].find(
        (f) => texts.has(f),
      );
      if (hit) visit(hit);
    }
  };
  visit(path.join(RENDERER, 'main.tsx'));
  visit(path.join(RENDERER, 'boot.tsx'));
  return [...out];
}

/** @mantine/core names these modules use: their own imports, and those of the other Mantine packages they import. */
function coreNamesUsed(modules: string[]): Set<string> {
  const names = new Set<string>();
  const otherPackages = new Set<string>();
  for (const text of modules.map((f) => texts.get(f)!)) {
    for (const name of namesImported(text, '@mantine/core')) names.add(name);
    for (const m of text.matchAll(/from\s*['"](@mantine\/(?!core['"/]|hooks['"/])[\w-]+)['"]/g))
      otherPackages.add(m[1]!);
  }
  for (const pkg of otherPackages) {
    for (const file of packageFiles(pkg)) {
      for (const name of namesImported(readFileSync(file, 'utf8').replace(/"/g, "'"), '@mantine/core')) names.add(name);
    }
  }
  return names;
}

describe('Mantine styles of the window (src/renderer/src/styles.ts)', () => {
  const exports = coreExports();
  const cssOf = (modules: string[]): Set<string> => {
    const needed = new Set<string>();
    const seen = new Set<string>();
    for (const name of coreNamesUsed(modules)) {
      const file = exports.get(name);
      if (file) cssReached(file, seen, needed);
    }
    return needed;
  };

  it('lists the stylesheet of every Mantine component the renderer uses', () => {
    const missing = [...cssOf(files)].filter((css) => !listed.has(css)).sort();
    expect(
      missing.map((css) => `import '@mantine/core/styles/${css}';`),
      'add these lines to src/renderer/src/styles.ts (statically if the Queue page or the shell uses it, else in loadPageStyles)',
    ).toEqual([]);
  });

  it('has the stylesheets of the boot path in the boot CSS (static imports)', () => {
    const boot = bootPath();
    expect(boot.map((f) => path.relative(RENDERER, f))).toContain('features/queue/QueuePage.tsx');
    const lazyOnly = [...cssOf(boot)].filter((css) => !staticCss.has(css)).sort();
    expect(
      lazyOnly.map((css) => `import '@mantine/core/styles/${css}';`),
      'the window shows these at first render: import them statically in src/renderer/src/styles.ts',
    ).toEqual([]);
  });

  it('loads the global styles first and lists only stylesheets that exist', () => {
    const order = [...stylesText.matchAll(STATIC_CSS)].map((m) => m[1]);
    expect(order.slice(0, 3)).toEqual(['baseline.css', 'default-css-variables.css', 'global.css']);
    const absent = [...listed].filter((css) => !existsSync(path.join(CORE, 'styles', css)));
    expect(absent).toEqual([]);
  });

  it('imports Mantine CSS only in styles.ts, never the global sheet, and the charts sheet only on demand', () => {
    const elsewhere = [...texts]
      .filter(([file, text]) => file !== STYLES && /['"]@mantine\/[\w-]+\/styles[\w./-]*\.css['"]/.test(text))
      .map(([file]) => path.relative(ROOT, file));
    expect(elsewhere, 'Mantine CSS imported outside styles.ts').toEqual([]);
    expect(stylesText).not.toMatch(/['"]@mantine\/core\/styles(\.layer)?\.css['"]/);
    // a static import of the charts sheet would put it in the boot CSS; only import('…') keeps it out
    expect(stylesText).not.toMatch(/^import\s+['"]@mantine\/charts\/styles\.css['"]/m);
  });
});
