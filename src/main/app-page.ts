import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the window's page comes from: the built `out/renderer/index.html`, or electron-vite's dev server. */
export type AppPage = { kind: 'file'; file: string } | { kind: 'url'; url: string };

/**
 * The app's own page. `ELECTRON_RENDERER_URL` (set by `electron-vite dev`) is honoured only in an unpackaged app, so
 * a packaged build can never be pointed at another origin through the environment.
 */
export function resolveAppPage(mainDir: string, isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): AppPage {
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devUrl && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/?$/.test(devUrl)) {
    return { kind: 'url', url: devUrl };
  }
  return { kind: 'file', file: resolve(join(mainDir, '../renderer/index.html')) };
}

function withoutHashAndQuery(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  copy.search = '';
  return copy.href;
}

/**
 * True when `url` is the app's own page (any hash or query, e.g. `#/settings`): the same file:// document, or the
 * same origin as the dev server. Everything else — other files, other hosts, about:blank, data: — is foreign.
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
  if (parsed.protocol !== 'file:') return false;
  const own = pathToFileURL(page.file).href;
  const given = withoutHashAndQuery(parsed);
  return process.platform === 'win32' ? own.toLowerCase() === given.toLowerCase() : own === given;
}

/** The page's URL with a hash route (`#/settings?firstRun=1`), for `loadURL` / `loadFile({hash})`. */
export function appPageUrl(page: AppPage, hash = ''): string {
  const base = page.kind === 'url' ? page.url : pathToFileURL(page.file).href;
  return hash ? `${base.replace(/#.*$/, '')}#${hash.replace(/^#/, '')}` : base;
}
