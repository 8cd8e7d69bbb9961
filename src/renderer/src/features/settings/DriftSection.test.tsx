import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsPage } from './SettingsPage';

function settingsApi() {
  return createFakeApi({
    getConfig: () => makeConfig(),
    strategies: () => ({ strategies: [], error: null }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

describe('Settings › Drift monitor (§20)', { timeout: 60_000 }, () => {
  it('shows the defaults, refuses a negative interval beside the box, and saves fractions as typed', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const section = await screen.findByRole('region', { name: 'Drift monitor' });
    const every = within(section).getByRole('textbox', { name: 'Check every' });
    const alert = within(section).getByRole('textbox', { name: 'Alert above' });
    expect(every).toHaveValue('15');
    expect(alert).toHaveValue('5');

    await userEvent.clear(every);
    await userEvent.type(every, '-1');
    expect(every).toHaveAttribute('aria-invalid', 'true');
    expect(every).toHaveAccessibleDescription(/^must be a number of minutes from 0 \(off\) to 10080/);
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);

    await userEvent.clear(every);
    await userEvent.type(every, '0.5');
    await userEvent.clear(alert);
    await userEvent.type(alert, '2.5');
    await userEvent.click(within(section).getByRole('switch', { name: /Rebalance when drifted/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const settings = api.callsOf('putConfig')[0]!.settings as { drift: Record<string, unknown> };
    expect(settings.drift).toEqual({ checkMinutes: 0.5, alertPercent: 2.5, autoRebalance: true });
  });
});
