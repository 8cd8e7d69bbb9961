import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return /\.tsx?$/.test(name) ? [path] : [];
    });
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => /\.tsx?$/.test(c) && existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Every cycle of relative imports (type-only ones included) below `root`, each as the files around it. */
function importCycles(root: string): string[][] {
  const files = sourceFiles(root);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, match[1] ?? match[2] ?? '');
      if (target) targets.push(target);
    }
    edges.set(file, targets);
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    visiting.add(file);
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (visiting.has(next)) cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(root, f)));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    visiting.delete(file);
    done.add(file);
  };
  for (const file of files) if (!done.has(file)) visit(file);
  return cycles;
}

describe('imports', () => {
  it('form no cycle anywhere in src (management depends on its ports, not on the Runtime)', () => {
    expect(importCycles(join(import.meta.dirname, '../../src'))).toEqual([]);
  });

  it('are walked far enough to find a cycle through a type-only import', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-cycles-'));
    try {
      await mkdir(join(dir, 'management'));
      await writeFile(join(dir, 'runtime.ts'), "import { handlers } from './management/handlers';\n");
      await writeFile(join(dir, 'management/handlers.ts'), "import type { Runtime } from '../runtime';\n");
      await writeFile(join(dir, 'leaf.ts'), 'export const leaf = 1;\n');
      expect(importCycles(dir)).toEqual([['management/handlers.ts', 'runtime.ts', 'management/handlers.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
