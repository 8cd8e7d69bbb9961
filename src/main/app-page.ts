/**
 * Where the window's page comes from: `app://desk/index.html`, a privileged custom protocol serving the built
 * `out/renderer/` (every response carries the CSP header — a response header never applies to a file:// page), or
 * electron-vite's dev server.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './window-security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
const INDEX = '/index.html';

/** Privileges of the app scheme, registered before `ready` (`protocol.registerSchemesAsPrivileged`). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and 'self' work; secure: like https (no mixed-content downgrade); no CORS bypass.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export type AppPage = { kind: 'protocol'; root: string; url: string } | { kind: 'url'; url: string };

/**
 * The app's own page. `ELECTRON_RENDERER_URL` (set by `electron-vite dev`) is honoured only in an unpackaged app, so
 * a packaged build can never be pointed at another origin through the environment.
 */
export function resolveAppPage(mainDir: string, isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): AppPage {
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devUrl && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/?$/.test(devUrl)) {
    return { kind: 'url', url: devUrl };
  }
  return { kind: 'protocol', root: resolve(join(mainDir, '../renderer')), url: `${APP_ORIGIN}${INDEX}` };
}

/**
 * True when `url` is the app's own page (any hash or query, e.g. `#/settings`): `app://desk/index.html`, or the
 * same origin as the dev server. Everything else — other files, other hosts, about:blank, data:, file: — is foreign.
 */
export function isAppPageUrl(page: AppPage, url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (page.kind === 'url') {
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === new URL(page.url).origin;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    (parsed.pathname === INDEX || parsed.pathname === '/') &&
    !parsed.username &&
    !parsed.password
  );
}

/** The page's URL with a hash route (`#/get-started`), for `loadURL`. */
export function appPageUrl(page: AppPage, hash = ''): string {
  return hash ? `${page.url.replace(/#.*$/, '')}#${hash.replace(/^#/, '')}` : page.url;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function plainAnswer(status: number, text: string, policy: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': policy },
  });
}

/**
 * The `protocol.handle('app', …)` handler: GET `app://desk/<path>` → the file `<root>/<path>` (`/` is index.html),
 * with the CSP and nosniff headers. Paths outside `root`, other hosts and other methods are refused.
 */
export function appProtocolHandler(
  root: string,
  policy: () => string = () => CONTENT_SECURITY_POLICY,
): (request: Request) => Promise<Response> {
  const base = resolve(root);
  return async (request) => {
    const csp = policy();
    const plain = (status: number, text: string) => plainAnswer(status, text, csp);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'bad URL');
    }
    if (url.host !== APP_HOST) return plain(404, `unknown host ${url.host}`);
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, `${request.method} not allowed`);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'bad path');
    }
    if (pathname === '/' || pathname === '') pathname = INDEX;
    const file = resolve(base, `.${pathname}`);
    const inside = relative(base, file);
    if (!inside || inside.startsWith('..') || isAbsolute(inside) || pathname.includes('\0')) {
      return plain(403, 'outside the app');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(404, `not found: ${pathname}`);
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
