import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../test/fake-api.test-support';
import { makePlan } from '../test/fixtures.test-support';
import { renderWithApi } from '../test/render.test-support';
import { PlanTable, planSummary } from './ResultTables';

describe('PlanTable', () => {
  it('shows a fractional holding with its decimals and the fraction left for TWS', async () => {
    const plan = makePlan();
    plan.rows[1] = {
      ...plan.rows[1]!,
      currentShares: 410.4,
      delta: -10.4,
      order: { side: 'SELL', quantity: 10 },
      residualShares: 0.4,
    };
    renderWithApi(<PlanTable plan={plan} />, createFakeApi({}));
    const table = await screen.findByRole('table', { name: 'Plan' });
    expect(within(table).getByText('410.4')).toBeInTheDocument();
    expect(screen.getByLabelText('Fractions left')).toHaveTextContent(
      'Orders are whole shares; left for you to close in TWS: TLT 0.4.',
    );
  });

  it('shows the cash line (§24) after the symbols: current and target in percent of NAV', async () => {
    const plan = { ...makePlan(), cash: { current: 10, target: 26, diff: -16 } };
    renderWithApi(<PlanTable plan={plan} />, createFakeApi({}));
    const table = await screen.findByRole('table', { name: 'Plan' });
    const rows = within(table).getAllByRole('row');
    const cash = rows[rows.length - 1]!;
    expect(within(cash).getByText('Cash')).toBeInTheDocument();
    expect(within(cash).getByText('10.00%')).toBeInTheDocument();
    expect(within(cash).getByText('26.00%')).toBeInTheDocument();
  });

  it('shows each risk-limit breach in words, and no breach box when there is none', async () => {
    const plan = {
      ...makePlan(),
      limitBreaches: ['order BUY 12 SPY worth USD 6,000.00 exceeds limits.maxOrderValue USD 5,000.00'],
    };
    const { unmount } = renderWithApi(<PlanTable plan={plan} />, createFakeApi({}));
    expect(await screen.findByText('Risk limit breached: a live run sends no order')).toBeInTheDocument();
    expect(
      screen.getByText('order BUY 12 SPY worth USD 6,000.00 exceeds limits.maxOrderValue USD 5,000.00'),
    ).toBeInTheDocument();
    unmount();
    renderWithApi(<PlanTable plan={makePlan()} />, createFakeApi({}));
    await screen.findByRole('table', { name: 'Plan' });
    expect(screen.queryByText(/Risk limit breached/)).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Fractions left')).not.toBeInTheDocument();
  });

  it('shows the stale-allocation warning above the plan (§25)', async () => {
    const stale =
      'allocation is stale: as of 2025-06-24, 529 days old (more than zehnlabs.staleAllocationDays 45); check that ' +
      'the strategy still publishes before trading on it';
    renderWithApi(<PlanTable plan={{ ...makePlan(), warnings: [stale] }} />, createFakeApi({}));
    expect(await screen.findByRole('alert')).toHaveTextContent(stale);
    expect(screen.getByRole('alert').compareDocumentPosition(screen.getByRole('table', { name: 'Plan' }))).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
  });

  it('sums the plan up in words that fit its mode: a raise-cash or buy-only plan is never "at its targets" (§27)', async () => {
    const plan = {
      ...makePlan(),
      mode: 'raise-cash' as const,
      rows: makePlan().rows.map((r) => ({ ...r, order: null })),
    };
    renderWithApi(<PlanTable plan={plan} />, createFakeApi({}));
    expect(await screen.findByText('Nothing to sell; nothing is bought.')).toBeInTheDocument();
    expect(screen.queryByText(/at its targets/)).not.toBeInTheDocument();
    expect(planSummary('buy-only', 0)).toBe('Nothing to buy; nothing is sold.');
    expect(planSummary('buy-only', 6)).toBe('6 orders, buys only.');
    expect(planSummary('raise-cash', 1)).toBe('1 order, sells only.');
    expect(planSummary('full', 0)).toBe('No trades needed: the account is at its targets.');
    expect(planSummary('full', 7)).toBe('7 orders, sells first.');
  });
});
