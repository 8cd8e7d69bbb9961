import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../../test/fake-api.test-support';
import { makeConfig, makeSettings } from '../../test/fixtures.test-support';
import { renderWithApi } from '../../test/render.test-support';
import { SettingsPage } from './SettingsPage';

function settingsApi(redis: Record<string, unknown> = {}) {
  const base = makeSettings();
  return createFakeApi({
    getConfig: () => makeConfig({ settings: { ...base, redis: { ...(base.redis as object), ...redis } } }),
    strategies: () => ({ strategies: [], error: null }),
    putConfig: (input) => makeConfig({ settings: input.settings }),
  });
}

async function section(): Promise<HTMLElement> {
  return screen.findByTestId('redis-section');
}

async function retype(box: HTMLElement, text: string): Promise<void> {
  await userEvent.clear(box);
  await userEvent.click(box);
  await userEvent.paste(text);
}

async function save() {
  await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
}

type RedisSent = {
  url: string | null;
  sentinel: { masterName: string; sentinels: { host: string; port: unknown }[]; password: string | null } | null;
  cluster: { host: string; port: unknown }[] | null;
  tls: { ca: string | null; rejectUnauthorized: boolean } | null;
  minReplicas: unknown;
};

// The whole Settings form re-renders under jsdom on a shared, loaded machine: allow it time, assert no timing.
describe('Settings › Redis topology (§22)', { timeout: 60_000 }, () => {
  it('sets up Sentinel: master name, sentinels as typed host / port rows, minReplicas, and saves them', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const redis = await section();
    await userEvent.click(within(redis).getByText('Sentinel'));
    await retype(within(redis).getByRole('textbox', { name: 'Master name' }), 'rd-master');
    await retype(within(redis).getByRole('textbox', { name: 'Sentinel 1 host' }), '10.0.0.5');
    await userEvent.click(within(redis).getByRole('button', { name: 'Add sentinel' }));
    await retype(within(redis).getByRole('textbox', { name: 'Sentinel 2 host' }), '10.0.0.6');
    const ports = within(redis).getAllByRole('textbox', { name: 'Port' });
    await retype(ports[1]!, '26380');
    await retype(within(redis).getByRole('textbox', { name: /Replicas that must confirm/ }), '1');
    await save();
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const sent = (api.callsOf('putConfig')[0]!.settings as { redis: RedisSent }).redis;
    expect(sent.url).toBeNull();
    expect(sent.cluster).toBeNull();
    expect(sent.sentinel).toEqual({
      masterName: 'rd-master',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: '10.0.0.6', port: 26380 },
      ],
      password: null,
    });
    expect(sent.minReplicas).toBe(1);
  });

  it('keeps a bad port as typed, shows the schema message beside it and saves nothing', async () => {
    const api = settingsApi();
    renderWithApi(<SettingsPage />, api);
    const redis = await section();
    await userEvent.click(within(redis).getByText('Cluster'));
    await retype(within(redis).getByRole('textbox', { name: 'Node 1 host' }), '10.0.0.11');
    const port = within(redis).getByRole('textbox', { name: 'Port' });
    await retype(port, '99999');
    expect(port).toHaveValue('99999');
    expect(port).toHaveAccessibleDescription(/^must be a port between 1 and 65535/);
    const replicas = within(redis).getByRole('textbox', { name: /Replicas that must confirm/ });
    await retype(replicas, '-1');
    expect(replicas).toHaveValue('-1');
    expect(replicas).toHaveAccessibleDescription(/^must be a whole number of replicas, 0 or more/);
    await save();
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
  });

  it('refuses a cluster without nodes, naming the list', async () => {
    const api = settingsApi({ cluster: [{ host: '10.0.0.11', port: 7000 }] });
    renderWithApi(<SettingsPage />, api);
    const redis = await section();
    await userEvent.click(await within(redis).findByRole('button', { name: 'Remove node 1' }));
    expect(await within(redis).findByRole('alert')).toHaveTextContent(
      'must list at least one cluster node {host, port}',
    );
    await save();
    expect(await screen.findByText('Fix the settings first')).toBeInTheDocument();
    expect(api.callsOf('putConfig')).toHaveLength(0);
  });

  it('shows rediss:// with its masked password and TLS files, and sends the mask back to keep the password', async () => {
    const api = settingsApi({
      url: 'rediss://:••••••••@redis.internal:6380/0',
      tls: { ca: '/etc/rd/ca.pem', cert: null, key: null, rejectUnauthorized: true },
    });
    renderWithApi(<SettingsPage />, api);
    const redis = await section();
    const url = await within(redis).findByRole('textbox', { name: 'Redis URL' });
    expect(url).toHaveValue('rediss://:••••••••@redis.internal:6380/0');
    expect(within(redis).getByRole('textbox', { name: 'CA certificate' })).toHaveValue('/etc/rd/ca.pem');
    await retype(within(redis).getByRole('textbox', { name: 'Client certificate' }), '/etc/rd/client.pem');
    await retype(url, 'http://redis.internal');
    expect(url).toHaveAccessibleDescription(/^must start with redis:\/\/ or rediss:\/\//);
    await retype(url, 'rediss://:••••••••@redis.internal:6380/0');
    await save();
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const sent = (api.callsOf('putConfig')[0]!.settings as { redis: RedisSent & { tls: { cert: string } } }).redis;
    expect(sent.url).toBe('rediss://:••••••••@redis.internal:6380/0');
    expect(sent.tls).toEqual({ ca: '/etc/rd/ca.pem', cert: '/etc/rd/client.pem', key: null, rejectUnauthorized: true });
  });

  it('goes back to the embedded Redis, clearing the external topology', async () => {
    const api = settingsApi({ cluster: [{ host: '10.0.0.11', port: 7000 }], minReplicas: 1 });
    renderWithApi(<SettingsPage />, api);
    const redis = await section();
    await within(redis).findByRole('textbox', { name: 'Node 1 host' });
    await userEvent.click(within(redis).getByText('Embedded'));
    expect(within(redis).queryByRole('textbox', { name: 'Node 1 host' })).not.toBeInTheDocument();
    await save();
    await waitFor(() => expect(api.callsOf('putConfig')).toHaveLength(1));
    const sent = (api.callsOf('putConfig')[0]!.settings as { redis: RedisSent }).redis;
    expect([sent.url, sent.sentinel, sent.cluster, sent.tls]).toEqual([null, null, null, null]);
    expect(sent.minReplicas).toBe(0);
  });
});
