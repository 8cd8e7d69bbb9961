import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect, test as base, type ConsoleMessage } from '@playwright/test';

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
export function startDemoServer(): Promise<DemoServer> {
  return startCli(['demo']);
}

/** Starts `serve --config FILE` (a real core, no simulator) from the built CLI on a free loopback port. */
export function startServeServer(configFile: string): Promise<DemoServer> {
  return startCli(['serve', '--config', configFile]);
}

async function startCli(args: string[]): Promise<DemoServer> {
  const cli = join(import.meta.dirname, '../out/main/cli.js');
  const child = spawn(process.execPath, [cli, ...args, '--port', '0', '--host', '127.0.0.1'], {
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
    if (child.exitCode !== null) throw new Error(`${args[0]} exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`${args[0]} did not start within 30 s:\n${out}`);
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

/** What the browser said on its console (and uncaught errors) while a test visited pages. */
export interface BrowserConsole {
  /** Every message so far, as "type: text (where)". */
  readonly messages: string[];
  /**
   * Lets a message the test provokes on purpose pass, e.g. Chromium's "Failed to load resource … 409 (Conflict)"
   * when the test makes the core refuse a duplicate.
   */
  allow(pattern: RegExp): void;
}

/** A console message that fails the test: any error, and any warning about the Content Security Policy. */
export function isConsoleProblem(type: string, text: string): boolean {
  return type === 'error' || (type === 'warning' && /content[- ]security[- ]policy|\bCSP\b/i.test(text));
}

function describeMessage(message: ConsoleMessage): string {
  const { url, lineNumber } = message.location();
  return `${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`;
}

/**
 * A test with one demo server per worker (the suite runs with one worker), and a browser console watched on every
 * page visit: the test fails on any console error or CSP warning it did not allow.
 */
export const test = base.extend<{ browserConsole: BrowserConsole }, { demo: DemoServer }>({
  browserConsole: [
    async ({ page }, use) => {
      const messages: string[] = [];
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (message) => {
        const line = describeMessage(message);
        messages.push(line);
        if (isConsoleProblem(message.type(), message.text())) problems.push(line);
      });
      page.on('pageerror', (error) => {
        const line = `uncaught: ${error.message}`;
        messages.push(line);
        problems.push(line);
      });
      await use({ messages, allow: (pattern) => allowed.push(pattern) });
      const unexpected = problems.filter((line) => !allowed.some((pattern) => pattern.test(line)));
      expect(unexpected, 'the browser console had errors or CSP warnings').toEqual([]);
    },
    { auto: true },
  ],
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
