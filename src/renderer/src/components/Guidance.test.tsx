import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../shared/contract';
import type { Health, QueueCounts, QueueStatus } from '../../../shared/dto';
import { createFakeApi } from '../test/fake-api.test-support';
import { makeAccount, makeHealth, makeTotals } from '../test/fixtures.test-support';
import { renderApp } from '../test/render.test-support';

const ZERO: QueueCounts = { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 };

function windowApi(state: { health: Health; status: QueueStatus; accounts: AccountView[] }) {
  return createFakeApi({
    health: () => state.health,
    queueStatus: () => state.status,
    listEvents: () => ({ events: [], total: 0 }),
    accounts: () => ({ accounts: state.accounts, totals: makeTotals() }),
    resume: () => {
      state.status = { ...state.status, paused: false };
      return state.status;
    },
  });
}

const menuLink = (name: string) =>
  within(screen.getByRole('navigation', { name: 'Pages' })).getByRole('link', { name: new RegExp(`^${name}`) });

const MISSED = { strategy: 'etf-blend-200-35', asOf: '2026-03-02', lastAsOf: '2026-02-23' };

describe('side menu badges (§26)', () => {
  it('counts on Queue the events awaiting approval plus the delayed ones, and follows the queue', async () => {
    const state = {
      health: makeHealth(),
      status: {
        counts: { ...ZERO, pending: 4, awaiting: 2, delayed: 1, held: 3 },
        paused: false,
        oldestPendingAgeMs: 0,
      },
      accounts: [],
    };
    const api = windowApi(state);
    renderApp(api);
    await waitFor(() => expect(menuLink('Queue')).toHaveAccessibleName('Queue (2 awaiting approval, 1 delayed)'));
    expect(within(menuLink('Queue')).getByTestId('queue-menu-badge')).toHaveTextContent('3');

    state.status = { ...state.status, counts: { ...ZERO, pending: 4, held: 3 } };
    api.emit({
      type: 'queue',
      change: { id: 'e1', accountId: 'DU1', action: 'approved', from: 'awaiting', to: 'pending', at: '' },
    });
    await waitFor(() => expect(menuLink('Queue')).toHaveAccessibleName('Queue'));
    expect(screen.queryByTestId('queue-menu-badge')).not.toBeInTheDocument();
  });

  it('counts on Accounts the trading accounts that drifted or missed a signal, each once', async () => {
    const state = {
      health: makeHealth(),
      status: { counts: ZERO, paused: false, oldestPendingAgeMs: null },
      accounts: [
        makeAccount({ accountId: 'DU1', drifted: true }),
        makeAccount({ accountId: 'DU2', missedSignal: MISSED }),
        makeAccount({ accountId: 'DU3', drifted: true, missedSignal: MISSED }),
        makeAccount({ accountId: 'DU4' }),
        // not trading in this mode: nothing to act on
        makeAccount({ accountId: 'U5', type: 'live', active: false, drifted: true }),
      ],
    };
    const api = windowApi(state);
    renderApp(api);
    // read once the Queue's first rows are in (§16): a round trip later than the window's first reads
    await waitFor(() => expect(menuLink('Accounts')).toHaveAccessibleName('Accounts (3 drifted or missed a signal)'), {
      timeout: 5_000,
    });
    expect(within(menuLink('Accounts')).getByTestId('accounts-menu-badge')).toHaveTextContent('3');

    state.accounts = state.accounts.map((a) => ({ ...a, drifted: false, missedSignal: null }));
    api.emit({ type: 'accounts' });
    await waitFor(() => expect(screen.queryByTestId('accounts-menu-badge')).not.toBeInTheDocument());
  });
});

describe('attention banner (§26)', () => {
  it('says across the top that IB Gateway is down, why, and what to do — and goes when it is back', async () => {
    const state = {
      health: makeHealth({ ib: { state: 'red', detail: 'not connected to 127.0.0.1:4002: connection refused' } }),
      status: { counts: ZERO, paused: false, oldestPendingAgeMs: null },
      accounts: [],
    };
    const api = windowApi(state);
    renderApp(api);
    const banner = await screen.findByRole('region', { name: 'IB Gateway is down' });
    expect(banner).toHaveTextContent(
      'not connected to 127.0.0.1:4002: connection refused. Nothing reaches IB until it is back',
    );
    expect(banner).toHaveTextContent('Start IB Gateway (or TWS) and log in');
    expect(within(banner).getByRole('link', { name: 'Settings' })).toHaveAttribute('href', '#/settings');
    expect(screen.queryByRole('region', { name: 'Processing is paused' })).not.toBeInTheDocument();

    api.emit({ type: 'health', health: makeHealth() });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'IB Gateway is down' })).not.toBeInTheDocument());
  });

  it('shows no banner for an amber gateway (its daily restart window)', async () => {
    const state = {
      health: makeHealth({ ib: { state: 'amber', detail: 'IB Gateway daily restart window until 23:55' } }),
      status: { counts: ZERO, paused: false, oldestPendingAgeMs: null },
      accounts: [],
    };
    renderApp(windowApi(state));
    await screen.findByText('IB Gateway daily restart window until 23:55');
    expect(screen.queryByRole('region', { name: 'IB Gateway is down' })).not.toBeInTheDocument();
  });

  it('says processing is paused, and resumes it from the banner', async () => {
    const state = {
      health: makeHealth(),
      status: { counts: { ...ZERO, pending: 2 }, paused: true, oldestPendingAgeMs: 1_000 },
      accounts: [],
    };
    const api = windowApi(state);
    renderApp(api);
    const banner = await screen.findByRole('region', { name: 'Processing is paused' });
    expect(banner).toHaveTextContent('Nothing is traded while paused');
    // the Queue page under it offers no second Resume (nor a Pause): the banner's button is the one
    await screen.findByRole('heading', { name: /^Pending/ });
    expect(screen.getAllByRole('button', { name: /^Resume/ })).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Pause processing' })).not.toBeInTheDocument();
    await userEvent.click(within(banner).getByRole('button', { name: 'Resume now' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Processing is paused' })).not.toBeInTheDocument());
    expect(api.callsOf('resume')).toHaveLength(1);
    expect(await screen.findByRole('button', { name: 'Pause processing' })).toBeInTheDocument();
  });
});
