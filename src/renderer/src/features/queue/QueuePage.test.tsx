import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { EventRecord, Plan } from '../../../../shared/dto';
import { ApiError } from '../../api/api-client';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeEvent, makeTotals } from '../../test/fixtures.test-support';
import { renderApp, renderWithApi } from '../../test/render.test-support';
import { QueuePage } from './QueuePage';

function queueApi(events: EventRecord[]) {
  const store = { events };
  const api = createFakeApi({
    queueStatus: () => ({
      counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
      paused: false,
      oldestPendingAgeMs: null,
    }),
    listEvents: (input) => {
      const list = store.events.filter((e) => e.status === input.state);
      return { events: list.slice(0, Number(input.limit ?? 200)), total: list.length };
    },
    retry: (input) => ({ ...store.events.find((e) => e.id === input.id)!, status: 'pending' }),
    hold: (input) => ({ ...store.events.find((e) => e.id === input.id)!, status: 'held' }),
    approve: (input) => ({ ...store.events.find((e) => e.id === input.id)!, status: 'pending' }),
    reject: (input) => ({ ...store.events.find((e) => e.id === input.id)!, status: 'done' }),
    delete: (input) => ({ deleted: input.id }),
    getEvent: (input) => ({ event: store.events.find((e) => e.id === input.id)!, history: [], logs: [] }),
    trades: () => ({ trades: [] }),
  });
  return { api, store };
}

const rowOf = (id: string) => document.querySelector(`[data-event-id="${CSS.escape(id)}"]`) as HTMLElement;

const EVENTS = [
  makeEvent({ id: 'sig-1:DU111111', accountId: 'DU111111', status: 'pending' }),
  makeEvent({ id: 'sig-1:DU222222', accountId: 'DU222222', status: 'pending' }),
  makeEvent({ id: 'sig-0:DU333333', accountId: 'DU333333', status: 'active' }),
  makeEvent({
    id: 'sig-0:DU444444',
    accountId: 'DU444444',
    status: 'delayed',
    timesQueued: 3,
    nextAttemptAt: new Date(Date.now() + 90_000).toISOString(),
    lastError: { kind: 'transient', message: 'IB Gateway not connected', at: '2025-01-02T15:01:00.000Z' },
  }),
  makeEvent({
    id: 'sig-0:DU555555',
    accountId: 'DU555555',
    status: 'held',
    needsAttention: true,
    lastError: { kind: 'rejected', message: 'insufficient buying power', at: '2025-01-02T15:01:00.000Z', code: 201 },
  }),
];

describe('Queue page', () => {
  it("names each row's account (the id on hover), and the drawer's title names command, account and time (§25)", async () => {
    const { api } = queueApi(EVENTS);
    api.handlers.accounts = () => ({
      accounts: [
        makeAccount({ accountId: 'DU222222', name: 'Joint' }),
        makeAccount({ accountId: 'DU111111', name: '' }),
      ],
      totals: makeTotals(),
    });
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Pending\s*2/ });
    const named = await waitFor(
      () => {
        const cell = within(rowOf('sig-1:DU222222')).getByTestId('event-account');
        expect(cell).toHaveTextContent('Joint');
        return cell;
      },
      { timeout: 5_000 },
    );
    expect(named).toHaveAttribute('title', 'DU222222');
    expect(rowOf('sig-1:DU222222')).toHaveAccessibleName('rebalance for Joint, pending');
    // no name configured: the id stands
    expect(within(rowOf('sig-1:DU111111')).getByTestId('event-account')).toHaveTextContent('DU111111');

    await userEvent.click(named);
    // the drawer is loaded lazily: on a loaded machine that can take more than the default second
    expect(await screen.findByTestId('event-drawer-title', {}, { timeout: 10_000 })).toHaveTextContent(
      /^rebalance — Joint — /,
    );
  });

  it('asks for the accounts (names, the Accounts badge) only once its first rows are in, then names them (§16)', async () => {
    const { api } = queueApi(EVENTS);
    api.handlers.accounts = () => ({
      accounts: [makeAccount({ accountId: 'DU222222', name: 'Joint' })],
      totals: makeTotals(),
    });
    const list = api.handlers.listEvents!;
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    api.handlers.listEvents = async (input) => {
      await answered;
      return list(input);
    };
    window.location.hash = '#/queue';
    renderApp(api);
    await waitFor(() => expect(api.callsOf('listEvents')).toHaveLength(6));
    // the status strip's and menu's own reads come and go; the accounts wait for the rows
    await waitFor(() => expect(api.callsOf('queueStatus').length).toBeGreaterThan(0));
    expect(api.callsOf('accounts')).toEqual([]);

    answer();
    await screen.findByRole('heading', { name: /Pending\s*2/ });
    const cell = within(rowOf('sig-1:DU222222')).getByTestId('event-account');
    await waitFor(() => expect(cell).toHaveTextContent('Joint'));
    expect(api.callsOf('accounts')).toHaveLength(1);
  });

  it('shows each section with its count and one row per event, marked with its id', async () => {
    const { api } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    expect(await screen.findByRole('heading', { name: /Pending\s*2/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Active\s*1/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Delayed\s*1/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Held\s*1/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Done\s*0/ })).toBeInTheDocument();
    for (const event of EVENTS) expect(rowOf(event.id)).toBeInTheDocument();

    const delayed = rowOf('sig-0:DU444444');
    expect(within(delayed).getByText(/retry in 01:[0-3]\d/)).toBeInTheDocument();
    expect(within(delayed).getByText('transient: IB Gateway not connected')).toBeInTheDocument();
    expect(within(rowOf('sig-0:DU555555')).getByText('needs attention')).toBeInTheDocument();
    expect(within(rowOf('sig-0:DU333333')).queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.getByText(/No finished events yet/)).toBeInTheDocument();
  });

  it('retries with the state the trader saw', async () => {
    const { api } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Delayed\s*1/ });
    await userEvent.click(within(rowOf('sig-0:DU444444')).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.callsOf('retry')).toEqual([{ id: 'sig-0:DU444444', expectedStatus: 'delayed' }]));
    expect(within(rowOf('sig-1:DU111111')).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('asks before deleting, and deletes only once confirmed', async () => {
    const { api } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Pending\s*2/ });
    await userEvent.click(within(rowOf('sig-1:DU111111')).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(api.callsOf('delete')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete event' }));
    await waitFor(() => expect(api.callsOf('delete')).toEqual([{ id: 'sig-1:DU111111', expectedStatus: 'pending' }]));
  });

  it('applies a bulk action only to the selected rows and shows their count', async () => {
    const { api } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Pending\s*2/ });
    expect(screen.queryByRole('button', { name: /selected/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select sig-1:DU111111' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select sig-0:DU444444' }));
    const toolbar = screen.getByRole('toolbar', { name: 'Bulk actions' });
    expect(within(toolbar).getByRole('button', { name: 'Hold 2 selected' })).toBeInTheDocument();
    expect(within(toolbar).getByRole('button', { name: 'Retry 1 selected' })).toBeInTheDocument();
    expect(within(toolbar).getByRole('button', { name: 'Delete 2 selected' })).toBeInTheDocument();
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Hold 2 selected' }));
    await waitFor(() => expect(api.callsOf('hold')).toHaveLength(2));
    expect(api.callsOf('hold')).toEqual(
      expect.arrayContaining([
        { id: 'sig-1:DU111111', expectedStatus: 'pending' },
        { id: 'sig-0:DU444444', expectedStatus: 'delayed' },
      ]),
    );
  });

  it('shows a new event when the stream says the queue changed', async () => {
    const { api, store } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Pending\s*2/ });
    store.events = [...store.events, makeEvent({ id: 'sig-2:DU666666', accountId: 'DU666666', status: 'pending' })];
    api.emit({
      type: 'queue',
      change: { id: 'sig-2:DU666666', accountId: 'DU666666', action: 'enqueued', from: null, to: 'pending', at: '' },
    });
    expect(await screen.findByRole('heading', { name: /Pending\s*3/ })).toBeInTheDocument();
    expect(rowOf('sig-2:DU666666')).toBeInTheDocument();
  });

  it('explains a conflict when the event changed meanwhile', async () => {
    const { api } = queueApi(EVENTS);
    api.handlers.retry = () => {
      throw new ApiError({ error: 'conflict', message: 'event sig-0:DU444444 is pending, not delayed' });
    };
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Delayed\s*1/ });
    await userEvent.click(within(rowOf('sig-0:DU444444')).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/is pending, not delayed\. It changed state meanwhile/)).toBeInTheDocument();
  });

  it('opens the detail of a clicked row', async () => {
    const { api } = queueApi(EVENTS);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Held\s*1/ });
    await userEvent.click(within(rowOf('sig-0:DU555555')).getByText('DU555555'));
    // the drawer is loaded lazily: on a loaded machine that can take more than the default second
    const dialog = await screen.findByRole('dialog', {}, { timeout: 10_000 });
    expect(await within(dialog).findByText('Payload')).toBeInTheDocument();
    expect(within(dialog).getByText('insufficient buying power', { exact: false })).toBeInTheDocument();
    expect(api.callsOf('getEvent')).toEqual([{ id: 'sig-0:DU555555' }]);
  });

  it('shows what a finished event came to in a Result column, never the error it met on the way (§26)', async () => {
    const filled = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        orderId: i + 1,
        symbol: `S${i}`,
        side: 'BUY',
        quantity: 1,
        status: 'Filled',
        filled: 1,
        remaining: 0,
      }));
    const stale = {
      kind: 'transient' as const,
      message: 'waiting for the connection to IB Gateway',
      at: '2025-01-02T15:01:00.000Z',
    };
    const done = [
      makeEvent({
        id: 'sig-2:DU111111',
        accountId: 'DU111111',
        status: 'done',
        timesQueued: 2,
        lastError: stale,
        result: { orders: filled(8) },
      }),
      makeEvent({
        id: 'sig-2:DU222222',
        accountId: 'DU222222',
        status: 'done',
        result: { orders: [], plan: { rows: [] } },
      }),
      makeEvent({
        id: 'sig-2:DU333333',
        accountId: 'DU333333',
        status: 'done',
        result: { rejectedByTrader: true, plan: { rows: [] } },
      }),
    ];
    const { api } = queueApi(done);
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Done\s*3/ });
    const section = document.querySelector('section[data-section="done"]') as HTMLElement;
    expect(within(section).getByRole('columnheader', { name: 'Result' })).toBeInTheDocument();
    expect(within(section).queryByRole('columnheader', { name: 'Last error' })).not.toBeInTheDocument();
    expect(within(rowOf('sig-2:DU111111')).getByTestId('event-result')).toHaveTextContent('8/8 filled');
    expect(within(rowOf('sig-2:DU222222')).getByTestId('event-result')).toHaveTextContent('already at target');
    expect(within(rowOf('sig-2:DU333333')).getByTestId('event-result')).toHaveTextContent('rejected by trader');
    expect(screen.queryByText(/waiting for the connection/)).not.toBeInTheDocument();

    // The drawer too: the result, and the errors on the way left to its history.
    await userEvent.click(within(rowOf('sig-2:DU111111')).getByTestId('event-result'));
    const dialog = await screen.findByRole('dialog', {}, { timeout: 10_000 });
    expect(await within(dialog).findByText(/8\/8 filled — after 2 attempts/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/Last error/)).not.toBeInTheDocument();
    expect(within(dialog).queryByText(/waiting for the connection/)).not.toBeInTheDocument();
  });

  it('shows 10 000 events in one section, fetching a page at a time and rendering only the rows in view', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      makeEvent({ id: `bulk-${i}:DU${String(100000 + i)}`, accountId: `DU${100000 + i}`, status: 'done' }),
    );
    const { api } = queueApi(many);
    renderWithApi(<QueuePage />, api);
    expect(await screen.findByRole('heading', { name: /Done\s*10000/ })).toBeInTheDocument();
    const rows = document.querySelectorAll('[data-section="done"] [data-event-id]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    expect(api.callsOf('listEvents')).toContainEqual({ state: 'done', q: undefined, limit: 200 });
    expect(screen.getByText(/Showing the first 200 of 10000/)).toBeInTheDocument();

    // Scrolling to the end of what is loaded fetches the next page.
    const scroller = document.querySelector('[data-section="done"] [role="rowgroup"]') as HTMLElement;
    scroller.scrollTop = 200 * 32;
    scroller.dispatchEvent(new Event('scroll'));
    await waitFor(() =>
      expect(api.callsOf('listEvents')).toContainEqual({ state: 'done', q: undefined, limit: 1_200 }),
    );
  });

  describe('Awaiting approval (§19)', () => {
    const planRow = (symbol: string, order: { side: 'BUY' | 'SELL'; quantity: number } | null, value: number) => ({
      symbol,
      currentShares: 0,
      currentValue: 0,
      currentWeight: 0.1,
      targetWeight: 0.4,
      targetShares: 10,
      price: 100,
      delta: 10,
      order,
      estimatedValue: value,
    });
    const waiting = (id: string, accountId: string, autoApproveAt: string | null) =>
      makeEvent({
        id,
        accountId,
        status: 'awaiting',
        approval: { requestedAt: '2026-03-02T15:00:00.000Z', autoApproveAt, planHash: 'h', minutes: 10 },
        result: {
          plan: {
            accountId,
            strategy: 's',
            asOf: null,
            netLiquidation: 10_000,
            cash: 10_000,
            cashReservePercent: 1,
            investable: 9_900,
            rows: [planRow('SPY', { side: 'BUY', quantity: 12 }, 6_543.21), planRow('GLD', null, 0)],
            warnings: [],
            createdAt: '2026-03-02T15:00:00.000Z',
          },
        },
      });
    const AWAITING = [
      waiting('sig-9:DU666666', 'DU666666', new Date(Date.now() + 5 * 60_000).toISOString()),
      waiting('sig-9:DU777777', 'DU777777', null),
      ...EVENTS,
    ];

    it('sits between Pending and Active with the plan inline and the countdown', async () => {
      const { api } = queueApi(AWAITING);
      renderWithApi(<QueuePage />, api);
      const heading = await screen.findByRole('heading', { name: /Awaiting approval\s*2/ });
      const titles = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent?.replace(/\d+$/, '').trim());
      expect(titles.slice(0, 3)).toEqual(['Pending', 'Awaiting approval', 'Active']);
      expect(heading).toBeInTheDocument();
      const timer = rowOf('sig-9:DU666666');
      expect(within(timer).getByText(/auto-approves in 0[45]:\d\d/)).toBeInTheDocument();
      const plan = within(timer).getByRole('table', { name: 'Plan of DU666666' });
      expect(within(plan).getByText('BUY 12')).toBeInTheDocument();
      expect(within(plan).getAllByText(/6,543\.21/).length).toBe(2); // the order and the total
      expect(within(plan).getByText('GLD')).toBeInTheDocument();
      expect(within(rowOf('sig-9:DU777777')).getByText('waits for your approval')).toBeInTheDocument();
    });

    it("shows the plan's totals and, before approving, its warnings (a stale allocation) and limit breaches (§25)", async () => {
      const stale = 'allocation is stale: as of 2025-06-24, 529 days old (more than zehnlabs.staleAllocationDays 45)';
      const event = waiting('sig-9:DU888888', 'DU888888', null);
      const plan = (event.result as { plan: Plan }).plan;
      plan.warnings = [stale];
      plan.limitBreaches = ['order BUY 12 SPY worth USD 6,543.21 exceeds limits.maxOrderValue USD 5,000.00'];
      const { api } = queueApi([event, ...AWAITING]);
      renderWithApi(<QueuePage />, api);
      await screen.findByRole('heading', { name: /Awaiting approval\s*3/ });
      const row = rowOf('sig-9:DU888888');
      expect(within(row).getByTestId('plan-warning')).toHaveTextContent(stale);
      expect(within(row).getByTestId('plan-limit-breach')).toHaveTextContent(
        'Risk limit breached: order BUY 12 SPY worth USD 6,543.21 exceeds limits.maxOrderValue USD 5,000.00',
      );
      const totals = within(row).getByTestId('plan-totals');
      expect(within(totals).getByText(/Total buys/)).toHaveTextContent(/USD\s6,543\.21/);
      expect(within(totals).getByText(/Total sells/)).toHaveTextContent(/USD\s0\.00/);
      expect(within(totals).getByText(/Cash after/)).toHaveTextContent(/USD\s3,456\.79/);
      // a plan without warnings shows none
      expect(within(rowOf('sig-9:DU666666')).queryByTestId('plan-warning')).not.toBeInTheDocument();
    });

    it('approves with the state the trader saw, and rejects only after a confirmation', async () => {
      const { api } = queueApi(AWAITING);
      renderWithApi(<QueuePage />, api);
      await screen.findByRole('heading', { name: /Awaiting approval\s*2/ });
      await userEvent.click(within(rowOf('sig-9:DU666666')).getByRole('button', { name: 'Approve' }));
      await waitFor(() =>
        expect(api.callsOf('approve')).toEqual([{ id: 'sig-9:DU666666', expectedStatus: 'awaiting' }]),
      );
      await userEvent.click(within(rowOf('sig-9:DU777777')).getByRole('button', { name: 'Reject' }));
      expect(api.callsOf('reject')).toEqual([]);
      await userEvent.click(await screen.findByRole('button', { name: 'Reject plan' }));
      await waitFor(() =>
        expect(api.callsOf('reject')).toEqual([{ id: 'sig-9:DU777777', expectedStatus: 'awaiting' }]),
      );
    });

    it('approves the selected rows in bulk', async () => {
      const { api } = queueApi(AWAITING);
      renderWithApi(<QueuePage />, api);
      await screen.findByRole('heading', { name: /Awaiting approval\s*2/ });
      await userEvent.click(screen.getByRole('checkbox', { name: 'Select sig-9:DU666666' }));
      await userEvent.click(screen.getByRole('checkbox', { name: 'Select sig-9:DU777777' }));
      await userEvent.click(screen.getByRole('checkbox', { name: 'Select sig-1:DU111111' }));
      await userEvent.click(screen.getByRole('button', { name: 'Approve 2 selected' }));
      await waitFor(() => expect(api.callsOf('approve')).toHaveLength(2));
      expect(
        api
          .callsOf('approve')
          .map((c) => c.id)
          .sort(),
      ).toEqual(['sig-9:DU666666', 'sig-9:DU777777']);
    });
  });
});
