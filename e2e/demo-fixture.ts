import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface DemoServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  token: string;
  /** The URL to open in the browser, with the token in the fragment. */
  appUrl: string;
  /** Calls the management API with the bearer token. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  process: ChildProcess;
  output: () => string;
}

/** Starts `demo` from the built CLI on a free loopback port, and stops it after the test file. */
export async function startDemoServer(): Promise<DemoServer> {
  const cli = join(import.meta.dirname, '../out/main/cli.js');
  const child = spawn(process.execPath, [cli, 'demo', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  let match: RegExpMatchArray | null = null;
  while (!match) {
    match = /listening on (http:\/\/[^\s#]+)#token=(\S+)/.exec(out);
    if (match) break;
    if (child.exitCode !== null) throw new Error(`demo exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`demo did not start within 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = match[1]!;
  const token = match[2]!;
  return {
    url,
    token,
    appUrl: `${url}#token=${token}`,
    process: child,
    output: () => out,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}

export async function stopDemoServer(demo: DemoServer): Promise<void> {
  if (demo.process.exitCode !== null) return;
  demo.process.kill('SIGTERM');
  const timer = setTimeout(() => demo.process.kill('SIGKILL'), 10_000);
  await once(demo.process, 'exit');
  clearTimeout(timer);
}

/** A test with one demo server per worker (the suite runs with one worker). */
export const test = base.extend<object, { demo: DemoServer }>({
  demo: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const demo = await startDemoServer();
      await use(demo);
      await stopDemoServer(demo);
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
