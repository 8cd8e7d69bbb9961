/**
 * The window's entry module, kept small on purpose: it starts loading the rest (React, Mantine, the pages) and, at
 * the same time, the Queue page's requests, so the answers arrive while that code is still being downloaded and
 * compiled instead of after it (§16 first render). The chunks are asked for first: they are what takes longest.
 */
import { createApi } from './api/create-api';
import { withEarlyCalls } from './api/early-calls';
import { routeOf } from './lib/route-of';
import { QUEUE_PAGE_CALLS } from './queries/queue-page-calls';

const booting = import('./boot');
const onQueuePage = routeOf(window.location.hash) === 'queue';
const api = withEarlyCalls(createApi(), onQueuePage ? QUEUE_PAGE_CALLS : []);

void booting.then(({ boot }) => boot(api, onQueuePage));
