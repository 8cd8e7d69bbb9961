import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeAccount, makeHealth, makeTotals } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { AccountsPage } from './AccountsPage';

describe('Accounts card: drift (§20)', () => {
  it('shows Drifted above the alert threshold, the drift and its time, and the symbols on click', async () => {
    const at = new Date(Date.now() - 3 * 60_000).toISOString();
    const api = createFakeApi({
      health: () => makeHealth(),
      accounts: () => ({
        totals: makeTotals(),
        accounts: [
          makeAccount({
            drift: {
              percent: 7.5,
              at,
              bySymbol: {
                BND: { current: 32.5, target: 40, diff: -7.5 },
                SPY: { current: 66.25, target: 60, diff: 6.25 },
              },
            },
            drifted: true,
            driftAlertPercent: 5,
          }),
          makeAccount({ accountId: 'DU654321', name: 'Calm' }),
          makeAccount({
            accountId: 'DU777777',
            name: 'New',
            drift: null,
            driftError: { at, message: 'no usable price for BND (no bid/ask, last or close)' },
          }),
        ],
      }),
      strategies: () => ({ strategies: [], error: null }),
    });
    renderWithApi(<AccountsPage />, api);
    const card = await screen.findByLabelText('Account DU123456');
    expect(within(card).getByTestId('drifted-badge')).toHaveTextContent('Drifted');
    const value = within(card).getByTestId('drift-value');
    expect(value).toHaveTextContent('7.50%');
    expect(value).toHaveTextContent('3 min ago');

    await userEvent.click(value);
    const table = await screen.findByRole('table', { name: 'Drift by symbol' });
    const bnd = within(table).getByText('BND').closest('tr')!;
    expect(bnd).toHaveTextContent('32.50%40.00%−7.50 pp');
    const spy = within(table).getByText('SPY').closest('tr')!;
    expect(spy).toHaveTextContent('66.25%60.00%+6.25 pp');

    // 3.12 % is not above 5 %: no badge; an account never measured says so.
    const calm = screen.getByLabelText('Account DU654321');
    expect(within(calm).queryByTestId('drifted-badge')).toBeNull();
    expect(within(calm).getByTestId('drift-value')).toHaveTextContent('3.12%');
    const fresh = screen.getByLabelText('Account DU777777');
    expect(within(fresh).getByText('Drift').nextElementSibling).toHaveTextContent('not measured yet');
    expect(within(fresh).getByTestId('drift-error')).toHaveTextContent('not read: no usable price for BND');
    expect(within(calm).queryByTestId('drift-error')).toBeNull();
  });
});
