import { Badge, Text } from '@mantine/core';
import { useRef } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { formatDecimal, formatExact, formatInteger, formatMoney, formatRelative, shortId } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useVirtualRows } from '../../lib/use-virtual-rows';
import { useAccountName } from '../../queries/use-account-names';
import type { OrderRow } from './order-rows';

const ROW = 30;

function statusColor(status: string): string {
  if (/filled/i.test(status)) return 'green';
  if (/cancel|reject|inactive/i.test(status)) return 'red';
  return 'gray';
}

/**
 * The trade log's orders (§13, §26): one row per order with its fills folded in (filled shares, average price, value,
 * commission), newest first, virtualized. Columns share `.trades-grid` (styles.css); in a narrow window Order ref and
 * Event fold away.
 */
export function TradesTable({
  orders,
  height = 300,
  emptyText,
}: {
  orders: OrderRow[];
  height?: number;
  emptyText?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  const nameOf = useAccountName();
  const virtualizer = useVirtualRows({
    count: orders.length,
    scrollRef,
    rowHeight: ROW,
    viewportHeight: height,
    getItemKey: (index) => orders[index]?.key ?? index,
  });
  if (orders.length === 0) {
    return (
      <EmptyState>
        {emptyText ?? 'No orders or fills yet — they appear here as soon as a rebalance places orders.'}
      </EmptyState>
    );
  }
  return (
    <div role="table" aria-label="Trades" className="fit-container">
      <div className="grid-row grid-head trades-grid" style={{ height: 26 }} role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Account</span>
        <span role="columnheader">Symbol</span>
        <span role="columnheader">Side</span>
        <span role="columnheader" className="num" title="Filled of ordered shares">
          Qty
        </span>
        <span role="columnheader" className="num">
          Avg price
        </span>
        <span role="columnheader" className="num">
          Value
        </span>
        <span role="columnheader" className="num">
          Commission
        </span>
        <span role="columnheader">Status</span>
        <span role="columnheader" className="col-opt">
          Order ref
        </span>
        <span role="columnheader" className="col-opt">
          Event
        </span>
      </div>
      <div
        ref={scrollRef}
        style={{ height: Math.min(height, orders.length * ROW), overflowY: 'auto', position: 'relative' }}
        role="rowgroup"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const o = orders[item.index];
            if (!o) return null;
            return (
              <div
                key={item.key}
                role="row"
                className="grid-row trades-grid"
                data-order-id={o.orderId ?? undefined}
                style={{
                  height: ROW,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span role="cell" title={formatExact(o.at)}>
                  {formatRelative(o.at, now)}
                </span>
                <span role="cell" title={o.accountId}>
                  {nameOf(o.accountId)}
                </span>
                <span role="cell">{o.symbol}</span>
                <span role="cell">{o.side}</span>
                <span
                  role="cell"
                  className="num"
                  title={`${formatInteger(o.filled)} of ${formatInteger(o.quantity)} filled in ${o.fills} fill(s)`}
                >
                  {o.filled === o.quantity || o.filled === 0
                    ? formatInteger(o.quantity)
                    : `${formatInteger(o.filled)}/${formatInteger(o.quantity)}`}
                </span>
                <span role="cell" className="num">
                  {formatDecimal(o.avgFillPrice)}
                </span>
                <span role="cell" className="num">
                  {formatMoney(o.value)}
                </span>
                <span role="cell" className="num">
                  {formatMoney(o.commission)}
                </span>
                <span role="cell">
                  <Badge size="xs" variant="light" color={statusColor(o.status)}>
                    {o.status}
                  </Badge>
                </span>
                <span role="cell" className="mono col-opt" title={o.orderRef ?? undefined}>
                  {o.orderRef ?? '—'}
                </span>
                <span role="cell" className="mono col-opt" title={o.eventId ?? undefined}>
                  <Text span inherit>
                    {o.eventId ? shortId(o.eventId) : '—'}
                  </Text>
                  {o.eventDeleted && (
                    <Text span size="xs" c="dimmed" data-testid="event-deleted">
                      {' '}
                      event deleted
                    </Text>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
