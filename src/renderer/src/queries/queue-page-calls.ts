import { EVENT_STATUSES, type EventStatus } from '../../../shared/dto';
import type { QueuePage } from '../../../shared/contract';
import type { CompoundCall, EarlyCall } from '../api/early-calls';
import { EVENT_PAGE_SIZE } from './page-sizes';

/**
 * The requests of the Queue page's first frame, exactly as `prefetchQueuePage` makes them, so the entry module can
 * start them before React has loaded and the prefetch then finds them under way (use-queries.test.ts checks that no
 * request is made twice).
 */
export const QUEUE_PAGE_CALLS: readonly EarlyCall[] = [
  ['health'],
  ['queueStatus'],
  ...EVENT_STATUSES.map((state): EarlyCall => ['listEvents', { state, limit: EVENT_PAGE_SIZE }]),
];

/**
 * The same requests as one (`queuePage`, §16): over HTTP/1.1's six connections nine requests queue behind each other
 * and behind the window's code; one answer is in sooner. `withSetup`: Get started's checklist too (a window opened
 * on no page in particular decides with it where it opens, §26).
 */
export function queuePageCall(withSetup: boolean): CompoundCall {
  const parts: CompoundCall['parts'][number][] = QUEUE_PAGE_CALLS.map((part): CompoundCall['parts'][number] => {
    const [name, input] = part;
    if (name === 'health') return [part, (page: QueuePage) => page.health];
    if (name === 'queueStatus') return [part, (page: QueuePage) => page.status];
    const state = (input as { state: EventStatus }).state;
    return [part, (page: QueuePage) => page.lists[state]];
  });
  if (withSetup) parts.push([['setupProgress'], (page: QueuePage) => page.setup]);
  return { call: ['queuePage', { limit: EVENT_PAGE_SIZE }], parts };
}
