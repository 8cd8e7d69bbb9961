/**
 * §19: has the plan changed since the trader approved it? A live run re-plans from live data after approval; it
 * trades only when the fresh orders are the approved ones within a tolerance, else the event waits again.
 */
import type { OrderSide } from '../../shared/dto';

export interface ApprovedOrder {
  symbol: string;
  side: OrderSide;
  quantity: number;
}

/** A quantity may drift by up to max(1 share, 2 %) of the approved quantity (price moves, a dividend, cash). */
export function quantityTolerance(approvedQuantity: number): number {
  return Math.max(1, Math.abs(approvedQuantity) * 0.02);
}

/**
 * How the fresh orders differ from the approved ones, one line per difference a trader would care about: a symbol
 * added or removed, a side flipped, or a quantity off by more than max(1 share, 2 %). Empty when the approved plan
 * still stands.
 */
export function planChanges(approved: readonly ApprovedOrder[], fresh: readonly ApprovedOrder[]): string[] {
  const before = new Map(approved.map((o) => [o.symbol, o]));
  const after = new Map(fresh.map((o) => [o.symbol, o]));
  const changes: string[] = [];
  for (const [symbol, was] of before) {
    const now = after.get(symbol);
    if (!now) changes.push(`${symbol}: ${was.side} ${was.quantity} no longer in the plan`);
    else if (now.side !== was.side)
      changes.push(`${symbol}: ${was.side} ${was.quantity} is now ${now.side} ${now.quantity}`);
    else if (Math.abs(now.quantity - was.quantity) > quantityTolerance(was.quantity) + 1e-9) {
      changes.push(`${symbol}: ${was.side} ${was.quantity} is now ${now.side} ${now.quantity}`);
    }
  }
  for (const [symbol, now] of after) {
    if (!before.has(symbol)) changes.push(`${symbol}: ${now.side} ${now.quantity} added to the plan`);
  }
  return changes;
}
