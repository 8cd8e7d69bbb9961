import { useSyncExternalStore } from 'react';

export const ROUTES = ['queue', 'accounts', 'trade-log', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

export function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?&]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'queue';
}

/** Hash routing (`#/queue`, `#/accounts` …): works from a file:// page in Electron and beside `#token=` in a browser. */
export function useRoute(): Route {
  return useSyncExternalStore(
    subscribe,
    () => routeOf(window.location.hash),
    () => 'queue' as Route,
  );
}

export function hrefOf(route: Route): string {
  return `#/${route}`;
}
