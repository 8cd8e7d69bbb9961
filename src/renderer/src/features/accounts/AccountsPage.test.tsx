import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../../shared/contract';
import type { EventRecord } from '../../../../shared/dto';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeEvent, makeHealth, makePlan, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { AccountsPage } from './AccountsPage';

function accountsApi(accounts: AccountView[], simulated = false) {
  const store: { event: EventRecord | null } = { event: null };
  const api = createFakeApi({
    health: () => makeHealth({ simulated }),
    accounts: () => ({ accounts, totals: makeTotals() }),
    strategies: () => ({ strategies: [], error: null }),
    runCommand: (input) => {
      store.event = makeEvent({
        id: 'manual-1',
        accountId: input.accountId,
        command: input.command,
        source: input.source ?? 'manual',
        status: 'pending',
      });
      return store.event;
    },
    getEvent: () => ({ event: store.event!, history: [], logs: [] }),
    publishSignal: (input) => ({ published: input.strategy, eventId: 'sig-9' }),
    simulatorControl: (input) => ({ running: input.action === 'start' }),
  });
  return { api, store };
}

describe('Accounts page', () => {
  it('shows one card per account with its strategy, reserve and replacement set', async () => {
    const { api } = accountsApi([makeAccount(), makeAccount({ accountId: 'U7654321', name: 'Live', type: 'live' })]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    expect(within(card).getByText('etf-blend-200-35')).toBeInTheDocument();
    expect(within(card).getByText('1.00%')).toBeInTheDocument();
    expect(within(card).getByText(/DBC → PDBC ×1/)).toBeInTheDocument();
    expect(within(card).getByText('PAPER')).toBeInTheDocument();
    expect(within(screen.getByLabelText('Account U7654321')).getByText('LIVE')).toBeInTheDocument();
  });

  it('marks an account whose rebalances wait for approval (§19)', async () => {
    const { api } = accountsApi([
      makeAccount(),
      makeAccount({ accountId: 'DU222222', approval: 'confirm' }),
      makeAccount({ accountId: 'DU333333', approval: 'timer', approvalMinutes: 0.5 }),
    ]);
    renderWithApi(<AccountsPage />, api);
    const confirm = await screen.findByLabelText('Account DU222222');
    expect(within(confirm).getByText('approval: confirm')).toBeInTheDocument();
    expect(within(screen.getByLabelText('Account DU333333')).getByText('approval: 0.5 min')).toBeInTheDocument();
    expect(within(screen.getByLabelText('Account DU123456')).queryByTestId('approval-badge')).not.toBeInTheDocument();
  });

  it('previews: queues print-rebalance, waits for the event, then shows the plan table', async () => {
    const { api, store } = accountsApi([makeAccount()]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Preview' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([
        { accountId: 'DU123456', command: 'print-rebalance', source: 'manual' },
      ]),
    );
    expect(await within(card).findByTestId('running-print-rebalance')).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Plan' })).not.toBeInTheDocument();

    store.event = { ...store.event!, status: 'done', result: { command: 'print-rebalance', plan: makePlan() } };
    api.emit({
      type: 'queue',
      change: { id: 'manual-1', accountId: 'DU123456', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    const table = await screen.findByRole('table', { name: 'Plan' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((th) => th.textContent);
    expect(headers).toEqual([
      'Symbol',
      'Current %',
      'Target %',
      'Current shares',
      'Target shares',
      'Order',
      'Est. value',
    ]);
    expect(within(table).getByText('BUY 12')).toBeInTheDocument();
    expect(within(table).getByText('50.00%')).toBeInTheDocument();
  });

  it('names the existing event when the command is already queued', async () => {
    const { api } = accountsApi([makeAccount()]);
    api.handlers.runCommand = () => {
      throw new ApiError({ error: 'duplicate', message: 'already queued', existingId: 'sig-7:DU123456' });
    };
    api.handlers.getEvent = () => ({
      event: makeEvent({ id: 'sig-7:DU123456', status: 'pending' }),
      history: [],
      logs: [],
    });
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Rebalance now' }));
    expect(
      await screen.findByText(/A rebalance for DU123456 is already queued \(id sig-7:DU123456\)/),
    ).toBeInTheDocument();
  });

  it('asks before rebalancing a live account', async () => {
    const { api } = accountsApi([makeAccount({ accountId: 'U7654321', type: 'live' })]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account U7654321');
    await userEvent.click(within(card).getByRole('button', { name: 'Rebalance now' }));
    const dialog = await screen.findByRole('dialog');
    expect(api.callsOf('runCommand')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rebalance live account' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([{ accountId: 'U7654321', command: 'rebalance', source: 'manual' }]),
    );
  });

  it('Rebalance all asks once, naming every account it touches, then queues them and says what happened', async () => {
    const { api } = accountsApi([
      makeAccount({ accountId: 'DU123456', name: 'Paper IRA', active: true }),
      makeAccount({ accountId: 'DU222222', name: 'Paper taxable', active: true }),
      makeAccount({ accountId: 'DU333333', name: 'Switched off', enabled: false, active: false }),
    ]);
    api.handlers.runCommandAll = () => ({
      results: [
        {
          accountId: 'DU123456',
          name: 'Paper IRA',
          status: 'queued',
          event: makeEvent({ id: 'all-1', accountId: 'DU123456', command: 'rebalance' }),
        },
        { accountId: 'DU222222', name: 'Paper taxable', status: 'duplicate', existingId: 'sig-3:DU222222' },
      ],
    });
    renderWithApi(<AccountsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Rebalance all' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Rebalance 2 accounts?')).toBeInTheDocument();
    const listed = within(within(dialog).getByRole('list', { name: 'Accounts to rebalance' })).getAllByRole('listitem');
    expect(listed.map((li) => li.textContent)).toEqual([
      'Paper IRA (DU123456) — etf-blend-200-35',
      'Paper taxable (DU222222) — etf-blend-200-35',
    ]);
    expect(api.callsOf('runCommandAll')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rebalance 2 accounts' }));
    await waitFor(() => expect(api.callsOf('runCommandAll')).toEqual([{ command: 'rebalance' }]));
    expect(await screen.findByText('Rebalance all: 1 of 2 queued')).toBeInTheDocument();
    expect(screen.getByText(/Already queued, not added again: DU222222 \(id sig-3:DU222222\)/)).toBeInTheDocument();
  });

  it('Rebalance all in live mode asks with the live-trading confirmation', async () => {
    const { api } = accountsApi([makeAccount({ accountId: 'U7654321', name: 'Live IRA', type: 'live', active: true })]);
    api.handlers.health = () => makeHealth({ tradingMode: 'live' });
    api.handlers.runCommandAll = () => ({ results: [] });
    renderWithApi(<AccountsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Rebalance all' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Rebalance 1 LIVE account?')).toBeInTheDocument();
    expect(within(dialog).getByText(/Real orders will be placed/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.callsOf('runCommandAll')).toHaveLength(0);
  });

  it('disables Rebalance all when no account is enabled for the trading mode', async () => {
    const { api } = accountsApi([makeAccount({ enabled: false, active: false })]);
    renderWithApi(<AccountsPage />, api);
    expect(await screen.findByRole('button', { name: 'Rebalance all' })).toBeDisabled();
  });

  it('catches up a missed signal in one click', async () => {
    const { api } = accountsApi([
      makeAccount({ missedSignal: { strategy: 'etf-blend-200-35', asOf: '2025-01-03', lastAsOf: '2025-01-02' } }),
    ]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    expect(within(card).getByText('missed signal')).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Catch up' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([{ accountId: 'DU123456', command: 'rebalance', source: 'catch-up' }]),
    );
  });

  it('publishes a signal and stops the gateway in demo mode', async () => {
    const { api } = accountsApi([makeAccount()], true);
    renderWithApi(<AccountsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Publish signal' }));
    await waitFor(() =>
      expect(api.callsOf('publishSignal')).toEqual([{ strategy: 'etf-blend-200-35', exec: 'rebalance' }]),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Stop gateway' }));
    await waitFor(() => expect(api.callsOf('simulatorControl')).toEqual([{ action: 'stop' }]));
  });
});
