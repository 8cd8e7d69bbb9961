import { useSyncExternalStore } from 'react';
import { routeOf, type Route } from './route-of';

export { ROUTES, routeOf, type Route } from './route-of';

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
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
