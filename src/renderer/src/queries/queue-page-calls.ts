import { EVENT_STATUSES } from '../../../shared/dto';
import type { EarlyCall } from '../api/early-calls';
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
