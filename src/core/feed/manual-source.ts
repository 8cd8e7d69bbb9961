/**
 * Manual and API events (PRODUCT.md §4, §11 runCommand): the same checks as a Zehnlabs message (`validateFeedData`),
 * plus the account must exist in the settings; the strategy is taken from the account.
 */
import { randomUUID } from 'node:crypto';
import type { Command, NewEvent } from '../../shared/dto';
import type { Settings } from '../config/schema';
import { InvalidEventError, validateFeedData } from './validate';

export { InvalidEventError, validateFeedData, MAX_FEED_DATA_BYTES, type FeedDataCheck } from './validate';

export interface ManualEventInput {
  accountId: string;
  /** Checked at run time: callers may pass anything they received. */
  command: Command | string;
  payload?: Record<string, unknown>;
  source: 'manual' | 'api';
}

/**
 * Builds the event for a trader's one-click command or an API call: a new UUID as both id and eventId.
 * Throws `InvalidEventError` (code `invalid`) naming what is wrong: unknown command, unknown account, bad payload.
 * Catch-up events are not built here (their id depends on the allocation `as_of`): use `Feed.enqueueCatchUp`.
 */
export function buildManualEvent(input: ManualEventInput, settings: Settings): NewEvent {
  const payload: unknown = input.payload ?? {};
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new InvalidEventError('payload must be a JSON object');
  }
  const check = validateFeedData({ ...(payload as Record<string, unknown>), exec: input.command });
  if (!check.ok) throw new InvalidEventError(check.reason.replace(/^unknown exec/, 'unknown command'));
  const account = settings.accounts.find((a) => a.accountId === input.accountId);
  if (!account) throw new InvalidEventError(`account ${String(input.accountId)} is not in the settings`);
  const id = randomUUID();
  return {
    id,
    eventId: id,
    accountId: account.accountId,
    command: check.exec,
    strategy: account.strategy,
    source: input.source,
    payload: payload as Record<string, unknown>,
  };
}
