/**
 * The window's Content Security Policy (PRODUCT.md §18), one definition for both hosts: the headless server sends it
 * on every answer (src/server/http-app.ts) and the desktop app on its app:// page and every response of its session
 * (src/main). It is a response header because `frame-ancestors` only works there (a `<meta>` CSP ignores it, and
 * Chromium logs an error); src/renderer/index.html keeps the directives a `<meta>` may carry.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
