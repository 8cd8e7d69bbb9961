/**
 * The window's security policy (PRODUCT.md §18): isolated, sandboxed renderer without Node; a strict CSP on every
 * response; no navigation away from the app's page, no new windows (explicit https links open in the system
 * browser), no permissions, no <webview>, no developer tools in the packaged app.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

/** The window's CSP (src/shared/csp.ts), sent as a response header on every response of the app's session. */
export { CONTENT_SECURITY_POLICY };

/**
 * webPreferences of every app window: the preload is the only bridge to the main process. Developer tools only while
 * developing (§18: the packaged app has none).
 */
export function secureWebPreferences(preload: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload,
    devTools: options.devTools ?? false,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Only https links leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

type HeadersListener = Parameters<Session['webRequest']['onHeadersReceived']>[0];

/** Chromium's own pages (DevTools) keep their policy; everything else the app loads gets ours. */
const OWN_POLICY_SCHEMES = /^(devtools|chrome|chrome-extension):/i;

/**
 * An `onHeadersReceived` listener replacing any CSP of a response with `policy()` (header names are
 * case-insensitive): ours, or while attached to a remote core (§22) ours with that origin in `connect-src`.
 */
export function cspHeadersListenerFor(policy: () => string): NonNullable<HeadersListener> {
  return (details, callback) => {
    if (OWN_POLICY_SCHEMES.test(details.url)) {
      callback({});
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy()];
    callback({ responseHeaders: headers });
  };
}

/** The `onHeadersReceived` listener with the app's own CSP. */
export const cspHeadersListener = cspHeadersListenerFor(() => CONTENT_SECURITY_POLICY);

/** Session-wide rules: the CSP header on every response and every permission request denied. */
export function installSessionSecurity(session: Session, policy: () => string = () => CONTENT_SECURITY_POLICY): void {
  session.webRequest.onHeadersReceived(cspHeadersListenerFor(policy));
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface HardenOptions {
  /** True for the app's own page (file:// of out/renderer/index.html or the dev server). */
  isAppUrl: (url: string) => boolean;
  openExternal: (url: string) => Promise<void> | void;
  warn?: (message: string) => void;
}

/**
 * Guards one webContents: navigation only within the app's page (hash routes), every `window.open` / target=_blank
 * denied (an https link opened in the system browser: the only way out, an explicit link), redirects away denied, no
 * <webview> attached. A blocked navigation or redirect is only logged — never handed to the system browser (§18), so
 * a server answering a redirect cannot open pages on the trader's machine.
 */
export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const blockUnlessOwn = (event: { preventDefault(): void; url?: string }, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    if (options.isAppUrl(url)) return;
    event.preventDefault();
    options.warn?.(`blocked navigation to ${url}`);
  };
  contents.on('will-navigate', (event, url) => blockUnlessOwn(event, url));
  contents.on('will-redirect', (event, url) => blockUnlessOwn(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void Promise.resolve(options.openExternal(url)).catch(() => undefined);
    else options.warn?.(`blocked a new window for ${url}`);
    return { action: 'deny' };
  });
}
