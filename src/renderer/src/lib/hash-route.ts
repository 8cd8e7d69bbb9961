import { useSyncExternalStore } from 'react';
import { routeOf, type Route } from './route-of';

export { hrefOf, ROUTES, routeOf, type Route } from './route-of';

/**
 * What a page that holds the window on itself (Settings with unsaved edits, §26) is asked when the trader goes to
 * another page: it calls `leave()` to go on (the page then unmounts) or `stay()` to stay where it is.
 */
export type LeaveRequest = { to: Route; leave(): void; stay(): void };

let hold: ((request: LeaveRequest) => void) | null = null;
/** The hash the trader asked for while the page is being asked (later clicks replace it: the last one wins). */
let pendingHash: string | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function onHashChange(event: HashChangeEvent): void {
  const ask = hold;
  const from = routeOf(new URL(event.oldURL).hash);
  const to = routeOf(window.location.hash);
  if (!ask || from === to) {
    notify();
    return;
  }
  // Back to the page that holds the window, without a second history entry and without a hashchange; the route shown
  // never changes until the page says leave.
  const target = window.location.hash;
  window.history.replaceState(window.history.state, '', event.oldURL);
  const alreadyAsking = pendingHash !== null;
  pendingHash = target;
  if (alreadyAsking) return;
  ask({
    to,
    leave: () => {
      const next = pendingHash;
      pendingHash = null;
      if (hold === ask) hold = null;
      if (next !== null) window.location.hash = next;
    },
    stay: () => {
      pendingHash = null;
    },
  });
}

function subscribe(callback: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('hashchange', onHashChange);
  listeners.add(callback);
  return () => {
    listeners.delete(callback);
    if (listeners.size === 0) window.removeEventListener('hashchange', onHashChange);
  };
}

/** Hash routing (`#/queue`, `#/accounts` …): works from a file:// page in Electron and beside `#token=` in a browser. */
export function useRoute(): Route {
  return useSyncExternalStore(
    subscribe,
    () => routeOf(window.location.hash),
    () => 'queue' as Route,
  );
}

/**
 * Holds the window on the current page: moving to another page (the side menu, a link, Back) first calls `ask`, and
 * the route changes only when it answers `leave()`. One page holds at a time; the function returned lets go.
 */
export function holdRoute(ask: (request: LeaveRequest) => void): () => void {
  hold = ask;
  return () => {
    if (hold === ask) {
      hold = null;
      pendingHash = null;
    }
  };
}
