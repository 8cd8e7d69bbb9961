/**
 * §26 first run and bulk delete: a fresh install opens on Get started with nothing ticked; in the demo the checklist is
 * one click away in the menu and ticks itself as Check setup passes and a first preview finishes; bulk delete lists
 * every event it deletes. Screenshots of Get started at 1024 × 700 and 1440 × 900, light and dark.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord } from '../src/shared/dto';
import type { Page } from '@playwright/test';
import { expect, startDemoServer, startServeServer, stopDemoServer, test, type DemoServer } from './demo-fixture';
import { Desk } from './pages/desk';

test.describe.configure({ mode: 'serial' });

test('a fresh install opens on Get started, nothing ticked, each step saying what to do', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'rebalance-desk-first-run-'));
  const config = join(dir, 'settings.json');
  // Nothing but a data folder of its own; IB Gateway is not running on 127.0.0.1:1 (nothing listens there), and no
  // daily restart window, so the gateway is down whatever the time of day.
  await writeFile(config, JSON.stringify({ dataDir: join(dir, 'data'), ib: { port: 1, restartWindow: null } }));
  const serve = await startServeServer(config);
  try {
    await page.setViewportSize({ width: 1024, height: 700 });
    const desk = new Desk(page, serve);
    await desk.open();
    await expect(desk.getStarted.heading()).toBeVisible({ timeout: 15_000 });
    await expect(page).toHaveURL(/#\/get-started$/);
    await expect(desk.menuLink('Get started')).toHaveAttribute('aria-current', 'page');
    await expect(desk.menuLink('Get started')).toHaveAccessibleName('Get started 5 steps left');
    for (const id of ['gateway', 'keys', 'accounts', 'check', 'preview'] as const) {
      await expect(desk.getStarted.step(id)).toHaveAttribute('data-done', 'false');
    }
    await expect(desk.getStarted.step('keys')).toContainText('enter them in Settings › Zehnlabs');
    await expect(desk.getStarted.step('accounts')).toContainText('no account yet');
    await expect(desk.getStarted.step('gateway')).toContainText('127.0.0.1:1');
    await expect(desk.getStarted.step('gateway').getByRole('link', { name: 'Open Settings' })).toBeVisible();
    // the gateway is down: the banner says so on every page, Get started included
    await expect(desk.banner('IB Gateway is down')).toBeVisible({ timeout: 15_000 });
    await desk.screenshot('get-started-fresh-1024');

    // A page named in the address is kept: the trader chose it.
    await page.goto(`${serve.url}#/accounts`);
    await expect(page.getByText('No accounts yet')).toBeVisible({ timeout: 15_000 });
  } finally {
    await page.goto('about:blank'); // the window's stream would break off when the server stops
    await stopDemoServer(serve);
    await rm(dir, { recursive: true, force: true });
  }
});

test('the demo opens on Queue; Get started in the menu ticks itself as Check setup passes and a preview finishes', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // A demo of its own: the shared one has had previews (and maybe Check setup) from the specs before.
  const demo = await startDemoServer();
  try {
    await demoChecklist(page, demo);
  } finally {
    await page.goto('about:blank'); // the window's stream would break off when the server stops
    await stopDemoServer(demo);
  }
});

async function demoChecklist(page: Page, demo: DemoServer): Promise<void> {
  const desk = new Desk(page, demo);
  await desk.open();
  await expect(
    page
      .getByRole('main')
      .getByText(/^Pending/)
      .first(),
  ).toBeVisible();
  await expect(page).toHaveURL(/#\/queue$/);

  await desk.go('Get started');
  await expect(desk.getStarted.heading()).toBeVisible({ timeout: 15_000 });
  for (const id of ['gateway', 'keys', 'accounts'] as const) {
    await expect(desk.getStarted.step(id)).toHaveAttribute('data-done', 'true', { timeout: 15_000 });
  }
  await expect(desk.getStarted.step('check')).toHaveAttribute('data-done', 'false');
  await expect(desk.getStarted.step('preview')).toHaveAttribute('data-done', 'false');

  await desk.getStarted.checkSetup();
  await expect(desk.getStarted.step('check')).toHaveAttribute('data-done', 'true');
  await expect(desk.getStarted.step('check')).toContainText(/every check passed|no check failed/);

  await desk.go('Accounts');
  await desk.accounts.command('DU1000001', 'Preview');
  const preview = page.getByRole('dialog', { name: /^Preview/ });
  await expect(preview.getByRole('table').first()).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await expect(preview).toBeHidden();
  await desk.go('Get started');
  await expect(desk.getStarted.step('preview')).toHaveAttribute('data-done', 'true', { timeout: 30_000 });
  await expect(desk.getStarted.step('preview')).toContainText('previewed Demo Taxable (DU1000001)');
  await expect(page.getByText('Setup is complete')).toBeVisible();

  for (const size of [
    { width: 1024, height: 700 },
    { width: 1440, height: 900 },
  ]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, 'Get started is wider than the window').toBeLessThanOrEqual(0);
      await desk.screenshot(`get-started-${size.width}-${colorScheme}`);
    }
  }
  // Complete: from now on the window opens on Queue, without Get started in the menu.
  await page.goto('about:blank');
  await desk.open();
  await expect(
    page
      .getByRole('main')
      .getByText(/^Pending/)
      .first(),
  ).toBeVisible();
  await expect(page).toHaveURL(/#\/queue$/);
  await expect(desk.menuLink('Queue')).toBeVisible();
  await expect(desk.menuLink('Get started')).toHaveCount(0);
}

test('bulk delete lists each event it will delete — id, account, command — before anything is deleted', async ({
  page,
  demo,
}) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.queue.pause();
  await expect(desk.banner('Processing is paused')).toBeVisible();
  const made: EventRecord[] = [];
  for (const [accountId, command] of [
    ['DU1000001', 'print-positions'],
    ['DU1000002', 'print-orders'],
    ['DU1000003', 'print-equity'],
  ] as const) {
    const created = await demo.api<EventRecord>('POST', `/api/accounts/${accountId}/commands/${command}`);
    expect(created.status).toBe(201);
    made.push(created.body);
  }
  for (const event of made) {
    await expect(desk.queue.rowIn('pending', event.id)).toBeVisible();
    await desk.queue.select(event.id);
  }
  const dialog = await desk.queue.bulk('Delete', 3);
  await expect(dialog.getByRole('heading', { name: 'Delete 3 events?' })).toBeVisible();
  const list = dialog.getByRole('table', { name: 'Events to delete' });
  for (const event of made) {
    const row = list.locator(`[data-delete-id="${event.id}"]`);
    await expect(row).toContainText(event.id);
    await expect(row).toContainText(event.accountId);
    await expect(row).toContainText(event.command);
  }
  await expect(list.getByText('Demo Taxable (DU1000001)')).toBeVisible();
  await desk.screenshot('bulk-delete-list');
  // Nothing is deleted until the trader confirms.
  for (const event of made) expect((await demo.api('GET', `/api/queue/events/${event.id}`)).status).toBe(200);

  await dialog.getByRole('button', { name: 'Delete 3 events' }).click();
  for (const event of made) await expect(desk.queue.row(event.id)).toHaveCount(0);
  for (const event of made) expect((await demo.api('GET', `/api/queue/events/${event.id}`)).status).toBe(404);

  await desk.banner('Processing is paused').getByRole('button', { name: 'Resume now' }).click();
  await expect(desk.banner('Processing is paused')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Pause processing' })).toBeVisible();
});
