/**
 * §25 / §16: the chart library is loaded lazily — only src/renderer/src/components/charts/ChartsImpl.tsx imports
 * `@mantine/charts` or `recharts`, and that file is reached only through `import()` (Charts.tsx), so no page's first
 * render, the Queue's least of all, loads it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const renderer = join(root, 'src/renderer/src');
const IMPL = 'src/renderer/src/components/charts/ChartsImpl.tsx';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test(-support)?\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The specifiers a file imports statically (`import … from '…'`, `export … from '…'`, `import '…'`). */
function staticImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

describe('the charts load lazily (§25, §16)', () => {
  const files = sources(renderer).map((path) => ({
    file: relative(root, path),
    imports: staticImports(readFileSync(path, 'utf8')),
  }));

  it('has ChartsImpl.tsx as the one importer of @mantine/charts and recharts', () => {
    const importers = files
      .filter((f) => f.imports.some((s) => /^(@mantine\/charts|recharts)(\/|$)/.test(s)))
      .map((f) => f.file);
    expect(importers).toEqual([IMPL]);
  });

  it('reaches ChartsImpl only through import()', () => {
    expect(files.filter((f) => f.imports.some((s) => /ChartsImpl$/.test(s))).map((f) => f.file)).toEqual([]);
    expect(readFileSync(join(renderer, 'components/charts/Charts.tsx'), 'utf8')).toContain("import('./ChartsImpl')");
  });
});
