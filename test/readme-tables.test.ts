/**
 * The README's tables render on GitHub (§26: the Management API table once broke on a `|` inside a cell): every row
 * has as many cells as its header, and the Management API table names every operation of the contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationNames } from '../src/shared/contract';

const README = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');

/** A table row's cells: split on every `|` not escaped as `\|` (a `|` in backticks splits a GitHub table too). */
function cells(line: string): string[] {
  const inner = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Each table: its first line number and its lines (outside fenced code). */
function tables(text: string): { line: number; rows: string[] }[] {
  const found: { line: number; rows: string[] }[] = [];
  let fenced = false;
  let current: { line: number; rows: string[] } | null = null;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const isRow = !fenced && /^\s*\|/.test(line);
    if (isRow) {
      current ??= { line: i + 1, rows: [] };
      current.rows.push(line);
    } else if (current) {
      found.push(current);
      current = null;
    }
  });
  if (current) found.push(current);
  return found;
}

describe('README tables', () => {
  it('have as many cells in every row as in their header', () => {
    const all = tables(README);
    expect(all.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const table of all) {
      const width = cells(table.rows[0]!).length;
      table.rows.forEach((row, j) => {
        const n = cells(row).length;
        if (n !== width) broken.push(`line ${table.line + j}: ${n} cells, header ${width}: ${row.slice(0, 100)}`);
      });
    }
    expect(broken).toEqual([]);
  });

  it('name every operation of the contract in the Management API table', () => {
    const start = README.indexOf('## Management API');
    const section = README.slice(start, README.indexOf('\n## ', start + 1));
    const table = tables(section)[0];
    expect(table).toBeDefined();
    const named = new Set(
      table!.rows.slice(2).flatMap((row) => (cells(row)[0] ?? '').split(/[\s,/]+/).filter(Boolean)),
    );
    expect(operationNames.filter((name) => !named.has(name))).toEqual([]);
  });
});
