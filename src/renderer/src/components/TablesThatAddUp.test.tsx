import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Position } from '../../../shared/dto';
import { createFakeApi } from '../test/fake-api.test-support';
import { makePlan } from '../test/fixtures.test-support';
import { renderWithApi } from '../test/render.test-support';
import { PlanTable, PositionsTable } from './ResultTables';

const position = (symbol: string, quantity: number, price: number | null, avgCost: number): Position => ({
  accountId: 'DU123456',
  symbol,
  conId: null,
  quantity,
  avgCost,
  price,
  marketValue: price === null ? null : price * quantity,
  weight: price === null ? null : (price * quantity) / 100_000,
});

const POSITIONS = [
  position('TLT', 100, 90, 100), // 9 000, −1 000
  position('SPY', 80, 600, 500), // 48 000, +8 000
  position('GLD', 50, 250, 200), // 12 500, +2 500
  position('ZZZ', 10, null, 5), // no price: left out of the sums
];

const symbols = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .map((row) => row.getAttribute('data-symbol'))
    .filter(Boolean);

describe('Positions (§25)', () => {
  it('sorts by weight, largest first, and by any column header clicked (again: the other way)', async () => {
    renderWithApi(<PositionsTable positions={POSITIONS} />, createFakeApi({}));
    const table = await screen.findByRole('table', { name: 'Positions' });
    expect(symbols(table)).toEqual(['SPY', 'GLD', 'TLT', 'ZZZ']);
    await userEvent.click(within(table).getByRole('button', { name: /Unrealized P&L/ }));
    expect(symbols(table)).toEqual(['SPY', 'GLD', 'TLT', 'ZZZ']);
    expect(within(table).getByRole('columnheader', { name: /Unrealized P&L/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await userEvent.click(within(table).getByRole('button', { name: /Unrealized P&L/ }));
    expect(symbols(table)).toEqual(['TLT', 'GLD', 'SPY', 'ZZZ']);
    await userEvent.click(within(table).getByRole('button', { name: /Symbol/ }));
    expect(symbols(table)).toEqual(['GLD', 'SPY', 'TLT', 'ZZZ']);
  });

  it('shows each unrealized P&L and a total row of market value, weight and unrealized P&L', async () => {
    renderWithApi(<PositionsTable positions={POSITIONS} />, createFakeApi({}));
    const table = await screen.findByRole('table', { name: 'Positions' });
    const tlt = within(table).getByText('TLT').closest('tr')!;
    expect(tlt).toHaveTextContent(/−USD\s1,000\.00$/);
    const total = within(table).getByTestId('positions-total');
    expect(total).toHaveTextContent('Total (4 positions; 1 without a price left out)');
    expect(total).toHaveTextContent(/USD\s69,500\.00/);
    expect(total).toHaveTextContent('69.50%');
    expect(total).toHaveTextContent(/\+USD\s9,500\.00/);
  });
});

describe('Preview totals (§25)', () => {
  it('shows total buys, total sells and the cash after the plan', async () => {
    const plan = makePlan();
    plan.rows.push({
      symbol: 'GLD',
      currentShares: 20,
      currentValue: 5_000,
      currentWeight: 0.05,
      targetWeight: 0,
      targetShares: 0,
      price: 250,
      delta: -20,
      order: { side: 'SELL', quantity: 20 },
      estimatedValue: 4_990,
    });
    renderWithApi(<PlanTable plan={plan} />, createFakeApi({}));
    const totals = await screen.findByTestId('plan-totals');
    expect(within(totals).getByText(/Total buys/)).toHaveTextContent(/USD\s6,000\.00/);
    expect(within(totals).getByText(/Total sells/)).toHaveTextContent(/USD\s4,990\.00/);
    // 10 000 cash + 4 990 sold − 6 000 bought
    expect(within(totals).getByText(/Cash after/)).toHaveTextContent(/USD\s8,990\.00.*8\.99% of NAV/);
  });
});
