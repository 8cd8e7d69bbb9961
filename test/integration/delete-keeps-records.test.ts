/**
 * PRODUCT.md §24 "trade records are an audit trail": deleting a finished rebalance (one, or several in a row as the
 * bulk delete does) keeps its report, its orders and its fills — GET /api/reports and the Trade log still list them,
 * marked "event deleted".
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TradeReport } from '../../src/shared/dto';
import { startStack, type Stack } from '../support/stack';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
});

describe('deleting an event keeps its report, trades and fills (§24)', () => {
  it('lists them after the delete, marked "event deleted", with the same figures', async () => {
    stack = await startStack({
      strategies: {
        'growth-a': {
          allocations: [
            { symbol: 'SPY', weight: 0.5 },
            { symbol: 'TLT', weight: 0.5 },
          ],
        },
      },
      accounts: [
        { accountId: 'DU2500001', cash: 40_000, strategy: 'growth-a' },
        { accountId: 'DU2500002', cash: 30_000, strategy: 'growth-a' },
      ],
    });
    const ids = [await stack.run('DU2500001', 'rebalance'), await stack.run('DU2500002', 'rebalance')];
    const done = await Promise.all(ids.map((id) => stack!.waitFor(id, 'done', 30_000)));
    const reports = done.map((e) => (e.result as { report: TradeReport }).report);
    const { handlers } = stack.runtime;
    const tradesBefore = await Promise.all(ids.map((eventId) => handlers.trades({ eventId, limit: 1_000 })));
    for (const t of tradesBefore) {
      expect(t.trades.some((x) => x.kind === 'order')).toBe(true);
      expect(t.trades.some((x) => x.kind === 'fill')).toBe(true);
      expect(t.trades.every((x) => !x.eventDeleted)).toBe(true);
    }

    // The bulk delete deletes one event after the other.
    for (const id of ids) await handlers.delete({ id });
    for (const id of ids) expect(await stack.runtime.queue.get(id)).toBeNull();

    const listed = await handlers.reports({ limit: 10 });
    expect(listed.total).toBe(2);
    expect(listed.reports.map((r) => r.eventId).sort()).toEqual([...ids].sort());
    for (const [k, id] of ids.entries()) {
      const r = listed.reports.find((x) => x.eventId === id)!;
      expect(r).toMatchObject({ eventDeleted: true, totals: reports[k]!.totals, rows: reports[k]!.rows });
    }
    const one = await handlers.reports({ accountId: 'DU2500001', limit: 10 });
    expect(one.reports.map((r) => [r.eventId, r.eventDeleted])).toEqual([[ids[0], true]]);

    for (const [k, eventId] of ids.entries()) {
      const after = await handlers.trades({ eventId, limit: 1_000 });
      expect(after.trades.map(({ eventDeleted: _e, ...t }) => t)).toEqual(
        expect.arrayContaining(tradesBefore[k]!.trades),
      );
      expect(after.trades.every((t) => t.eventDeleted === true)).toBe(true);
    }
    // The unfiltered Trade log keeps them too.
    const log = await handlers.trades({ limit: 1_000 });
    expect(log.trades.filter((t) => t.eventDeleted).length).toBeGreaterThanOrEqual(
      tradesBefore.reduce((n, t) => n + t.trades.length, 0),
    );
  });
});
