/**
 * The one place that knows where a password can hide in a URL (§18): the userinfo password (which may itself hold
 * `@`, `:` or percent-encoded characters) and query parameters such as `?password=` or `?sentinelPassword=`, which
 * ioredis turns into connection options. URLs are read with the WHATWG URL parser — the one ioredis uses — never a
 * regular expression over the text, so what is masked is exactly what the client would send.
 *
 * Used by the config view (GET /api/config), the Redis description in health and logs, the logger's last-line scrub
 * and the settings file in keychain mode.
 */

/** Shown in place of a secret that is set. */
export const SECRET_MASK = '••••••••';

/** A query parameter whose name says it carries a secret (`password`, `sentinelPassword`, `token`, `apiKey` …). */
export function isSecretParam(name: string): boolean {
  return /pass|secret|token|auth|key|credential/i.test(name);
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The secret values inside a URL, decoded as the client would send them: the password and secret parameters. */
export function urlSecrets(url: string | null | undefined): string[] {
  const u = url ? parse(url) : null;
  if (!u) return [];
  const out: string[] = [];
  if (u.password) out.push(decode(u.password));
  for (const [name, value] of u.searchParams) if (isSecretParam(name) && value) out.push(value);
  return out;
}

/** True when the URL carries a password or a secret parameter. */
export function hasUrlSecret(url: string | null | undefined): boolean {
  return urlSecrets(url).length > 0;
}

const PLACEHOLDER = 'RDMASKPLACEHOLDER';

/**
 * Every secret of the URL replaced: the password and secret parameters by `replacement` (the mask), or removed when
 * `replacement` is null. A URL the parser refuses cannot be read safely and is replaced whole (the scheme stays).
 */
function replaceUrlSecrets(url: string, replacement: string | null): string {
  const u = parse(url);
  if (!u) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
    return replacement === null ? scheme : `${scheme}${replacement}`;
  }
  if (!hasUrlSecret(url)) return url;
  if (u.password) u.password = replacement === null ? '' : PLACEHOLDER;
  for (const name of [...new Set(u.searchParams.keys())]) {
    if (!isSecretParam(name)) continue;
    if (replacement === null) u.searchParams.delete(name);
    else u.searchParams.set(name, PLACEHOLDER);
  }
  const text = u.toString();
  return replacement === null ? text : text.split(PLACEHOLDER).join(replacement);
}

/** The URL as the UI, the API and logs may show it: each password and secret parameter as the mask. */
export function maskUrl(url: string): string {
  return replaceUrlSecrets(url, SECRET_MASK);
}

/** The URL without its secrets (for a settings file whose secrets are in the keychain). */
export function stripUrlSecrets(url: string): string {
  return replaceUrlSecrets(url, null);
}

/** True when the URL carries the mask where a secret would be (it came back from a masked read). */
export function urlHasMask(url: string): boolean {
  const u = parse(url);
  if (!u) return url.includes(SECRET_MASK);
  if (decode(u.password) === SECRET_MASK) return true;
  return [...u.searchParams.values()].some((v) => v === SECRET_MASK);
}

/**
 * An updated URL that came back masked (§18): unchanged, it keeps the current URL with its secrets; changed in any
 * other way, the masked secrets are dropped — a masked secret is never sent to a new place; it must be typed again.
 * A URL without the mask is taken as typed.
 */
export function keepUrlSecrets(update: string, current: string | null): string {
  if (!urlHasMask(update)) return update;
  if (current !== null && maskUrl(current) === update) return current;
  const u = parse(update);
  if (!u) return stripUrlSecrets(update);
  if (decode(u.password) === SECRET_MASK) u.password = '';
  for (const name of [...new Set(u.searchParams.keys())]) {
    if (u.searchParams.getAll(name).includes(SECRET_MASK)) u.searchParams.delete(name);
  }
  return u.toString();
}

/**
 * Each known secret value replaced by the mask wherever it appears in `text` — as is, percent-encoded and as a JSON
 * string would hold it. The logger's last line of defence for a secret inside free text (an error message, a URL in a
 * message). Values shorter than 4 characters are left alone: they would mask ordinary words.
 */
export function maskKnownSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(SECRET_MASK);
  }
  return out;
}
