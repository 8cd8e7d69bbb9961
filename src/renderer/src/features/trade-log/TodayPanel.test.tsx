import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RebalanceReport } from '../../../../shared/dto';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeEvent } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { TodayPanel } from './TodayPanel';

const report = (
  eventId: string,
  finishedAt: string,
  turnover: number,
  commissions: number,
  slippageCost: number,
  command?: 'rebalance' | 'raise-cash',
) =>
  ({
    eventId,
    accountId: 'DU123456',
    ...(command ? { command } : {}),
    strategy: 'etf-blend-200-35',
    asOf: null,
    finishedAt,
    rows: [],
    totals: { ordersSent: 2, ordersFilled: 2, turnover, commissions, slippageCost, driftBefore: 6, driftAfter: 0.4 },
  }) satisfies RebalanceReport;

describe('Trade log › Today (§25)', () => {
  it("adds up today's trading only: rebalances and cash raises done (apart), failed, turnover, commissions, slippage", async () => {
    const now = Date.now();
    const today = new Date(now).toISOString();
    const yesterday = new Date(now - 2 * 86_400_000).toISOString();
    const api = createFakeApi({
      reports: () => ({
        reports: [
          report('a', today, 10_000.5, 2, 3.25, 'rebalance'),
          // kept from before reports named their command: a rebalance
          report('b', today, 5_000, 1.5, -1),
          report('r', today, 2_000, 0.5, 0.25, 'raise-cash'),
          report('c', yesterday, 99_999, 99, 99, 'rebalance'),
          report('d', yesterday, 99_999, 99, 99, 'raise-cash'),
        ],
        total: 5,
      }),
      listEvents: ({ state }) => ({
        events:
          state === 'delayed'
            ? [
                makeEvent({ id: 'f1', status: 'delayed', lastError: { kind: 'transient', message: 'x', at: today } }),
                makeEvent({
                  id: 'f2',
                  status: 'delayed',
                  lastError: { kind: 'transient', message: 'x', at: yesterday },
                }),
                makeEvent({
                  id: 'f3',
                  command: 'raise-cash',
                  status: 'delayed',
                  lastError: { kind: 'transient', message: 'x', at: today },
                }),
                makeEvent({
                  id: 'p1',
                  command: 'print-positions',
                  status: 'delayed',
                  lastError: { kind: 'transient', message: 'x', at: today },
                }),
              ]
            : [],
        total: 0,
      }),
    });
    renderWithApi(<TodayPanel />, api);
    const panel = await screen.findByTestId('today');
    const figure = (label: string) => within(panel).getByText(label).nextElementSibling!;
    await within(panel).findByText('Rebalances done');
    await expect.poll(() => figure('Rebalances done').textContent).toBe('2');
    expect(figure('Cash raises done').textContent).toBe('1');
    await expect.poll(() => figure('Failed').textContent).toBe('2');
    expect(figure('Turnover')).toHaveTextContent(/USD\s17,000\.50/);
    expect(figure('Commissions')).toHaveTextContent(/USD\s4\.00/);
    expect(figure('Slippage cost')).toHaveTextContent(/\+USD\s2\.50/);
  });
});
