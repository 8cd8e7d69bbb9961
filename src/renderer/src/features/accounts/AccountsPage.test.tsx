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

  it("with several IB logins, names each account's gateway, and says so when that gateway is down (§28)", async () => {
    const health = makeHealth({
      ib: { state: 'red', detail: 'default: connected; Spouse: not connected' },
      gateways: [
        { id: 'default', label: 'default', state: 'green', detail: 'connected to 127.0.0.1:4002' },
        { id: 'spouse', label: 'Spouse', state: 'red', detail: 'not connected to 127.0.0.1:4012: ECONNREFUSED' },
      ],
    });
    const api = createFakeApi({
      health: () => health,
      accounts: () => ({
        accounts: [makeAccount({ gateway: 'default' }), makeAccount({ accountId: 'DU222222', gateway: 'spouse' })],
        totals: makeTotals(),
      }),
      strategies: () => ({ strategies: [], error: null }),
    });
    renderWithApi(<AccountsPage />, api);
    const spouse = await screen.findByLabelText('Account DU222222');
    const down = await within(spouse).findByTestId('gateway-badge');
    expect(down).toHaveTextContent('Spouse down');
    expect(down).toHaveAttribute('data-state', 'red');
    const mine = within(screen.getByLabelText('Account DU123456')).getByTestId('gateway-badge');
    expect(mine).toHaveTextContent('default');
    expect(mine).toHaveAttribute('data-state', 'green');
  });

  it('shows no gateway on the cards with one IB login', async () => {
    const { api } = accountsApi([makeAccount({ gateway: 'default' })]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    expect(within(card).getByText('PAPER')).toBeInTheDocument();
    expect(within(card).queryByTestId('gateway-badge')).not.toBeInTheDocument();
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

  it('shows the plan of a preview that was done before the answer to its enqueue came back', async () => {
    const { api, store } = accountsApi([makeAccount()]);
    // the worker was quicker than the window: done, with its change through the stream already gone by
    const queued = api.handlers.runCommand!;
    api.handlers.runCommand = async (input) => {
      const event = await queued(input);
      store.event = { ...event, status: 'done', result: { command: 'print-rebalance', plan: makePlan() } };
      return event;
    };
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('table', { name: 'Plan' })).toBeInTheDocument();
    expect(within(card).queryByTestId('running-print-rebalance')).not.toBeInTheDocument();
  });

  it('Rebalance now opens the plan with Submit and queues nothing that trades before Submit (§26)', async () => {
    const { api, store } = accountsApi([makeAccount()]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Rebalance now' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([
        { accountId: 'DU123456', command: 'print-rebalance', source: 'manual' },
      ]),
    );
    store.event = { ...store.event!, status: 'done', result: { command: 'print-rebalance', plan: makePlan() } };
    api.emit({
      type: 'queue',
      change: { id: 'manual-1', accountId: 'DU123456', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('table', { name: 'Plan' })).toBeInTheDocument();
    expect(within(dialog).getByLabelText('What Submit sends')).toHaveTextContent(/Submit sends 1 order/);
    expect(api.callsOf('runCommand').filter((c) => c.command === 'rebalance')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand').at(-1)).toEqual({
        accountId: 'DU123456',
        command: 'rebalance',
        source: 'manual',
      }),
    );
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
    await userEvent.click(within(card).getByRole('button', { name: 'Cancel orders' }));
    expect(
      await screen.findByText(/A cancel-orders request for DU123456 is already queued \(id sig-7:DU123456\)/),
    ).toBeInTheDocument();
  });

  it('asks before rebalancing a live account, after its plan', async () => {
    const { api, store } = accountsApi([makeAccount({ accountId: 'U7654321', type: 'live' })]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account U7654321');
    await userEvent.click(within(card).getByRole('button', { name: 'Rebalance now' }));
    await waitFor(() => expect(api.callsOf('runCommand')).toHaveLength(1));
    store.event = { ...store.event!, status: 'done', result: { command: 'print-rebalance', plan: makePlan() } };
    api.emit({
      type: 'queue',
      change: { id: 'manual-1', accountId: 'U7654321', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    const plan = await screen.findByRole('dialog');
    await userEvent.click(within(plan).getByRole('button', { name: 'Submit' }));
    const dialog = await screen.findByRole('dialog', { name: /Rebalance LIVE account U7654321/ });
    expect(api.callsOf('runCommand').filter((c) => c.command === 'rebalance')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rebalance live account' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand').at(-1)).toEqual({
        accountId: 'U7654321',
        command: 'rebalance',
        source: 'manual',
      }),
    );
  });

  it('Rebalance all plans every account, lists its orders and value, then queues them and says what happened', async () => {
    const { api } = accountsApi([
      makeAccount({ accountId: 'DU123456', name: 'Paper IRA', active: true }),
      makeAccount({ accountId: 'DU222222', name: 'Paper taxable', active: true }),
      makeAccount({ accountId: 'DU333333', name: 'Switched off', enabled: false, active: false }),
    ]);
    const previews: Record<string, EventRecord> = {
      'p-1': makeEvent({
        id: 'p-1',
        accountId: 'DU123456',
        command: 'print-rebalance',
        status: 'done',
        result: { plan: makePlan() },
      }),
      'p-2': makeEvent({
        id: 'p-2',
        accountId: 'DU222222',
        command: 'print-rebalance',
        status: 'done',
        result: { plan: makePlan({ rows: [] }) },
      }),
    };
    api.handlers.getEvent = (input) => ({ event: previews[input.id]!, history: [], logs: [] });
    api.handlers.runCommandAll = (input) =>
      input.command === 'print-rebalance'
        ? {
            results: [
              { accountId: 'DU123456', name: 'Paper IRA', status: 'queued', event: previews['p-1']! },
              { accountId: 'DU222222', name: 'Paper taxable', status: 'queued', event: previews['p-2']! },
            ],
          }
        : {
            results: [
              {
                accountId: 'DU123456',
                name: 'Paper IRA',
                status: 'queued',
                event: makeEvent({ id: 'all-1', accountId: 'DU123456', command: 'rebalance' }),
              },
              { accountId: 'DU222222', name: 'Paper taxable', status: 'duplicate', existingId: 'sig-3:DU222222' },
            ],
          };
    renderWithApi(<AccountsPage />, api);
    await userEvent.click(await screen.findByRole('button', { name: 'Rebalance all' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Rebalance 2 accounts?')).toBeInTheDocument();
    const list = within(dialog).getByRole('list', { name: 'Accounts to rebalance' });
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('listitem')
          .map((li) => li.textContent),
      ).toEqual([
        expect.stringMatching(/^Paper IRA \(DU123456\) — etf-blend-200-35: 1 order, USD\s6,000\.00$/),
        'Paper taxable (DU222222) — etf-blend-200-35: already at target',
      ]),
    );
    expect(api.callsOf('runCommandAll')).toEqual([{ command: 'print-rebalance' }]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rebalance 2 accounts' }));
    await waitFor(() => expect(api.callsOf('runCommandAll').at(-1)).toEqual({ command: 'rebalance' }));
    expect(await screen.findByText('Rebalance all: 1 of 2 queued')).toBeInTheDocument();
    expect(
      screen.getByText(/Already queued, not added again: Paper taxable \(DU222222\) \(id sig-3:DU222222\)/),
    ).toBeInTheDocument();
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
    expect(api.callsOf('runCommandAll')).toEqual([{ command: 'print-rebalance' }]);
  });

  it('disables Rebalance all when no account is enabled for the trading mode', async () => {
    const { api } = accountsApi([makeAccount({ enabled: false, active: false })]);
    renderWithApi(<AccountsPage />, api);
    expect(await screen.findByRole('button', { name: 'Rebalance all' })).toBeDisabled();
  });

  it('catches up a missed signal through its plan', async () => {
    const { api, store } = accountsApi([
      makeAccount({ missedSignal: { strategy: 'etf-blend-200-35', asOf: '2025-01-03', lastAsOf: '2025-01-02' } }),
    ]);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    expect(within(card).getByText('missed signal')).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Catch up' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([
        { accountId: 'DU123456', command: 'print-rebalance', source: 'manual' },
      ]),
    );
    store.event = { ...store.event!, status: 'done', result: { command: 'print-rebalance', plan: makePlan() } };
    api.emit({
      type: 'queue',
      change: { id: 'manual-1', accountId: 'DU123456', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Submit' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand').at(-1)).toEqual({
        accountId: 'DU123456',
        command: 'rebalance',
        source: 'catch-up',
      }),
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
    await waitFor(() => expect(api.callsOf('simulatorControl')).toEqual([{ action: 'stop', gateway: 'default' }]));
    // one login: nothing to choose
    expect(screen.queryByRole('combobox', { name: 'IB login' })).not.toBeInTheDocument();
  });

  it('stops, starts and troubles the login chosen when the demo has several (§28)', async () => {
    const { api } = accountsApi([makeAccount()], true);
    api.handlers.health = () =>
      makeHealth({
        simulated: true,
        gateways: [
          { id: 'default', label: 'default', state: 'green', detail: 'connected' },
          { id: 'spouse', label: 'Spouse', state: 'green', detail: 'connected' },
        ],
      });
    renderWithApi(<AccountsPage />, api);
    await userEvent.click(await screen.findByRole('combobox', { name: 'IB login' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Spouse' }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop gateway' }));
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    await waitFor(() =>
      expect(api.callsOf('simulatorControl')).toEqual([
        { action: 'stop', gateway: 'spouse' },
        { action: 'lose-connectivity', gateway: 'spouse' },
      ]),
    );
    expect(await screen.findByText('Simulated gateway (Spouse) stopped')).toBeInTheDocument();
  });
});
