import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountMoney } from '../../../../shared/dto';
import { weightBars } from '../../components/charts/chart-data';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeHealth, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { MONEY_REFRESH_MS } from '../../queries/use-queries';
import { AccountsPage } from './AccountsPage';

const money = (netLiquidation: number, cash: number, dayPnl: number | null): AccountMoney => ({
  netLiquidation,
  cash,
  dayPnl,
  unrealizedPnl: 310.2,
  currency: 'USD',
  at: '2026-12-04T14:05:09.000Z',
});

function cockpitApi() {
  return createFakeApi({
    health: () => makeHealth({ simulated: true }),
    accounts: () => ({
      accounts: [
        makeAccount({ money: money(200_000, 20_000, -1_234.5), drifted: true }),
        makeAccount({ accountId: 'DU654321', name: 'Joint', money: money(50_000.25, 500, 34.5) }),
        makeAccount({ accountId: 'DU777777', name: 'Off', enabled: false, active: false, money: null }),
      ],
      totals: makeTotals({ netLiquidation: 250_000.25, cash: 20_500, dayPnl: -1_200, accounts: 2, of: 2 }),
    }),
    strategies: () => ({ strategies: [], error: null }),
    accountHistory: ({ metric }) => ({
      points: [
        { at: '2026-12-01T15:00:00.000Z', value: metric === 'nav' ? 198_000 : 2.5 },
        { at: '2026-12-02T15:00:00.000Z', value: metric === 'nav' ? 200_000 : 6.1 },
      ],
    }),
  });
}

describe('Accounts page: money and pictures (§25)', () => {
  it('shows the household strip: total NAV, cash, day P&L and how many accounts drifted', async () => {
    renderWithApi(<AccountsPage />, cockpitApi());
    const strip = await screen.findByTestId('household-strip');
    expect(within(strip).getByText('Total NAV').nextElementSibling).toHaveTextContent(/USD\s250,000\.25/);
    expect(within(strip).getByText('Cash').nextElementSibling).toHaveTextContent(/USD\s20,500\.00/);
    expect(within(strip).getByText('Day P&L').nextElementSibling).toHaveTextContent(/−USD\s1,200\.00/);
    expect(within(strip).getByText('Accounts drifted').nextElementSibling).toHaveTextContent('1 of 2');
  });

  it("shows each card's NAV, cash as a share of NAV and day P&L, and a weights chart named after the account", async () => {
    renderWithApi(<AccountsPage />, cockpitApi());
    const card = await screen.findByLabelText('Account DU123456');
    const figures = within(card).getByTestId('account-money');
    expect(within(figures).getByText('Net liquidation').nextElementSibling).toHaveTextContent(/USD\s200,000\.00/);
    expect(within(figures).getByText('Cash').nextElementSibling).toHaveTextContent('10.00%');
    expect(within(figures).getByText('Day P&L').nextElementSibling).toHaveTextContent(/−USD\s1,234\.50/);
    expect(within(card).getByRole('img', { name: 'Weights of Paper IRA' })).toBeInTheDocument();
    // an account IB has not reported shows dashes, not zeros
    const off = screen.getByLabelText('Account DU777777');
    expect(within(off).getByText('Net liquidation').nextElementSibling).toHaveTextContent('—');
  });

  it('opens the NAV and drift history charts from the drift, labelled simulated in demo mode', async () => {
    const api = cockpitApi();
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU654321');
    await userEvent.click(within(card).getByTestId('drift-value'));
    expect(await screen.findByRole('img', { name: 'NAV of Joint' })).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'Drift of Joint' })).toBeInTheDocument();
    expect(within(screen.getByTestId('history-charts')).getByText('simulated')).toBeInTheDocument();
    expect(api.callsOf('accountHistory').map((c) => [c.accountId, c.metric])).toEqual([
      ['DU654321', 'nav'],
      ['DU654321', 'drift'],
    ]);
  });
});

describe('weights chart data', () => {
  it("puts cash beside the symbols: the reading's own cash line, else what the symbols leave of 100 %", () => {
    const bySymbol = {
      SPY: { current: 63.12, target: 59.4, diff: 3.72 },
      BND: { current: 30, target: 39.6, diff: -9.6 },
    };
    expect(weightBars({ percent: 9.6, at: '2026-12-04T14:00:00Z', bySymbol })).toEqual([
      { symbol: 'SPY', current: 63.12, target: 59.4 },
      { symbol: 'BND', current: 30, target: 39.6 },
      { symbol: 'Cash', current: 6.88, target: 1 },
    ]);
    const withCash = { percent: 9.6, at: '2026-12-04T14:00:00Z', bySymbol, cash: { current: 7, target: 1, diff: 6 } };
    expect(weightBars(withCash).at(-1)).toEqual({ symbol: 'Cash', current: 7, target: 1 });
  });
});

describe('Accounts page: the money stays current (§25)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** An api whose account's NAV is whatever `nav.value` holds when the window asks. */
  function movingApi() {
    const nav = { value: 200_000 };
    const api = createFakeApi({
      health: () => makeHealth(),
      accounts: () => ({
        accounts: [makeAccount({ money: money(nav.value, 20_000, 0) })],
        totals: makeTotals({ netLiquidation: nav.value, cash: 20_000, dayPnl: 0, accounts: 1, of: 1 }),
      }),
      strategies: () => ({ strategies: [], error: null }),
      accountHistory: () => ({ points: [] }),
    });
    return { api, nav };
  }
  const navOnCard = async () =>
    within(within(await screen.findByLabelText('Account DU123456')).getByTestId('account-money')).getByText(
      'Net liquidation',
    ).nextElementSibling;

  it('shows the money after a fill, without waiting for the rebalance to finish', async () => {
    const { api, nav } = movingApi();
    renderWithApi(<AccountsPage />, api);
    expect(await navOnCard()).toHaveTextContent(/USD\s200,000\.00/);
    nav.value = 195_432.1;
    api.emit({ type: 'trade', trade: {} as never });
    await vi.waitFor(async () => expect(await navOnCard()).toHaveTextContent(/USD\s195,432\.10/), { timeout: 5_000 });
  });

  it('reads the money again every minute with no push at all, and not sooner', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api, nav } = movingApi();
    renderWithApi(<AccountsPage />, api);
    expect(await navOnCard()).toHaveTextContent(/USD\s200,000\.00/);
    const reads = api.callsOf('accounts').length;
    nav.value = 201_000;
    await vi.advanceTimersByTimeAsync(MONEY_REFRESH_MS - 5_000);
    expect(api.callsOf('accounts')).toHaveLength(reads);
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitFor(async () => expect(await navOnCard()).toHaveTextContent(/USD\s201,000\.00/), { timeout: 5_000 });
    expect(screen.getByTestId('household-strip')).toHaveTextContent(/USD\s201,000\.00/);
    expect(MONEY_REFRESH_MS).toBeGreaterThanOrEqual(30_000); // IB pacing: never a tight poll
  });
});
