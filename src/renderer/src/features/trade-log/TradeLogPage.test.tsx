import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RebalanceReport, TradeRecord } from '../../../../shared/dto';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { TradeLogPage, tradesCsv } from './TradeLogPage';
import { orderRows } from './order-rows';

const trade: TradeRecord = {
  id: 't1',
  kind: 'fill',
  eventId: 'sig-1:DU123456',
  accountId: 'DU123456',
  symbol: 'SPY',
  side: 'BUY',
  quantity: 1200,
  orderType: 'MKT',
  orderRef: 'rd:sig-1:DU123456',
  orderId: 7,
  permId: 99,
  status: 'Filled',
  fillPrice: 501.25,
  commission: 1.5,
  at: '2025-01-02T15:00:00.000Z',
};

describe('Trade log page', () => {
  it("names each trade's account, the id on hover (§25)", async () => {
    const api = createFakeApi({
      logs: () => ({ lines: [] }),
      trades: () => ({ trades: [trade] }),
      accounts: () => ({ accounts: [makeAccount({ name: 'Paper IRA' })], totals: makeTotals() }),
      feedLog: () => ({ entries: [] }),
      reports: () => ({ reports: [], total: 0 }),
    });
    renderWithApi(<TradeLogPage />, api);
    const table = await screen.findByRole('table', { name: 'Trades' });
    const cell = await within(table).findByText('Paper IRA');
    expect(cell).toHaveAttribute('title', 'DU123456');
    expect(within(table).queryByText('DU123456')).not.toBeInTheDocument();
  });

  it('shows log lines, appends streamed ones at the bottom, and lists trades', async () => {
    const api = createFakeApi({
      logs: () => ({ lines: [{ time: '2025-01-02T15:00:00Z', level: 'info', msg: 'connected to IB Gateway' }] }),
      trades: () => ({ trades: [trade] }),
      accounts: () => ({ accounts: [makeAccount()], totals: makeTotals() }),
      feedLog: () => ({ entries: [] }),
      reports: () => ({ reports: [], total: 0 }),
    });
    renderWithApi(<TradeLogPage />, api);
    const log = await screen.findByRole('log', { name: 'Log lines' });
    expect(await within(log).findByText(/connected to IB Gateway/)).toBeInTheDocument();
    api.emit({
      type: 'log',
      line: { time: '2025-01-02T15:00:01Z', level: 'warn', msg: 'sell filled late', accountId: 'DU123456' },
    });
    await waitFor(() => expect(within(log).getByText(/sell filled late/)).toBeInTheDocument());
    expect(api.callsOf('logs')).toHaveLength(1);

    const table = screen.getByRole('table', { name: 'Trades' });
    expect(within(table).getByText('SPY')).toBeInTheDocument();
    expect(within(table).getByText('1,200')).toBeInTheDocument();
    expect(within(table).getByText('501.25')).toBeInTheDocument();
    expect(within(table).getByText('rd:sig-1:DU123456')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeEnabled();
  });

  it('offers each account in the filter by its name, the id beside it (§25)', async () => {
    const api = createFakeApi({
      logs: () => ({ lines: [] }),
      trades: () => ({ trades: [] }),
      accounts: () => ({
        accounts: [makeAccount({ name: 'Joint' }), makeAccount({ accountId: 'DU999999', name: '' })],
        totals: makeTotals(),
      }),
      feedLog: () => ({ entries: [] }),
      reports: () => ({ reports: [], total: 0 }),
    });
    renderWithApi(<TradeLogPage />, api);
    await userEvent.click(await screen.findByLabelText('Account', { selector: 'input:not([type=hidden])' }));
    expect(await screen.findByRole('option', { name: 'Joint (DU123456)' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'DU999999' })).toBeInTheDocument();
  });

  it('narrows the trades to the filtered account and the searched symbol, and exports one CSV row per order', async () => {
    const other: TradeRecord = { ...trade, id: 't2', accountId: 'DU999999', symbol: 'TLT', orderId: 8, permId: 100 };
    const order: TradeRecord = { ...trade, id: 't0', kind: 'order', status: 'Filled', at: '2025-01-02T14:59:59.000Z' };
    const api = createFakeApi({
      logs: () => ({ lines: [] }),
      trades: () => ({ trades: [order, trade, other] }),
      accounts: () => ({ accounts: [makeAccount(), makeAccount({ accountId: 'DU999999' })], totals: makeTotals() }),
      feedLog: () => ({ entries: [] }),
      reports: () => ({ reports: [], total: 0 }),
    });
    renderWithApi(<TradeLogPage />, api);
    const table = await screen.findByRole('table', { name: 'Trades' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    await userEvent.type(screen.getByRole('textbox', { name: 'Search orders' }), 'tlt');
    await waitFor(() => expect(within(table).queryByText('SPY')).not.toBeInTheDocument());
    expect(within(table).getByText('TLT')).toBeInTheDocument();

    const csv = tradesCsv(orderRows([order, trade]));
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'localTime,utcTime,account,symbol,side,quantity,filled,avgFillPrice,value,commission,type,status,orderRef,orderId,permId,eventId',
    );
    expect(lines[1]).toContain(
      ',2025-01-02T14:59:59.000Z,DU123456,SPY,BUY,1200,1200,501.25,601500.00,1.50,MKT,Filled,',
    );
  });

  it('narrows Log, Trades, Reports and Cash flows alike to the account picked (§26)', async () => {
    const other: TradeRecord = { ...trade, id: 't2', eventId: 'sig-1:DU999999', accountId: 'DU999999', symbol: 'TLT' };
    const reportOf = (accountId: string): RebalanceReport => ({
      eventId: `sig-1:${accountId}`,
      accountId,
      strategy: 'etf-blend-200-35',
      asOf: '2026-11-20',
      finishedAt: '2026-11-21T15:00:00.000Z',
      rows: [],
      totals: {
        ordersSent: 1,
        ordersFilled: 1,
        turnover: 1,
        commissions: 1,
        slippageCost: 0,
        driftBefore: 5,
        driftAfter: 0,
      },
    });
    const api = createFakeApi({
      logs: (filters) => ({
        lines: [
          {
            time: '2025-01-02T15:00:00Z',
            level: 'info',
            msg: filters?.accountId ? `only ${filters.accountId}` : 'every account',
          },
        ],
      }),
      trades: () => ({ trades: [trade, other] }),
      accounts: () => ({
        accounts: [makeAccount({ name: 'Taxable' }), makeAccount({ accountId: 'DU999999', name: 'IRA' })],
        totals: makeTotals(),
      }),
      feedLog: () => ({ entries: [] }),
      reports: () => ({ reports: [reportOf('DU123456'), reportOf('DU999999')], total: 2 }),
      listCashFlows: () => ({
        cashFlows: [
          { accountId: 'DU123456', amount: 5_000, at: '2026-11-21T15:00:00.000Z', eventId: null },
          { accountId: 'DU999999', amount: -2_000, at: '2026-11-20T15:00:00.000Z', eventId: null },
        ],
      }),
    });
    renderWithApi(<TradeLogPage />, api);
    const flows = await screen.findByRole('table', { name: 'Cash flows' });
    await waitFor(() => expect(within(flows).getAllByRole('row')).toHaveLength(3));
    const trades = await screen.findByRole('table', { name: 'Trades' });
    const reports = await screen.findByRole('table', { name: 'Rebalance reports' });
    await waitFor(() => expect(within(trades).getAllByRole('row')).toHaveLength(3));
    expect(within(reports).getAllByRole('row')).toHaveLength(3);
    const log = screen.getByRole('log', { name: 'Log lines' });
    expect(await within(log).findByText(/every account/)).toBeInTheDocument();

    await userEvent.click(screen.getByPlaceholderText('all accounts'));
    await userEvent.click(await screen.findByRole('option', { name: 'IRA (DU999999)' }));

    expect(await within(log).findByText(/only DU999999/)).toBeInTheDocument();
    await waitFor(() => expect(within(trades).getAllByRole('row')).toHaveLength(2));
    expect(within(trades).getByText('TLT')).toBeInTheDocument();
    expect(within(trades).queryByText('SPY')).not.toBeInTheDocument();
    const reportRows = within(reports).getAllByRole('row').slice(1);
    expect(reportRows.map((r) => r.getAttribute('data-event-id'))).toEqual(['sig-1:DU999999']);
    const flowRows = within(screen.getByRole('table', { name: 'Cash flows' }))
      .getAllByRole('row')
      .slice(1);
    expect(flowRows).toHaveLength(1);
    expect(flowRows[0]).toHaveTextContent('IRA');
    expect(flowRows[0]).not.toHaveTextContent('Taxable');
  });
});
