/**
 * The window's Content Security Policy (PRODUCT.md §18), one definition for both hosts: the headless server sends it
 * on every answer (src/server/http-app.ts) and the desktop app on its app:// page and every response of its session
 * (src/main). It is a response header because `frame-ancestors` only works there (a `<meta>` CSP ignores it, and
 * Chromium logs an error); src/renderer/index.html keeps the directives a `<meta>` may carry, except `connect-src`:
 * the desktop app attached to a remote core (§22) widens it to that core's origin (`connect`), so it lives only here.
 */
export function contentSecurityPolicy(options: { connect?: readonly string[] } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...(options.connect ?? [])].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * The desktop app's page origin (src/main/app-page.ts). A core answers cross-origin requests from it (and only it):
 * the desktop app attached to a remote core (§22) calls that core from this page.
 */
export const DESKTOP_APP_ORIGIN = 'app://desk';
