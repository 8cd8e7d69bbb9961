import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Runtime, type RuntimeOptions } from '../core/runtime';
import { createHttpApp } from './http-app';

export interface HeadlessHost {
  runtime: Runtime;
  url: string;
  token: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export interface HostOptions extends RuntimeOptions {
  host?: string;
  port?: number;
  /** The built renderer; default `out/renderer` beside the built CLI. */
  staticRoot?: string | null;
}

/** Default location of the built window next to the bundled CLI (`out/main/cli.js` → `out/renderer`). */
export function defaultStaticRoot(): string {
  return join(import.meta.dirname, '../renderer');
}

/**
 * Starts the core and the HTTP + SSE server in front of it (§11), on loopback by default. With no token in the
 * settings a random one is made for this run; the returned URL carries it in the fragment for the browser.
 */
export async function startHeadless(options: HostOptions): Promise<HeadlessHost> {
  const runtime = new Runtime(options);
  try {
    await runtime.start();
  } catch (error) {
    // Stop whatever did start (e.g. the embedded Redis) before reporting why the core could not start.
    await runtime.stop();
    throw error;
  }
  const settings = runtime.settings;
  const token = settings.management.token || randomBytes(24).toString('base64url');
  const host = options.host ?? settings.management.host;
  const app = createHttpApp({
    handlers: runtime.handlers,
    token,
    subscribe: (listener) => runtime.subscribe(listener),
    staticRoot: options.staticRoot === undefined ? defaultStaticRoot() : options.staticRoot,
    demo: runtime.simulated,
  });
  let server: ServerType;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? settings.management.port }, () =>
        resolve(s),
      );
      s.once('error', reject);
    });
  } catch (error) {
    await runtime.stop();
    throw new Error(
      `could not listen on ${host}:${options.port ?? settings.management.port}: ${(error as Error).message} — ` +
        'set management.port (0 picks a free port) or pass --port',
      { cause: error },
    );
  }
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${address.port}/`;
  return {
    runtime,
    url,
    token,
    host,
    port: address.port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await runtime.stop();
    },
  };
}
