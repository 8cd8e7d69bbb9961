import { Badge, Text } from '@mantine/core';
import { useRef } from 'react';
import type { TradeRecord } from '../../../../shared/dto';
import { EmptyState } from '../../components/EmptyState';
import { formatDecimal, formatExact, formatInteger, formatMoney, formatRelative, shortId } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useVirtualRows } from '../../lib/use-virtual-rows';

const ROW = 30;
const COLUMNS = '82px 92px 64px 48px 64px 56px 90px 80px 84px minmax(90px, 1fr) minmax(90px, 1fr)';

function statusColor(status: string): string {
  if (/filled/i.test(status)) return 'green';
  if (/cancel|reject|inactive/i.test(status)) return 'red';
  return 'gray';
}

/** Orders and fills of the trade log (§13), newest first, virtualized. */
export function TradesTable({ trades, height = 300 }: { trades: TradeRecord[]; height?: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  const virtualizer = useVirtualRows({
    count: trades.length,
    scrollRef,
    rowHeight: ROW,
    viewportHeight: height,
    getItemKey: (index) => trades[index]?.id ?? index,
  });
  if (trades.length === 0) {
    return <EmptyState>No orders or fills yet — they appear here as soon as a rebalance places orders.</EmptyState>;
  }
  return (
    <div role="table" aria-label="Trades">
      <div className="grid-row grid-head" style={{ gridTemplateColumns: COLUMNS, height: 26 }} role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Account</span>
        <span role="columnheader">Symbol</span>
        <span role="columnheader">Side</span>
        <span role="columnheader" className="num">
          Qty
        </span>
        <span role="columnheader">Type</span>
        <span role="columnheader">Status</span>
        <span role="columnheader" className="num">
          Fill price
        </span>
        <span role="columnheader" className="num">
          Commission
        </span>
        <span role="columnheader">Order ref</span>
        <span role="columnheader">Event</span>
      </div>
      <div
        ref={scrollRef}
        style={{ height: Math.min(height, trades.length * ROW), overflow: 'auto', position: 'relative' }}
        role="rowgroup"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const t = trades[item.index];
            if (!t) return null;
            return (
              <div
                key={item.key}
                role="row"
                className="grid-row"
                style={{
                  gridTemplateColumns: COLUMNS,
                  height: ROW,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span role="cell" title={formatExact(t.at)}>
                  {formatRelative(t.at, now)}
                </span>
                <span role="cell">{t.accountId}</span>
                <span role="cell">{t.symbol}</span>
                <span role="cell">{t.side}</span>
                <span role="cell" className="num">
                  {formatInteger(t.quantity)}
                </span>
                <span role="cell">{t.kind === 'fill' ? 'fill' : t.orderType}</span>
                <span role="cell">
                  <Badge size="xs" variant="light" color={statusColor(t.status)}>
                    {t.status}
                  </Badge>
                </span>
                <span role="cell" className="num">
                  {formatDecimal(t.fillPrice)}
                </span>
                <span role="cell" className="num">
                  {formatMoney(t.commission)}
                </span>
                <span role="cell" className="mono" title={t.orderRef ?? undefined}>
                  {t.orderRef ?? '—'}
                </span>
                <span role="cell" className="mono" title={t.eventId ?? undefined}>
                  <Text span inherit>
                    {t.eventId ? shortId(t.eventId) : '—'}
                  </Text>
                  {t.eventDeleted && (
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
