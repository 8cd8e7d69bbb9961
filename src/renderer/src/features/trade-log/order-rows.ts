import type { TradeRecord } from '../../../../shared/dto';

/** One order of the trade log with its fills folded in (§26): what was asked, what filled, at what price and cost. */
export interface OrderRow {
  key: string;
  /** When the order was first recorded (placed). */
  at: string;
  /** When it last changed (its last status or fill). */
  updatedAt: string;
  accountId: string;
  symbol: string;
  side: TradeRecord['side'];
  quantity: number;
  orderType: string;
  status: string;
  filled: number;
  fills: number;
  avgFillPrice: number | null;
  /** Filled shares × average fill price; null before any fill. */
  value: number | null;
  commission: number | null;
  orderRef: string | null;
  orderId: number | null;
  permId: number | null;
  eventId: string | null;
  /** §24: the event was deleted; its trade records are kept. */
  eventDeleted: boolean;
}

function keyOf(t: TradeRecord): string {
  if (t.permId !== null && t.permId !== 0) return `${t.accountId}:p${t.permId}`;
  if (t.orderId !== null) return `${t.accountId}:o${t.orderId}:${t.eventId ?? ''}`;
  if (t.orderRef) return `${t.accountId}:r${t.orderRef}:${t.symbol}`;
  return `${t.accountId}:t${t.id}`;
}

/**
 * Folds the trade records (order status updates and fills) into one row per order, newest first. Fills give the
 * filled shares, average price and commission; without fill records the order's own last fill price stands.
 */
export function orderRows(trades: readonly TradeRecord[]): OrderRow[] {
  const groups = new Map<string, TradeRecord[]>();
  const sorted = [...trades].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const t of sorted) {
    const key = keyOf(t);
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const rows: OrderRow[] = [];
  for (const [key, records] of groups) {
    const orders = records.filter((r) => r.kind === 'order');
    const fills = records.filter((r) => r.kind === 'fill');
    const first = records[0]!;
    const lastOrder = orders.at(-1);
    const filled = fills.reduce((sum, f) => sum + f.quantity, 0);
    let avgFillPrice: number | null = null;
    let value: number | null = null;
    if (filled > 0) {
      value = fills.reduce((sum, f) => sum + f.quantity * (f.fillPrice ?? 0), 0);
      avgFillPrice = value / filled;
    } else if (
      lastOrder?.fillPrice !== null &&
      lastOrder?.fillPrice !== undefined &&
      /filled/i.test(lastOrder.status)
    ) {
      avgFillPrice = lastOrder.fillPrice;
      value = lastOrder.quantity * lastOrder.fillPrice;
    }
    const commissions = fills.map((f) => f.commission).filter((c): c is number => c !== null);
    rows.push({
      key,
      at: first.at,
      updatedAt: records.at(-1)!.at,
      accountId: first.accountId,
      symbol: first.symbol,
      side: first.side,
      quantity: (orders[0] ?? first).quantity,
      orderType: (orders[0] ?? first).orderType,
      status: lastOrder?.status ?? (fills.length > 0 ? 'Filled' : first.status),
      filled: filled > 0 ? filled : avgFillPrice !== null ? (lastOrder?.quantity ?? 0) : 0,
      fills: fills.length,
      avgFillPrice,
      value,
      commission: commissions.length > 0 ? commissions.reduce((a, b) => a + b, 0) : null,
      orderRef: records.find((r) => r.orderRef)?.orderRef ?? null,
      orderId: records.find((r) => r.orderId !== null)?.orderId ?? null,
      permId: records.find((r) => r.permId !== null)?.permId ?? null,
      eventId: records.find((r) => r.eventId)?.eventId ?? null,
      eventDeleted: records.some((r) => r.eventDeleted === true),
    });
  }
  return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** The trade log's search (§26): a symbol, an order id (or perm id / order ref) or an event id, case-insensitive. */
export function matchesSearch(row: OrderRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [row.symbol, row.orderId, row.permId, row.orderRef, row.eventId, row.accountId].some(
    (v) => v !== null && String(v).toLowerCase().includes(q),
  );
}
