import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
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
  /** `--allow-insecure-remote`: serve plain HTTP on a host other than loopback (the token then travels in clear). */
  allowInsecureRemote?: boolean;
}

/** True for 127.0.0.0/8, ::1 and localhost: an address only this machine reaches. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The PEM files of `management.tls`, read; a file that can't be read is named. */
function readTls(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (what: 'cert' | 'key') => {
    try {
      return readFileSync(tls[what]);
    } catch (error) {
      throw new Error(`management.tls.${what}: cannot read ${tls[what]}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return { cert: read('cert'), key: read('key') };
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
  // §22: the API carries the token and the trader's accounts; off this machine only over TLS, unless told otherwise.
  const wanted = options.settingsStore.settings.management;
  const wantedHost = options.host ?? wanted.host;
  if (!isLoopback(wantedHost) && !wanted.tls && !options.allowInsecureRemote) {
    throw new Error(
      `management.host ${wantedHost} is reachable from other machines, and management.tls is not set: set ` +
        'management.tls {cert, key} so the token and your account data travel encrypted, or start serve with ' +
        '--allow-insecure-remote on a network you trust',
    );
  }
  const tlsFiles = wanted.tls ? readTls(wanted.tls) : null;
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
      const listen = { fetch: app.fetch, hostname: host, port: options.port ?? settings.management.port };
      const s = tlsFiles
        ? serve({ ...listen, createServer: createHttpsServer, serverOptions: tlsFiles }, () => resolve(s))
        : serve(listen, () => resolve(s));
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
  const url = `${tlsFiles ? 'https' : 'http'}://${shownHost}:${address.port}/`;
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
