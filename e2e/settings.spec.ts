import { expect, test } from './demo-fixture';
import { Desk } from './pages/desk';

interface ConfigBody {
  settings: {
    ib: { port: number };
    accounts: { accountId: string; cashReservePercent: number }[];
    queue: { retryDelayMs: number };
    zehnlabs: { realtime: Record<string, unknown> };
  };
}

test('Settings keeps out-of-range values as typed, says why beside each, and saves nothing', async ({ page, demo }) => {
  const before = (await demo.api<ConfigBody>('GET', '/api/config')).body.settings;
  const puts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && new URL(request.url()).pathname === '/api/config') puts.push(request.url());
  });

  const desk = new Desk(page, demo);
  await desk.open();
  await desk.go('Settings');
  const settings = desk.settings;
  const cases = [
    [settings.field('IB Gateway / TWS', 'Port'), '99999999', 'must be a port between 1 and 65535'],
    [settings.accountField(0, 'Cash reserve %'), '150', 'must be a percentage from 0 to 100'],
    [settings.field('Queue', 'Retry delay'), '-5', 'must be a whole number of milliseconds, at least 1'],
  ] as const;
  for (const [box, typed] of cases) await settings.type(box, typed);
  await settings.save();
  await expect(page.getByText('Fix the settings first')).toBeVisible();

  for (const [box, typed, message] of cases) {
    await expect(box).toHaveValue(typed);
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(await settings.messageBeside(box)).toContain(message);
  }
  await expect(page.getByRole('alert').filter({ hasText: 'field(s) need fixing' })).toContainText(
    'must be a port between 1 and 65535',
  );
  await desk.screenshot('settings-out-of-range');

  const after = (await demo.api<ConfigBody>('GET', '/api/config')).body.settings;
  expect(after.ib.port).toBe(before.ib.port);
  expect(after.accounts[0]!.cashReservePercent).toBe(before.accounts[0]!.cashReservePercent);
  expect(after.queue.retryDelayMs).toBe(before.queue.retryDelayMs);
  expect(puts).toEqual([]);
});

test('the UI is served with its CSP as a header, and /api/config never shows realtime credentials', async ({
  page,
  demo,
}) => {
  const response = await page.goto(demo.appUrl);
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { name: 'Rebalance Desk' })).toBeVisible();

  const config = await demo.api<ConfigBody>('GET', '/api/config');
  expect(JSON.stringify(config.body)).not.toContain('demo-secret');
  expect(config.body.settings.zehnlabs.realtime.key).toBe('••••••••');
});
