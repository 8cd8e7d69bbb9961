import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeEvent, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { QueuePage } from './QueuePage';

const EVENTS = [
  makeEvent({ id: 'sig-7:DU111111', accountId: 'DU111111', command: 'rebalance', status: 'pending' }),
  makeEvent({ id: 'manual-3:DU222222', accountId: 'DU222222', command: 'print-positions', status: 'held' }),
  makeEvent({ id: 'sig-6:DU333333', accountId: 'DU333333', command: 'rebalance', status: 'done' }),
];

function queueApi() {
  return createFakeApi({
    queueStatus: () => ({
      counts: { pending: 1, awaiting: 0, active: 0, delayed: 0, held: 1, done: 1 },
      paused: false,
      oldestPendingAgeMs: null,
    }),
    listEvents: (input) => {
      const list = EVENTS.filter((e) => e.status === input.state);
      return { events: list, total: list.length };
    },
    accounts: () => ({
      accounts: [
        makeAccount({ accountId: 'DU111111', name: 'Taxable' }),
        makeAccount({ accountId: 'DU222222', name: '' }),
      ],
      totals: makeTotals(),
    }),
    delete: (input) => ({ deleted: input.id }),
  });
}

describe('bulk delete (§26)', { timeout: 30_000 }, () => {
  it('lists every event it will delete — id, account, command and state — and deletes only after the confirmation', async () => {
    const api = queueApi();
    renderWithApi(<QueuePage />, api);
    await screen.findByRole('heading', { name: /Pending\s*1/ });
    for (const event of EVENTS) await userEvent.click(screen.getByRole('checkbox', { name: `Select ${event.id}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete 3 selected' }));

    const dialog = await screen.findByRole('dialog', { name: 'Delete 3 events?' });
    const list = within(dialog).getByRole('table', { name: 'Events to delete' });
    const rows = within(list)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(rows).toEqual([
      ['sig-7:DU111111', 'Taxable (DU111111)', 'rebalance', 'pending'],
      ['manual-3:DU222222', 'DU222222', 'print-positions', 'held'],
      ['sig-6:DU333333', 'DU333333', 'rebalance', 'done'],
    ]);
    expect(api.callsOf('delete')).toEqual([]);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete 3 events' }));
    await waitFor(() => expect(api.callsOf('delete')).toHaveLength(3));
    expect(api.callsOf('delete')).toEqual(
      expect.arrayContaining(EVENTS.map((e) => ({ id: e.id, expectedStatus: e.status }))),
    );
  });
});
