import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeHealth, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { AccountsPage } from './AccountsPage';

describe('Accounts card: next scheduled run', () => {
  it('shows the next firing of a schedule with its command, and "none" without one', async () => {
    const at = new Date(Date.now() + 2 * 3_600_000 + 60_000).toISOString();
    const api = createFakeApi({
      health: () => makeHealth(),
      accounts: () => ({
        totals: makeTotals(),
        accounts: [
          makeAccount({ nextScheduledRun: { scheduleId: 'open', command: 'print-rebalance', at } }),
          makeAccount({ accountId: 'DU654321', name: 'Other' }),
        ],
      }),
      strategies: () => ({ strategies: [], error: null }),
    });
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    const next = within(card).getByTestId('next-scheduled-run');
    expect(next).toHaveTextContent('Preview in 2 h');
    expect(next.getAttribute('title')).toMatch(/^schedule open: print-rebalance at /);
    const other = screen.getByLabelText('Account DU654321');
    expect(within(other).queryByTestId('next-scheduled-run')).toBeNull();
    expect(within(other).getByText('Next scheduled').nextElementSibling).toHaveTextContent('none');
  });
});
