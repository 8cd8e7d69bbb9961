/**
 * The window's entry module, kept small on purpose: it starts loading the rest (React, Mantine, the pages) and, at
 * the same time, the Queue page's requests, so the answers arrive while that code is still being downloaded and
 * compiled instead of after it (§16 first render). The chunks are asked for first: they are what takes longest.
 */
import { createApi } from './api/create-api';
import { withEarlyCalls, type EarlyCall } from './api/early-calls';
import { warmFormats } from './lib/format';
import { namedRoute } from './lib/route-of';
import { QUEUE_PAGE_CALLS } from './queries/queue-page-calls';

const booting = import('./boot');
// Read before createApi, which takes `#token=…` out of the address and leaves `#/queue` in its place.
const named = namedRoute(window.location.hash);
const onQueuePage = named === null || named === 'queue';
// §26: a window opened on no page in particular opens on Get started while setup is incomplete, Queue otherwise.
const choosesPage = named === null;
const early: EarlyCall[] = [
  ...(onQueuePage ? QUEUE_PAGE_CALLS : []),
  ...(choosesPage ? [['setupProgress'] satisfies EarlyCall] : []),
];

void createApi().then((client) => {
  const api = withEarlyCalls(client, early);
  // the requests are out; the boot chunk is still on its way: the page's time to load its locale data
  warmFormats();
  return booting.then(({ boot }) => boot(api, onQueuePage, choosesPage));
});
