import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { createFakeApi } from '../test/fake-api.test-support';
import { makeHealth } from '../test/fixtures.test-support';
import { renderApp } from '../test/render.test-support';

function baseApi(health = makeHealth()) {
  return createFakeApi({
    health: () => health,
    queueStatus: () => ({
      counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
      paused: false,
      oldestPendingAgeMs: null,
    }),
    listEvents: () => ({ events: [], total: 0 }),
  });
}

describe('status strip', () => {
  it('shows each component green, amber or red with its reason', async () => {
    renderApp(
      baseApi(
        makeHealth({
          status: 'degraded',
          ib: { state: 'red', detail: 'connection refused at 127.0.0.1:4002' },
          feed: { state: 'amber', detail: 'connecting' },
        }),
      ),
    );
    await screen.findByText('connection refused at 127.0.0.1:4002');
    const ib = screen.getByTestId('status-IB Gateway');
    expect(ib).toHaveAttribute('data-state', 'red');
    expect(within(ib).getByText('connection refused at 127.0.0.1:4002')).toBeInTheDocument();
    expect(screen.getByTestId('status-Zehnlabs feed')).toHaveAttribute('data-state', 'amber');
    expect(screen.getByTestId('status-Redis')).toHaveAttribute('data-state', 'green');
    expect(screen.getByTestId('status-Processor')).toHaveAttribute('data-state', 'green');
  });

  it('shows one IB light per gateway login, each with its own state and reason (§28)', async () => {
    renderApp(
      baseApi(
        makeHealth({
          status: 'degraded',
          ib: { state: 'red', detail: 'Mine: connected; Spouse: not connected' },
          gateways: [
            { id: 'default', label: 'Mine', state: 'green', detail: 'connected to 127.0.0.1:4002 (client id 7)' },
            { id: 'spouse', label: 'Spouse', state: 'red', detail: 'not connected to 127.0.0.1:4012: refused' },
          ],
        }),
      ),
    );
    const spouse = await screen.findByTestId('status-IB Spouse');
    expect(spouse).toHaveAttribute('data-state', 'red');
    expect(within(spouse).getByText('not connected to 127.0.0.1:4012: refused')).toBeInTheDocument();
    expect(screen.getByTestId('status-IB Mine')).toHaveAttribute('data-state', 'green');
    expect(screen.queryByTestId('status-IB Gateway')).not.toBeInTheDocument();
  });

  it('shows PAPER calmly, and no SIMULATED badge outside demo mode', async () => {
    renderApp(baseApi());
    const badge = await screen.findByTestId('mode-badge');
    expect(badge).toHaveTextContent('PAPER');
    expect(badge).toHaveAttribute('data-mode', 'paper');
    expect(screen.queryByTestId('simulated-badge')).not.toBeInTheDocument();
  });

  it('shows LIVE unmistakably and SIMULATED in demo mode', async () => {
    renderApp(baseApi(makeHealth({ tradingMode: 'live', simulated: true })));
    const badge = await screen.findByTestId('mode-badge');
    expect(badge).toHaveTextContent('LIVE');
    expect(badge).toHaveAttribute('data-mode', 'live');
    expect(screen.getByTestId('simulated-badge')).toHaveTextContent('SIMULATED');
  });

  it('takes health from the stream without fetching again', async () => {
    const api = baseApi();
    renderApp(api);
    await screen.findByTestId('mode-badge');
    const fetches = api.callsOf('health').length;
    api.emit({ type: 'health', health: makeHealth({ redis: { state: 'red', detail: 'redis-server exited' } }) });
    expect(await screen.findByText('redis-server exited')).toBeInTheDocument();
    expect(screen.getByTestId('status-Redis')).toHaveAttribute('data-state', 'red');
    expect(api.callsOf('health')).toHaveLength(fetches);
  });

  it('has the four navigation links', async () => {
    renderApp(baseApi());
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    for (const name of ['Queue', 'Accounts', 'Trade log', 'Settings']) {
      expect(within(nav).getByRole('link', { name })).toBeInTheDocument();
    }
  });

  it('shows REMOTE host while attached to a remote core, and no such badge otherwise', async () => {
    renderApp(Object.assign(baseApi(), { remote: { url: 'https://desk.example:8765', host: 'desk.example:8765' } }));
    const badge = await screen.findByTestId('remote-badge');
    expect(badge).toHaveTextContent('REMOTE desk.example:8765');
    expect(badge).toHaveAttribute('data-state', 'green');
    await screen.findByTestId('mode-badge');
    expect(screen.queryByTestId('remote-problem')).not.toBeInTheDocument();
  });

  it('shows an unreachable remote in red with the reason, the window still there', async () => {
    const reason =
      'cannot reach the Rebalance Desk service at https://desk.example:8765 (Failed to fetch: the certificate of ' +
      'desk.example:8765 was refused: its certificate is not signed by the CA in remote.ca)';
    const api = Object.assign(
      createFakeApi({
        health: () => {
          throw new ApiError({ error: 'unavailable', message: reason });
        },
        queueStatus: () => {
          throw new ApiError({ error: 'unavailable', message: reason });
        },
        listEvents: () => {
          throw new ApiError({ error: 'unavailable', message: reason });
        },
      }),
      { remote: { url: 'https://desk.example:8765', host: 'desk.example:8765' } },
    );
    renderApp(api);
    const problem = await screen.findByTestId('remote-problem');
    expect(problem).toHaveTextContent(reason);
    expect(screen.getByTestId('remote-badge')).toHaveAttribute('data-state', 'red');
    expect(screen.getByTestId('status-Redis')).toHaveAttribute('data-state', 'red');
    expect(within(screen.getByTestId('status-Redis')).getByText(reason)).toBeInTheDocument();
  });
});
