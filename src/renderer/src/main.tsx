/**
 * The window's entry module, kept small on purpose (§16 first render). The HTML already downloads the rest (the boot
 * chunk: React, Mantine, the Queue page) beside it; this module starts the Queue page's requests at once, and when
 * their answers are in before React has rendered, draws the first frame (first-frame.ts) — the Queue as it will look —
 * and only then has the boot chunk compiled and run. React's first render then replaces that frame.
 */
import type { EventList, SetupProgress } from '../../shared/contract';
import { EVENT_STATUSES, type EventStatus, type Health, type QueueStatus } from '../../shared/dto';
import { createApi } from './api/create-api';
import { withEarlyCalls, type EarlyCall, type EarlyClient } from './api/early-calls';
import { paintFirstFrame, type FirstFrameData } from './first-frame';
import { warmFormats } from './lib/format';
import { namedRoute } from './lib/route-of';
import { QUEUE_PAGE_CALLS } from './queries/queue-page-calls';

// Read before createApi, which takes `#token=…` out of the address and leaves `#/queue` in its place.
const named = namedRoute(window.location.hash);
const onQueuePage = named === null || named === 'queue';
// §26: a window opened on no page in particular opens on Get started while setup is incomplete, Queue otherwise.
const choosesPage = named === null;
const early: EarlyCall[] = [
  ...(onQueuePage ? QUEUE_PAGE_CALLS : []),
  ...(choosesPage ? [['setupProgress'] satisfies EarlyCall] : []),
];

/**
 * The Queue page's first frame from the early calls' answers, or null: a call failed (React says why), or the window
 * opens on Get started (§26) instead.
 */
async function firstFrameData(api: EarlyClient): Promise<FirstFrameData | null> {
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
  return {
    health,
    status,
    lists: Object.fromEntries(EVENT_STATUSES.map((state, i) => [state, lists[i]!])) as Record<EventStatus, EventList>,
  };
}

/**
 * How long the window's code waits for the first frame before it loads anyway: answers slower than this (a core
 * still starting, a slow Redis) get React's own "Loading…" and error states instead of a blank window.
 */
const FIRST_FRAME_WAIT_MS = 300;

let reactRendered = false;
void createApi().then((client) => {
  const api = withEarlyCalls(client, early);
  const firstFrame = onQueuePage
    ? firstFrameData(api).then(
        (data) => {
          const root = document.getElementById('root');
          if (!data || !root || reactRendered) return;
          paintFirstFrame(root, data);
          performance.mark('first-frame');
        },
        () => undefined, // React's first render shows the failure
      )
    : Promise.resolve();
  // The window's code (already downloading: the HTML preloads it) is compiled and run once the first frame is up, so
  // compiling 680 KB does not take the CPU from the core answering the first requests and from the first frame.
  const framed = Promise.race([firstFrame, new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_WAIT_MS))]);
  // The page's first Intl formatter loads the locale and zone data (60–140 ms on a fresh page); the first frame needs
  // none, React's first render does: made while the boot chunk compiles.
  void framed.then(() => setTimeout(warmFormats, 0));
  return framed
    .then(() => import('./boot'))
    .then(({ boot }) =>
      boot(api, onQueuePage, choosesPage, () => {
        reactRendered = true;
      }),
    );
});
