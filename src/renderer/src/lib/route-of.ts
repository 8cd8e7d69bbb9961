/** The window's pages and how a URL fragment names one (no React here: the entry module reads it before React loads). */
export const ROUTES = ['queue', 'accounts', 'trade-log', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?&]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'queue';
}
