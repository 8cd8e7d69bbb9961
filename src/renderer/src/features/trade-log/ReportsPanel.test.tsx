import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RebalanceReport } from '../../../../shared/dto';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { reportBars } from '../../components/charts/chart-data';
import { ReportsPanel, reportsCsv } from './ReportsPanel';

const report: RebalanceReport = {
  eventId: 'sig-1:DU123456',
  accountId: 'DU123456',
  strategy: 'etf-blend-200-35',
  asOf: '2026-11-20',
  finishedAt: '2026-11-21T15:00:00.000Z',
  rows: [
    {
      symbol: 'SPY',
      targetShares: 99,
      finalShares: 99,
      residualShares: 0,
      planPrice: 500,
      avgFillPrice: 500.25,
      slippageBps: 5,
      commission: 1,
    },
  ],
  totals: {
    ordersSent: 1,
    ordersFilled: 1,
    turnover: 49_524.75,
    commissions: 1,
    slippageCost: 24.75,
    driftBefore: 50,
    driftAfter: 0.5,
  },
};

describe('Trade log › Reports', () => {
  it('lists one row per rebalance and shows its detail on click', async () => {
    const api = createFakeApi({ reports: () => ({ reports: [report], total: 1 }) });
    renderWithApi(<ReportsPanel />, api);
    const table = await screen.findByRole('table', { name: 'Rebalance reports' });
    expect(within(table).getByText('DU123456')).toBeInTheDocument();
    expect(within(table).getByText('50.00 → 0.50 pp')).toBeInTheDocument();
    await userEvent.click(within(table).getByRole('button'));
    const detail = await screen.findByRole('table', { name: 'Report' });
    expect(within(detail).getByText('5.00 bp')).toBeInTheDocument();
    expect(within(detail).getByText('500.25')).toBeInTheDocument();
  });

  it("shows a report's intended against achieved shares as a chart named after the account (§25)", async () => {
    const api = createFakeApi({
      reports: () => ({ reports: [report], total: 1 }),
      accounts: () => ({
        accounts: [makeAccount({ accountId: 'DU123456', name: 'Joint' })],
        totals: makeTotals(),
      }),
    });
    renderWithApi(<ReportsPanel />, api);
    const table = await screen.findByRole('table', { name: 'Rebalance reports' });
    await within(table).findByText('Joint');
    await userEvent.click(within(table).getByRole('button'));
    expect(await screen.findByRole('img', { name: 'Intended against achieved of Joint' })).toBeInTheDocument();
    // the bars: the plan's target shares against what the account holds after the fills
    const partial = { ...report, rows: [{ ...report.rows[0]!, finalShares: 97, residualShares: 2 }] };
    expect(reportBars(partial)).toEqual([{ symbol: 'SPY', intended: 99, achieved: 97 }]);
  });

  it('marks a report whose event was deleted, and only that one (§24)', async () => {
    const gone = { ...report, eventId: 'sig-0:DU123456', finishedAt: '2026-11-20T15:00:00.000Z', eventDeleted: true };
    renderWithApi(<ReportsPanel />, createFakeApi({ reports: () => ({ reports: [report, gone], total: 2 }) }));
    const table = await screen.findByRole('table', { name: 'Rebalance reports' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).queryByText('event deleted')).not.toBeInTheDocument();
    expect(within(rows[1]!).getByText('event deleted')).toBeInTheDocument();
  });

  it('marks the report of a raise-cash as such, not as a rebalance (§27)', async () => {
    const raise = { ...report, eventId: 'raise-1', command: 'raise-cash' as const };
    const rebalance = { ...report, command: 'rebalance' as const };
    renderWithApi(<ReportsPanel />, createFakeApi({ reports: () => ({ reports: [raise, rebalance], total: 2 }) }));
    const table = await screen.findByRole('table', { name: 'Rebalance reports' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByText('raise cash')).toBeInTheDocument();
    expect(within(rows[1]!).queryByText('raise cash')).not.toBeInTheDocument();
  });

  it('says what will appear when there is no report yet', async () => {
    renderWithApi(<ReportsPanel />, createFakeApi({ reports: () => ({ reports: [], total: 0 }) }));
    expect(await screen.findByText(/every finished live rebalance adds one here/)).toBeInTheDocument();
  });

  it('exports one CSV row per symbol with the totals beside it, rounded as the window shows them', () => {
    const lines = reportsCsv([report]).trim().split('\r\n');
    expect(lines[0]).toMatch(/^finishedAt,eventId,account,strategy,asOf,symbol,targetShares/);
    expect(lines[1]).toBe(
      '2026-11-21T15:00:00.000Z,sig-1:DU123456,DU123456,etf-blend-200-35,2026-11-20,SPY,99,99,0,500.00,500.25,5.00,1.00,1,1,49524.75,1.00,24.75,50.00,0.50',
    );
  });
});
