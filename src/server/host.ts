import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { MIN_TOKEN_LENGTH, tokenProblem } from '../core/config/secrets';
import { Runtime, type RuntimeOptions } from '../core/runtime';
import { createHttpApp } from './http-app';

export interface HeadlessHost {
  runtime: Runtime;
  url: string;
  token: string;
  /** True when no token was set and this run made one (only then is it printed, §18). */
  tokenGenerated: boolean;
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

/** Why `token` (set in the settings or the environment) cannot guard the API, or null. */
function startTokenProblem(token: string): string | null {
  if (!tokenProblem(token)) return null;
  return (
    `management.token is ${token.length} characters long; it must be at least ${MIN_TOKEN_LENGTH} ` +
    '(or leave it empty and serve makes one)'
  );
}

/**
 * The line `serve` prints once ready. The token is in it (in the fragment, for the browser) only when this run made
 * it: a token from the settings or the environment is never printed (§18), the trader has it already.
 */
export function listeningLine(host: Pick<HeadlessHost, 'url' | 'token' | 'tokenGenerated'>): string {
  return host.tokenGenerated
    ? `listening on ${host.url}#token=${host.token}`
    : `listening on ${host.url} (token: management.token from the settings; add #token=… to open the window)`;
}

/**
 * §18 DNS rebinding: the `Host` values a server bound to `host`:`port` answers to. On loopback: 127.0.0.1, localhost
 * and [::1] (and the bound name) with the port; elsewhere null (no check: the server is meant to be reached by
 * names this process cannot know, and TLS with the token guards it).
 */
export function allowedHostHeaders(host: string, port: number): ReadonlySet<string> | null {
  if (!isLoopback(host)) return null;
  const bound = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()].map((name) => `${name}:${port}`));
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
  const badToken = startTokenProblem(wanted.token);
  if (badToken) throw new Error(badToken);
  const runtime = new Runtime(options);
  try {
    await runtime.start();
  } catch (error) {
    // Stop whatever did start (e.g. the embedded Redis) before reporting why the core could not start.
    await runtime.stop();
    throw error;
  }
  const settings = runtime.settings;
  const tokenGenerated = settings.management.token === '';
  const token = settings.management.token || randomBytes(24).toString('base64url');
  const host = options.host ?? settings.management.host;
  // Nothing is answered until the port is known; then the loopback names with it (null: no check off loopback).
  let allowed: ReadonlySet<string> | null = new Set();
  const app = createHttpApp({
    allowedHosts: () => allowed,
    hsts: tlsFiles !== null,
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
  allowed = allowedHostHeaders(host, address.port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `${tlsFiles ? 'https' : 'http'}://${shownHost}:${address.port}/`;
  return {
    runtime,
    url,
    token,
    tokenGenerated,
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
