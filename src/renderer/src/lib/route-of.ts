/** The window's pages and how a URL fragment names one (no React here: the entry module reads it before React loads). */
export const ROUTES = ['queue', 'accounts', 'trade-log', 'settings', 'get-started'] as const;
export type Route = (typeof ROUTES)[number];

/** The side menu's pages after Get started, in order, with their labels: App.tsx's menu and the first frame's. */
export const MENU_PAGES = [
  ['queue', 'Queue'],
  ['accounts', 'Accounts'],
  ['trade-log', 'Trade log'],
  ['settings', 'Settings'],
] as const satisfies readonly (readonly [Route, string])[];
export type MenuRoute = (typeof MENU_PAGES)[number][0];

/** The page a fragment names, or null when it names none (`''`, `#token=…`): the window then picks (§26). */
export function namedRoute(hash: string): Route | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?&]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : null;
}

export function routeOf(hash: string): Route {
  return namedRoute(hash) ?? 'queue';
}

/** The fragment that opens `route`. */
export function hrefOf(route: Route): string {
  return `#/${route}`;
}
