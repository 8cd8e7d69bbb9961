const STORAGE_KEY = 'rebalance-desk.token';
const TOKEN_IN_HASH = /(^#|[#&?/])token=([^&]*)/;

/**
 * The management token for the HTTP transport: taken from the URL fragment (`#token=…`, as printed by `serve`), kept in
 * sessionStorage and removed from the visible URL so it is not shared by copying the address.
 */
export function takeToken(win: Window = window): string | null {
  const match = TOKEN_IN_HASH.exec(win.location.hash);
  if (match) {
    const token = decodeURIComponent(match[2] ?? '');
    try {
      win.sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Storage may be unavailable (private mode); the token still works for this page.
    }
    const rest = win.location.hash.replace(TOKEN_IN_HASH, '$1').replace(/[?&]+$/, '');
    const hash = rest.startsWith('#/') ? rest : '#/queue';
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${hash}`);
    return token;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
