import type { Settings } from '../config/schema';
import { ApiError } from './api-error';

/** The machine-readable reason of the error below: the window asks the trader and saves again with `confirmLive`. */
export const NEEDS_LIVE_CONFIRMATION = 'needs-live-confirmation';

/**
 * The live-trading rule (§14): switching from paper to LIVE trading takes `confirmLive: true`. Throws `invalid` with
 * reason `needs-live-confirmation` and the issue on `tradingMode` otherwise; staying live, or going back to paper,
 * needs nothing.
 */
export function requireLiveConfirmation(previous: Settings, next: Settings, confirmLive: boolean | undefined): void {
  if (next.tradingMode === 'live' && previous.tradingMode !== 'live' && confirmLive !== true) {
    throw new ApiError('invalid', 'switching to LIVE trading needs confirmation (confirmLive: true)', {
      reason: NEEDS_LIVE_CONFIRMATION,
      issues: [{ path: 'tradingMode', message: 'switching to live trading needs confirmation' }],
    });
  }
}
