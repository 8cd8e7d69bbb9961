/** Bench support: the headless core as a child process (`out/main/cli.js serve`), as a trader would run it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingsInput } from '../src/core/config/schema';

export interface ServeProcess {
  url: string;
  token: string;
  pid: number;
  /** ms from spawn until `listening on …` was printed. */
  readyMs: number;
  dataDir: string;
  child: ChildProcess;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

export const CLI = join(import.meta.dirname, '../out/main/cli.js');

export async function startServe(settings: SettingsInput = {}): Promise<ServeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rd-bench-'));
  const file = join(dataDir, 'settings.json');
  await writeFile(
    file,
    JSON.stringify({
      dataDir,
      ib: { port: 1, connectTimeoutMs: 1_000, restartWindow: null },
      ...settings,
      // No token: serve makes one and prints it (§18: a token from the settings is never printed).
      management: { host: '127.0.0.1', port: 0, token: '' },
    }),
  );
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--quiet'], {
    env: { ...process.env, REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s#]+)#token=(\S+)/.exec(out);
      if (m) resolve(m);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  const match = await ready;
  const readyMs = performance.now() - started;
  return {
    url: match[1]!,
    token: match[2]!,
    pid: child.pid!,
    readyMs,
    dataDir,
    child,
    async rssMb() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
