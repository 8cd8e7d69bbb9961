/** Zehnlabs realtime feed, manual / API events and the shared signal validation (PRODUCT.md §6). */
export { Feed } from './feed';
export { accountsInMode, channelsFor } from './subscriptions';
export { isNewerAsOf } from './catch-up';
export type { FeedDeps, FeedEvents, FeedSink, FeedLogEntry, MissedSignal } from './feed';
export { describeAblyError, feedHealth, feedLogEntry } from './feed-state';
export type { FeedChannelState, FeedLinkState, FeedState } from './feed-state';
export { buildManualEvent, type ManualEventInput } from './manual-source';
export { InvalidEventError, validateFeedData, MAX_FEED_DATA_BYTES, type FeedDataCheck } from './validate';
