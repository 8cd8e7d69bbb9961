import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../../shared/contract';
import type { AccountMoney, EventRecord, Plan } from '../../../../shared/dto';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeEvent, makeHealth, makePlan, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { AccountsPage } from './AccountsPage';
import { amountProblem, parseAmount } from './CashFlowActions';

const money = (netLiquidation: number): AccountMoney => ({
  netLiquidation,
  cash: 10_000,
  dayPnl: null,
  unrealizedPnl: null,
  currency: 'USD',
  at: '2026-12-01T15:00:00.000Z',
});

/** A raise-cash plan: one sell of the overweight symbol. */
const raisePlan: Plan = makePlan({
  mode: 'raise-cash',
  raiseAmount: 15_000,
  rows: [
    {
      symbol: 'SPY',
      currentShares: 100,
      currentValue: 50_000,
      currentWeight: 0.5,
      targetWeight: 0.4,
      targetShares: 70,
      price: 500,
      delta: -30,
      order: { side: 'SELL', quantity: 30 },
      estimatedValue: 15_000,
    },
  ],
});

/** Accounts answering `account`; runCommand makes an event that finishes with `plan` once `finish()` is called. */
function cashApi(account: AccountView, plan: Plan = raisePlan) {
  const events = new Map<string, EventRecord>();
  let n = 0;
  const api = createFakeApi({
    health: () => makeHealth(),
    accounts: () => ({ accounts: [account], totals: makeTotals() }),
    strategies: () => ({ strategies: [], error: null }),
    runCommand: (input) => {
      const event = makeEvent({
        id: `manual-${++n}`,
        accountId: input.accountId,
        command: input.command,
        payload: input.payload ?? {},
        source: 'manual',
        status: 'pending',
      });
      events.set(event.id, event);
      return event;
    },
    getEvent: ({ id }) => ({ event: events.get(id)!, history: [], logs: [] }),
  });
  /** The preview event `id` finished with the plan (as the core would push it). */
  const finish = (id: string) => {
    events.set(id, { ...events.get(id)!, status: 'done', result: { command: 'print-rebalance', plan } });
    api.emit({
      type: 'queue',
      change: { id, accountId: account.accountId, action: 'completed', from: 'active', to: 'done', at: '' },
    });
  };
  return { api, finish };
}

async function openRaise(account: AccountView) {
  const card = await screen.findByLabelText(`Account ${account.accountId}`);
  await userEvent.click(within(card).getByRole('button', { name: 'Raise cash…' }));
  const dialog = await screen.findByRole('dialog', { name: `Raise cash — ${account.name}` });
  return { dialog, box: within(dialog).getByRole('textbox', { name: 'Amount to raise (USD)' }) };
}

describe('the amount to raise', () => {
  it('reads plain and comma-grouped USD, and nothing else', () => {
    expect(parseAmount('15000')).toBe(15_000);
    expect(parseAmount(' 15,000.50 ')).toBe(15_000.5);
    expect(parseAmount('$2,500')).toBe(2_500);
    expect(parseAmount('-500')).toBe(-500);
    expect(parseAmount('1,50')).toBeNull();
    expect(parseAmount('15k')).toBeNull();
    expect(parseAmount('1e5')).toBeNull();
  });

  it('names the box in every refusal', () => {
    expect(amountProblem('abc')).toBe('Amount to raise (USD) must be a number of USD, e.g. 15000 or 15,000.50');
    expect(amountProblem('-100')).toBe('Amount to raise (USD) must be more than 0 USD');
    expect(amountProblem('0')).toBe('Amount to raise (USD) must be more than 0 USD');
    expect(amountProblem('200001', 200_000)).toMatch(
      /^Amount to raise \(USD\) must not be more than the account's net liquidation, USD\s200,000\.00$/,
    );
    expect(amountProblem('200000', 200_000)).toBeNull();
    expect(amountProblem('5000', null)).toBeNull();
  });
});

describe('Accounts card: Raise cash… and Invest cash (§27)', () => {
  it('refuses a negative, zero, non-numeric or larger-than-the-account amount beside the box and queues nothing', async () => {
    const account = makeAccount({ money: money(200_000) });
    const { api } = cashApi(account);
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    const showPlan = within(dialog).getByRole('button', { name: 'Show plan' });
    expect(showPlan).toBeDisabled();

    for (const [typed, message] of [
      ['-500', 'Amount to raise (USD) must be more than 0 USD'],
      ['0', 'Amount to raise (USD) must be more than 0 USD'],
      ['lots', 'Amount to raise (USD) must be a number of USD, e.g. 15000 or 15,000.50'],
      ['250000', /Amount to raise \(USD\) must not be more than the account's net liquidation, USD\s200,000\.00/],
    ] as const) {
      await userEvent.clear(box);
      await userEvent.type(box, `${typed}{Enter}`);
      expect(box).toHaveAccessibleDescription(typeof message === 'string' ? expect.stringContaining(message) : message);
      expect(box).toHaveAttribute('aria-invalid', 'true');
      expect(showPlan).toBeDisabled();
    }
    expect(api.callsOf('runCommand')).toEqual([]);
  });

  it("shows the core's refusal when it knows the account is smaller than the amount (money not on the card)", async () => {
    const account = makeAccount({ money: null });
    const { api } = cashApi(account);
    api.handlers.runCommand = () => {
      throw new ApiError({
        error: 'invalid',
        message:
          "invalid input: payload.amount: payload.amount USD 900,000.00 is more than the account's net liquidation USD 200,000.00",
      });
    };
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    await userEvent.type(box, '900000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Show plan' }));
    expect(await within(dialog).findByTestId('cash-flow-error')).toHaveTextContent(
      /payload\.amount .* is more than the account's net liquidation/,
    );
    expect(within(dialog).queryByRole('button', { name: /^Submit/ })).not.toBeInTheDocument();
  });

  it('previews the raise-cash plan for a good amount, then queues raise-cash with that amount on Submit', async () => {
    const account = makeAccount({ money: money(200_000) });
    const { api, finish } = cashApi(account);
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    await userEvent.type(box, '15,000');
    expect(box).not.toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Show plan' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([
        {
          accountId: 'DU123456',
          command: 'print-rebalance',
          payload: { mode: 'raise-cash', amount: 15_000 },
        },
      ]),
    );
    expect(await within(dialog).findByText('planning…')).toBeInTheDocument();
    finish('manual-1');
    const plan = await within(dialog).findByRole('table', { name: 'Plan' });
    expect(within(plan).getByText('SPY')).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Submit 1 order' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand').at(-1)).toEqual({
        accountId: 'DU123456',
        command: 'raise-cash',
        payload: { amount: 15_000 },
      }),
    );
    expect(await screen.findByText('Raise cash queued for Paper IRA')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('drops the plan when the amount changes, so Submit never sends an amount the plan was not made for', async () => {
    const account = makeAccount({ money: money(200_000) });
    const { api, finish } = cashApi(account);
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    await userEvent.type(box, '15000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Show plan' }));
    await waitFor(() => expect(api.callsOf('runCommand')).toHaveLength(1));
    finish('manual-1');
    await within(dialog).findByRole('button', { name: 'Submit 1 order' });
    await userEvent.type(box, '0');
    expect(within(dialog).queryByRole('button', { name: /^Submit/ })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('table', { name: 'Plan' })).not.toBeInTheDocument();
  });

  it('says so when another of the same is already queued, and keeps the dialog open', async () => {
    const account = makeAccount({ money: money(200_000) });
    const { api, finish } = cashApi(account);
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    await userEvent.type(box, '15000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Show plan' }));
    await waitFor(() => expect(api.callsOf('runCommand')).toHaveLength(1));
    finish('manual-1');
    const submit = await within(dialog).findByRole('button', { name: 'Submit 1 order' });
    api.handlers.runCommand = () => {
      throw new ApiError({ error: 'duplicate', message: 'duplicate', existingId: 'manual-0' });
    };
    await userEvent.click(submit);
    expect(await within(dialog).findByTestId('cash-flow-error')).toHaveTextContent(
      'One is already queued for Paper IRA (id manual-0).',
    );
  });

  it('Invest cash previews a buy-only rebalance at once, then queues it on Submit', async () => {
    const account = makeAccount({ money: money(200_000) });
    const { api, finish } = cashApi(account, makePlan({ mode: 'buy-only' }));
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Invest cash' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invest cash — Paper IRA' });
    expect(within(dialog).getByText(/Nothing is sold/)).toBeInTheDocument();
    await waitFor(() =>
      expect(api.callsOf('runCommand')).toEqual([
        { accountId: 'DU123456', command: 'print-rebalance', payload: { mode: 'buy-only' } },
      ]),
    );
    finish('manual-1');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Submit 1 order' }));
    await waitFor(() =>
      expect(api.callsOf('runCommand').at(-1)).toEqual({
        accountId: 'DU123456',
        command: 'rebalance',
        payload: { mode: 'buy-only' },
      }),
    );
    expect(await screen.findByText('Invest cash queued for Paper IRA')).toBeInTheDocument();
  });

  it('Invest cash with nothing to buy offers no Submit', async () => {
    const account = makeAccount({ money: money(200_000) });
    const plan = makePlan({ mode: 'buy-only', rows: makePlan().rows.map((r) => ({ ...r, order: null, delta: 0 })) });
    const { api, finish } = cashApi(account, plan);
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    await userEvent.click(within(card).getByRole('button', { name: 'Invest cash' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invest cash — Paper IRA' });
    await waitFor(() => expect(api.callsOf('runCommand')).toHaveLength(1));
    finish('manual-1');
    expect(await within(dialog).findByRole('button', { name: 'Nothing to trade' })).toBeDisabled();
  });

  it('marks Submit LIVE for a live account', async () => {
    const account = makeAccount({ accountId: 'U7654321', name: 'Live', type: 'live', money: money(200_000) });
    const { api, finish } = cashApi(account);
    renderWithApi(<AccountsPage />, api);
    const { dialog, box } = await openRaise(account);
    await userEvent.type(box, '15000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Show plan' }));
    await waitFor(() => expect(api.callsOf('runCommand')).toHaveLength(1));
    finish('manual-1');
    expect(await within(dialog).findByRole('button', { name: 'Submit 1 order (LIVE)' })).toBeInTheDocument();
  });
});
