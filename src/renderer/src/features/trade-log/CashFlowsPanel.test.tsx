import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatExact } from '../../lib/format';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { CashFlowsPanel } from './CashFlowsPanel';

describe('Trade log › Cash flows (§27)', () => {
  it('lists each deposit and withdrawal with when, the account by name, the signed amount and its top-up', async () => {
    const api = createFakeApi({
      listCashFlows: () => ({
        cashFlows: [
          { accountId: 'DU1', amount: -2_000, at: '2026-12-04T16:00:00.000Z', eventId: null },
          { accountId: 'DU1', amount: 5_000, at: '2026-12-03T15:00:00.000Z', eventId: 'cash-flow:DU1:x' },
        ],
      }),
      accounts: () => ({ accounts: [makeAccount({ accountId: 'DU1', name: 'Joint' })], totals: makeTotals() }),
    });
    renderWithApi(<CashFlowsPanel />, api);
    const table = await screen.findByRole('table', { name: 'Cash flows' });
    await within(table).findAllByText('Joint');
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      );
    expect(rows).toEqual([
      [formatExact('2026-12-04T16:00:00.000Z'), 'Joint', expect.stringMatching(/^−USD\s2,000\.00$/), '—'],
      [
        formatExact('2026-12-03T15:00:00.000Z'),
        'Joint',
        expect.stringMatching(/^\+USD\s5,000\.00$/),
        'cash-flow:DU1:x',
      ],
    ]);
  });

  it('says what will appear when nothing was detected yet', async () => {
    renderWithApi(<CashFlowsPanel />, createFakeApi({ listCashFlows: () => ({ cashFlows: [] }) }));
    expect(await screen.findByText(/No cash flows yet — a deposit or withdrawal of at least/)).toBeInTheDocument();
  });
});
