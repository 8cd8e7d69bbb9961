/**
 * What a finished event came to, in a few words (§26 "Outcomes, not stale errors"): the Queue's Result column and the
 * Accounts card's last result say the same thing. Pure; shared by the core (runtime) and the window.
 */
import type { Command, EventRecord, OrderRecord } from './dto';

/** A lookup reads the account and trades nothing; it never replaces a card's last rebalance result. */
export function isLookup(command: Command): boolean {
  return command.startsWith('print-');
}

function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function isFilled(order: Pick<OrderRecord, 'status' | 'filled' | 'remaining'>): boolean {
  return order.status === 'Filled' || (order.remaining === 0 && order.filled > 0);
}

/** "8/8 filled", "already at target", "rejected by trader", "3 order(s) cancelled", "12 positions" … */
export function resultSummary(event: Pick<EventRecord, 'command' | 'result'>): string {
  const result = event.result ?? {};
  if (result.rejectedByTrader === true) return 'rejected by trader';
  const plan = result.plan as { rows?: { order: unknown }[]; limitBreaches?: string[] } | undefined;
  switch (event.command) {
    case 'rebalance':
    case 'raise-cash': {
      const orders = arrayOf<OrderRecord>(result.orders);
      // §23: fractions of a share whole-share orders cannot sell stay for the trader to close in TWS.
      const residuals = arrayOf<{ symbol: string; shares: number }>(result.residuals);
      const left =
        residuals.length > 0 ? `; close in TWS: ${residuals.map((r) => `${r.shares} ${r.symbol}`).join(', ')}` : '';
      // A raise-cash that sells nothing found the cash already there: "at target" would say it did something else.
      if (orders.length === 0)
        return `${event.command === 'raise-cash' ? 'cash already covers it' : 'already at target'}${left}`;
      return `${orders.filter(isFilled).length}/${orders.length} filled${left}`;
    }
    case 'print-rebalance': {
      const planned = (plan?.rows ?? []).filter((r) => r.order).length;
      const breaches = plan?.limitBreaches ?? [];
      const text = planned === 0 ? 'already at target' : `${planned} order(s) planned`;
      return `${text}${breaches.length > 0 ? `; risk limit breached: ${breaches[0]}` : ''}`;
    }
    case 'cancel-orders':
      return `${arrayOf(result.orders).length} order(s) cancelled`;
    case 'print-positions':
      return `${arrayOf(result.positions).length} position(s)`;
    case 'print-orders':
      return `${arrayOf(result.orders).length} open order(s)`;
    case 'print-equity':
      return 'equity read';
  }
}

/**
 * The card's last result after an event finished or failed, or null when the event is a lookup (it keeps the last
 * rebalance's result on the card).
 */
export function lastResultOf(
  event: EventRecord,
): { at: string; eventId: string; command: string; ok: boolean; summary: string } | null {
  if (isLookup(event.command)) return null;
  const ok = event.status === 'done';
  const summary = ok ? resultSummary(event) : `${event.lastError?.kind ?? 'failed'}: ${event.lastError?.message ?? ''}`;
  return { at: event.updatedAt, eventId: event.id, command: event.command, ok, summary };
}
