import { useSyncExternalStore } from 'react';

/**
 * A 1-second local clock shared by every countdown and relative age; it only re-renders, it never fetches.
 * The interval runs only while something on screen shows a time.
 */
const subscribers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = Date.now();

function subscribe(callback: () => void): () => void {
  subscribers.add(callback);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const subscriber of subscribers) subscriber();
    }, 1_000);
  }
  return () => {
    subscribers.delete(callback);
    if (subscribers.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function snapshot(): number {
  return now;
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
