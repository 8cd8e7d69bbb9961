import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SetupProgress, SetupStep } from '../../../../shared/contract';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeHealth } from '../../test/fixtures.test-support';
import { renderApp, renderWithApi } from '../../test/render.test-support';
import { GetStartedPage } from './GetStartedPage';

function progressOf(
  done: Partial<Record<SetupStep['id'], boolean>>,
  extra: Partial<SetupProgress> = {},
): SetupProgress {
  const steps: SetupStep[] = (['gateway', 'keys', 'accounts', 'check', 'preview'] as const).map((id) => ({
    id,
    done: done[id] ?? false,
    detail: done[id] ? `${id} is fine` : `${id}: here is what to do`,
    at: null,
  }));
  const complete = steps.every((s) => s.done);
  return { steps, complete, completedAt: null, opensOnGetStarted: !complete, ...extra };
}

function windowApi(state: { progress: SetupProgress }) {
  return createFakeApi({
    health: () => makeHealth(),
    queueStatus: () => ({
      counts: { pending: 0, awaiting: 0, active: 0, delayed: 0, held: 0, done: 0 },
      paused: false,
      oldestPendingAgeMs: null,
    }),
    listEvents: () => ({ events: [], total: 0 }),
    accounts: () => ({
      accounts: [],
      totals: { netLiquidation: 0, cash: 0, dayPnl: 0, currency: 'USD', accounts: 0, of: 0 },
    }),
    setupProgress: () => state.progress,
  });
}

const step = (id: string) => document.querySelector(`[data-step="${id}"]`) as HTMLElement;

afterEach(() => {
  window.location.hash = '';
});

describe('Get started (§26)', { timeout: 60_000 }, () => {
  it('ticks a step as soon as the core says it is done, without the trader doing anything on the page', async () => {
    const state = { progress: progressOf({ gateway: true, keys: true }) };
    const api = windowApi(state);
    renderWithApi(<GetStartedPage />, api);
    expect(await screen.findByText('2 of 5 done.', { exact: false })).toBeInTheDocument();
    expect(step('gateway')).toHaveAttribute('data-done', 'true');
    expect(step('accounts')).toHaveAttribute('data-done', 'false');
    expect(step('accounts')).toHaveAccessibleName('3. Accounts added: not done yet');
    expect(within(step('accounts')).getByText('accounts: here is what to do')).toBeInTheDocument();
    expect(within(step('accounts')).getByRole('link', { name: 'Open Settings' })).toHaveAttribute('href', '#/settings');
    expect(within(step('preview')).getByRole('link', { name: 'Open Accounts' })).toHaveAttribute('href', '#/accounts');
    expect(screen.getByRole('button', { name: 'Check setup' })).toBeInTheDocument();

    state.progress = progressOf({ gateway: true, keys: true, accounts: true, check: true });
    api.emit({ type: 'setup' });
    await waitFor(() => expect(step('check')).toHaveAttribute('data-done', 'true'));
    expect(step('accounts')).toHaveAccessibleName('3. Accounts added: done');
    expect(within(step('accounts')).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByText('4 of 5 done.', { exact: false })).toBeInTheDocument();
    expect(screen.queryByText('Setup is complete')).not.toBeInTheDocument();

    // the gateway going down unticks its step: the checklist follows the IB light
    state.progress = progressOf({ keys: true, accounts: true, check: true, preview: true });
    api.emit({ type: 'health', health: makeHealth({ ib: { state: 'red', detail: 'connection refused' } }) });
    await waitFor(() => expect(step('gateway')).toHaveAttribute('data-done', 'false'));
    expect(step('preview')).toHaveAttribute('data-done', 'true');
  });

  it('says so when setup is complete, with the way to Queue', async () => {
    const state = {
      progress: progressOf(
        { gateway: true, keys: true, accounts: true, check: true, preview: true },
        { completedAt: '2026-03-02T14:05:00.000Z' },
      ),
    };
    renderWithApi(<GetStartedPage />, windowApi(state));
    expect(await screen.findByText('Setup is complete')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to Queue' })).toHaveAttribute('href', '#/queue');
  });

  it('opens the window on Get started while setup is incomplete, leading the menu with the steps left', async () => {
    const state = { progress: progressOf({ gateway: true }) };
    renderApp(windowApi(state), { choosesPage: true });
    // the page is loaded on demand, with its stylesheets
    expect(await screen.findByRole('heading', { name: 'Get started' }, { timeout: 20_000 })).toBeInTheDocument();
    await waitFor(() => expect(window.location.hash).toBe('#/get-started'));
    const menu = screen.getByRole('navigation', { name: 'Pages' });
    const links = within(menu).getAllByRole('link');
    expect(links[0]).toHaveAccessibleName(/^Get started\s*4 steps left$/);
    expect(links[0]).toHaveAttribute('aria-current', 'page');
  });

  it('opens on Queue once setup is complete, with no Get started in the menu', async () => {
    const state = {
      progress: progressOf(
        { gateway: false },
        { complete: true, completedAt: '2026-03-02T14:05:00.000Z', opensOnGetStarted: false },
      ),
    };
    const api = windowApi(state);
    renderApp(api, { choosesPage: true });
    expect(await screen.findByRole('heading', { name: /Pending/ })).toBeInTheDocument();
    await waitFor(() => expect(api.callsOf('setupProgress').length).toBeGreaterThan(0));
    expect(screen.queryByRole('heading', { name: 'Get started' })).not.toBeInTheDocument();
    expect(
      within(screen.getByRole('navigation', { name: 'Pages' })).queryByRole('link', { name: /Get started/ }),
    ).toBeNull();
    expect(window.location.hash).toBe('');
  });

  it('keeps the page the address names, setup incomplete or not', async () => {
    window.location.hash = '#/queue';
    const state = { progress: progressOf({}) };
    renderApp(windowApi(state), { choosesPage: false });
    expect(await screen.findByRole('heading', { name: /Pending/ })).toBeInTheDocument();
    // the way to the checklist is in the menu
    expect(await screen.findByRole('link', { name: /^Get started\s*5 steps left$/ })).toHaveAttribute(
      'href',
      '#/get-started',
    );
    expect(window.location.hash).toBe('#/queue');
  });
});
