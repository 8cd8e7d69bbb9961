/**
 * How the window starts (§16 first render), called by the entry module (main.tsx): the Queue page's requests at once;
 * when their answers are in before React has rendered, the first frame (first-frame.ts) — the Queue as it will look —
 * and only then the boot chunk (React, Mantine, the pages), compiled and run, whose first render replaces that frame.
 * Whatever happens to the first frame (slow answers, a failed call, a frame that could not be drawn), the boot chunk
 * is loaded: the window never stays on a picture.
 */
import type { EventList, SetupProgress } from '../../shared/contract';
import { EVENT_STATUSES, type EventStatus, type Health, type QueueStatus } from '../../shared/dto';
import type { ApiClient } from './api/api-client';
import { withEarlyCalls, type EarlyCall, type EarlyClient } from './api/early-calls';
import { paintFirstFrame, type FirstFrameData } from './first-frame';
import { namedRoute } from './lib/route-of';
import { QUEUE_PAGE_CALLS, queuePageCall } from './queries/queue-page-calls';

/**
 * boot.tsx's `boot`; `waitMs`: how much longer its first render may wait for the Queue page's data (what is left of
 * `WindowStart.waitMs`, so a slow core gets React's "Loading…" after one wait, not two).
 */
export type Boot = (
  api: ApiClient,
  onQueuePage: boolean,
  choosesPage: boolean,
  onRender: () => void,
  waitMs: number,
) => void;

export interface WindowStart {
  /** The address's fragment as the page was opened (createApi takes the token out of it). */
  hash: string;
  createApi: () => Promise<ApiClient>;
  root: () => HTMLElement | null;
  /** `() => import('./boot')`: the boot chunk. */
  loadBoot: () => Promise<{ boot: Boot }>;
  /** Made while the boot chunk compiles (format.ts `warmFormats`). */
  warmFormats?: () => void;
  /**
   * How long the boot chunk waits for the first frame before it loads anyway: answers slower than this (a core still
   * starting, a slow Redis) get React's own "Loading…" and error states instead of a blank window.
   */
  waitMs?: number;
}

export const FIRST_FRAME_WAIT_MS = 300;

/**
 * The Queue page's first frame from the early calls' answers, or null: the window opens on Get started (§26) instead.
 * Rejects when a call failed (React's first render says why).
 */
async function firstFrameData(api: EarlyClient, choosesPage: boolean): Promise<FirstFrameData | null> {
  const answer = (name: EarlyCall[0], input?: unknown) => api.answerOf(name, input) ?? Promise.reject(new Error(name));
  const [health, status, setup, ...lists] = await Promise.all([
    answer('health') as Promise<Health>,
    answer('queueStatus') as Promise<QueueStatus>,
    choosesPage ? (answer('setupProgress') as Promise<SetupProgress>) : null,
    ...QUEUE_PAGE_CALLS.filter(([name]) => name === 'listEvents').map(
      ([name, input]) => answer(name, input) as Promise<EventList>,
    ),
  ]);
  if (setup?.opensOnGetStarted) return null; // as useOpeningRoute decides
  const byState = {} as Record<EventStatus, EventList>;
  EVENT_STATUSES.forEach((state, i) => (byState[state] = lists[i]!));
  return { health, status, lists: byState, setup };
}

/** Starts the window; resolves once React has been asked to render. */
export async function startWindow(start: WindowStart): Promise<void> {
  // read before createApi, which takes `#token=…` out of the address and leaves `#/queue` in its place
  const named = namedRoute(start.hash);
  const onQueuePage = named === null || named === 'queue';
  // §26: a window opened on no page in particular opens on Get started while setup is incomplete, Queue otherwise
  const choosesPage = named === null;
  // On the Queue, its requests (and Get started's checklist) as one; the parts' answers are picked out of it.
  const api = withEarlyCalls(await start.createApi(), [], onQueuePage ? [queuePageCall(choosesPage)] : []);
  let reactRendered = false;
  const firstFrame = onQueuePage
    ? firstFrameData(api, choosesPage).then(
        (data) => {
          const root = start.root();
          if (!data || !root || reactRendered) return;
          try {
            paintFirstFrame(root, data);
            performance.mark('first-frame');
          } catch (error) {
            // a bug, said on the console; React's first render follows all the same
            console.error('the first frame could not be drawn:', error);
          }
        },
        () => undefined, // a failed call: React's first render says why
      )
    : Promise.resolve();
  // The boot chunk (already downloading: the HTML preloads it) is compiled and run once the first frame is up, so
  // compiling 680 KB does not take the CPU from the core answering the first requests and from the first frame.
  const waitMs = start.waitMs ?? FIRST_FRAME_WAIT_MS;
  const waitFrom = Date.now();
  const framed = Promise.race([firstFrame, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  await framed;
  // The page's first Intl formatter loads the locale and zone data (60–140 ms on a fresh page); the first frame needs
  // none, React's first render does: made while the boot chunk compiles.
  if (start.warmFormats) setTimeout(start.warmFormats, 0);
  const { boot } = await start.loadBoot();
  const waitLeft = Math.max(0, waitMs - (Date.now() - waitFrom));
  boot(
    api,
    onQueuePage,
    choosesPage,
    () => {
      reactRendered = true;
    },
    waitLeft,
  );
}
