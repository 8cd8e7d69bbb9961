/**
 * Events fetched per section at first; scrolling near the end of what is loaded fetches the next page. Keeping the
 * fetched window small keeps a pushed change cheap to refetch even with 10 000 events in a state (§16).
 */
export const EVENT_PAGE_SIZE = 200;
/** The most events one section loads (the contract's limit). */
export const EVENT_LIST_MAX = 10_000;
export const LOG_LIMIT = 2_000;
export const TRADE_LIMIT = 10_000;
