/** Test helper: one embedded Redis (system binary, temp dataDir) per test file. Not used by the app. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedis, type RedisHandle } from './redis-server';

export interface TestRedis {
  handle: RedisHandle;
  dataDir: string;
  /** Stops the server and removes the temp dataDir. */
  cleanup(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rd-redis-test-'));
  const handle = await startRedis({ dataDir });
  return {
    handle,
    dataDir,
    async cleanup() {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A key prefix no other test uses. */
export function uniquePrefix(name = 't'): string {
  counter += 1;
  return `test:${name}:${process.pid}:${Date.now().toString(36)}:${counter}:`;
}
