import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueConflictError, QueueInvalidError, QueueNotFoundError } from './errors';
import { ScriptCode, toError } from './script-codes';

const LUA_DIR = path.join(import.meta.dirname, 'lua');

/** Every code a Lua file returns as the first value of a table (`return {-2, …}`, `out[1] = 1`, `{2, '', ''}`). */
function codesIn(text: string): number[] {
  const code = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  const found = new Set<number>();
  for (const m of code.matchAll(/(?:return|=)\s*\{\s*(-?\d+)\s*[,}]/g)) found.add(Number(m[1]));
  for (const m of code.matchAll(/out\[1\]\s*=\s*(-?\d+)/g)) found.add(Number(m[1]));
  return [...found].sort((a, b) => a - b);
}

describe('script reply codes', () => {
  it('names every code the Lua scripts answer, and each script header names the codes it answers', () => {
    const named = new Set<number>(Object.values(ScriptCode));
    const byName = new Map<number, string>(Object.entries(ScriptCode).map(([name, code]) => [code, name]));
    for (const file of readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'))) {
      const text = readFileSync(path.join(LUA_DIR, file), 'utf8');
      const codes = codesIn(text);
      for (const code of codes) {
        expect(named.has(code), `${file} answers code ${code}, which script-codes.ts does not name`).toBe(true);
        if (file === 'common.lua') continue;
        expect(text, `${file}'s header should name code ${code}`).toContain(`${code} ${byName.get(code)}`);
      }
    }
  });

  it('turns each error code into the typed error the API maps to a status, naming the event', () => {
    const notFound = toError([ScriptCode.NOT_FOUND], 'retry', 'e1');
    expect(notFound).toBeInstanceOf(QueueNotFoundError);
    expect(notFound?.message).toBe('event e1 not found');
    const conflict = toError([ScriptCode.CONFLICT, 'done', 'held'], 'release', 'e1');
    expect(conflict).toBeInstanceOf(QueueConflictError);
    expect(conflict?.message).toBe('cannot release event e1: it is done, expected held');
    const lease = toError([ScriptCode.LEASE_LOST, 'run-2/w0'], 'complete', 'e1');
    expect(lease).toBeInstanceOf(QueueConflictError);
    expect(lease?.message).toContain('no longer held by this worker (now run-2/w0)');
    expect(toError([ScriptCode.RECORD_UNREADABLE, 'bad json'], 'hold', 'e1')).toBeInstanceOf(QueueInvalidError);
    expect(toError([ScriptCode.INVALID_ARGUMENT, 'unknown action x'], 'x', 'e1')?.message).toBe(
      'cannot x event e1: unknown action x',
    );
    expect(toError([ScriptCode.REDIS_REFUSED, 'OOM'], 'enqueue', 'e1')?.message).toBe(
      'Redis refused the enqueue of event e1: OOM',
    );
    for (const ok of [ScriptCode.NONE, ScriptCode.OK, ScriptCode.PAUSED, ScriptCode.RECORD_LEFT_UNREADABLE]) {
      expect(toError([ok, ''], 'claim', 'e1')).toBeNull();
    }
  });
});
