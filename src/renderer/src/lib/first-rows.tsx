/**
 * §16 with §25's names: the Queue page's first rows come before anything the window merely decorates them with. The
 * account names (Queue rows, the awaiting list) and the Accounts menu badge need `GET /api/accounts`, which waits on
 * IB for the money; asked for at the same time as the event lists it would take one of the browser's few connections
 * and the core's time from them. So, while the window opens on the Queue, those reads wait until the Queue's lists
 * have answered (rows in the DOM); the names then fill in. On any other page they are read at once.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface FirstRows {
  /** Whether reads that decorate the Queue may start. */
  shown: boolean;
  /** Called by the Queue page once its lists have answered. */
  markShown: () => void;
}

/** Without a gate (a page rendered on its own) nothing waits. */
const FirstRowsContext = createContext<FirstRows>({ shown: true, markShown: () => undefined });

/** Around the window's pages: holds the decorating reads while `onQueue` and the Queue's first rows are not in. */
export function FirstRowsGate({ onQueue, children }: { onQueue: boolean; children: ReactNode }) {
  const [rowsShown, setRowsShown] = useState(!onQueue);
  // Another page was opened first: it reads what it needs, nothing is held.
  if (!rowsShown && !onQueue) setRowsShown(true);
  const markShown = useCallback(() => setRowsShown(true), []);
  const value = useMemo(() => ({ shown: rowsShown, markShown }), [rowsShown, markShown]);
  return <FirstRowsContext.Provider value={value}>{children}</FirstRowsContext.Provider>;
}

/** True once reads that decorate the Queue may start (see {@link FirstRowsGate}). */
export function useFirstRowsShown(): boolean {
  return useContext(FirstRowsContext).shown;
}

/** The Queue page's call: its first rows are in. */
export function useMarkFirstRowsShown(): () => void {
  return useContext(FirstRowsContext).markShown;
}
