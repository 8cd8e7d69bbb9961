import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SetupCheck, SetupCheckReport } from '../../../../shared/contract';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsPage } from './SettingsPage';

const AT = '2026-12-04T18:00:00.000Z';
const readOnly: SetupCheck = {
  id: 'ib-read-only',
  status: 'fail',
  title: 'API accepts orders (not Read-Only)',
  detail: 'IB refused a what-if BUY of 1 SPY for DU1000001: … Read-Only mode',
  fix: 'In IB Gateway (or TWS) open Configure › Settings › API › Settings and untick "Read-Only API"',
};
const redis: SetupCheck = {
  id: 'redis',
  status: 'ok',
  title: 'Redis reachable, version, persistence',
  detail: 'the embedded Redis, Redis 7.0.15, append-only file on',
  fix: '',
};

describe('Settings › Check setup (§29)', { timeout: 60_000 }, () => {
  it('fills the table as results are pushed, each failure with its fix, then sums up', async () => {
    let finish: (report: SetupCheckReport) => void = () => undefined;
    const api = createFakeApi({
      getConfig: () => makeConfig(),
      strategies: () => ({ strategies: [], error: null }),
      checkSetup: () => new Promise<SetupCheckReport>((resolve) => (finish = resolve)),
    });
    renderWithApi(<SettingsPage />, api);
    const panel = await screen.findByRole('region', { name: 'Check setup' });
    await userEvent.click(within(panel).getByRole('button', { name: 'Check setup' }));
    expect(api.callsOf('checkSetup')).toHaveLength(1);

    api.emit({ type: 'setup-check', at: AT, check: readOnly });
    const table = await within(panel).findByRole('table', { name: 'Check setup results' });
    expect(within(table).getByText('Failed')).toBeInTheDocument();
    expect(within(table).getByText(/untick "Read-Only API"/)).toBeInTheDocument();
    // A push of another run (another window's) is not mixed in.
    api.emit({ type: 'setup-check', at: '2026-12-04T17:00:00.000Z', check: redis });
    expect(within(table).queryByText(redis.detail)).toBeNull();

    api.emit({ type: 'setup-check', at: AT, check: redis });
    expect(await within(table).findByText(redis.detail)).toBeInTheDocument();
    // Redis comes first in the table, as in the CLI.
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-check-id'))).toEqual(['redis', 'ib-read-only']);

    finish({ at: AT, checks: [redis, readOnly] });
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      '1 check(s) failed: follow each fix, then check again.',
    );
  });
});

describe('Settings › This computer (§29)', { timeout: 60_000 }, () => {
  it('saves launch at login and the missed-schedule grace', async () => {
    const api = createFakeApi({
      getConfig: () => makeConfig(),
      strategies: () => ({ strategies: [], error: null }),
      putConfig: (input) => makeConfig({ settings: input.settings }),
    });
    renderWithApi(<SettingsPage />, api);
    const section = await screen.findByRole('region', { name: 'This computer' });
    const grace = within(section).getByRole('textbox', { name: 'Missed schedule grace' });
    expect(grace).toHaveValue('30');
    await userEvent.clear(grace);
    await userEvent.type(grace, '45');
    await userEvent.click(within(section).getByRole('switch', { name: /Launch at login/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await vi.waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as Record<string, unknown>;
    expect(settings.desktop).toEqual({ launchAtLogin: true });
    expect(settings.scheduleGraceMinutes).toBe(45);
  });
});
