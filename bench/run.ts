/**
 * `npm run bench`: runs every bench module of PRODUCT.md §16, prints one table, then — last —
 * one `bench: key=value` line per figure. Append your module to MODULES.
 * `npm run bench -- queue core` runs only the named modules (a module's name is its file name
 * without `.bench.ts`); an unknown name stops with the list of names.
 */
import type { BenchModule, BenchResult } from './types';

const MODULES: string[] = [
  './queue.bench.ts',
  './queue-read.bench.ts',
  './core.bench.ts',
  './ui.bench.ts',
  './e2e.bench.ts',
  './e2e-two-gateways.bench.ts',
];

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 100) return String(Math.round(value));
  return value.toFixed(2);
}

function printTable(results: BenchResult[]): void {
  const rows = [
    ['figure', 'value', 'unit', 'target', 'key'],
    ...results.map((r) => [r.label, format(r.value), r.unit, r.target ?? '', r.key]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(rows[0] ?? []));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

const nameOf = (modulePath: string): string => modulePath.replace(/^\.\//, '').replace(/\.bench\.ts$/, '');
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !MODULES.some((m) => nameOf(m) === name));
if (unknown.length > 0) {
  console.error(
    `unknown bench module(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}; ` +
      `the modules are ${MODULES.map(nameOf).join(', ')}`,
  );
  process.exit(2);
}
const selected = wanted.length === 0 ? MODULES : MODULES.filter((m) => wanted.includes(nameOf(m)));

const results: BenchResult[] = [];
let failed = false;
for (const path of selected) {
  try {
    const mod = (await import(path)) as BenchModule;
    results.push(...(await mod.default()));
  } catch (err) {
    failed = true;
    console.error(`bench module ${path} failed:`, err);
  }
}
console.log('');
printTable(results);
console.log('');
for (const r of results) console.log(`bench: ${r.key}=${format(r.value)}`);
process.exit(failed ? 1 : 0);
