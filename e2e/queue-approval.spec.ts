/**
 * §19 approval before trading in the window: the demo's DU1000004 is on `confirm`. (This file runs after
 * flow.spec.ts on the same demo, so its signal on the second strategy does not move DU1000003 before that file's
 * preview test.)
 */
import type { EventRecord } from '../src/shared/dto';
import { expect, test } from './demo-fixture';
import { Desk } from './pages/desk';

interface EventList {
  events: EventRecord[];
  total: number;
}

test('a signal on a confirm account waits in Awaiting approval with its plan, Approve trades it to Done, and its report shows', async ({
  page,
  demo,
}) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await expect(desk.light('IB default')).toHaveAttribute('aria-label', /IB default: green/);
  await expect(desk.light('IB Spouse')).toHaveAttribute('aria-label', /IB Spouse: green/);
  await desk.go('Accounts');
  await desk.accounts.publishSignal('etf-blend-101-15');
  await desk.go('Queue');

  const waiting = await expect
    .poll(async () => (await demo.api<EventList>('GET', '/api/queue/events?state=awaiting')).body.events, {
      timeout: 30_000,
    })
    .toHaveLength(1)
    .then(async () => (await demo.api<EventList>('GET', '/api/queue/events?state=awaiting')).body.events[0]!);
  expect(waiting.accountId).toBe('DU1000004');

  const row = desk.queue.rowIn('awaiting', waiting.id);
  await expect(row).toBeVisible();
  await expect(row.getByText('waits for your approval')).toBeVisible();
  const plan = row.getByRole('table', { name: 'Plan of DU1000004' });
  for (const header of ['Symbol', 'Current %', 'Target %', 'Order', 'Est. value']) {
    await expect(plan.getByRole('columnheader', { name: header })).toBeVisible();
  }
  await expect(plan.getByText(/^BUY \d+/).first()).toBeVisible();
  await expect(page.getByTestId('awaiting-badge')).toHaveText('1 awaiting approval');
  // nothing was sent while it waits
  expect((await demo.api<{ trades: unknown[] }>('GET', '/api/trades?accountId=DU1000004')).body.trades).toHaveLength(0);
  await desk.screenshot('queue-awaiting-approval');

  await desk.queue.action(waiting.id, 'Approve');
  await expect(desk.queue.rowIn('done', waiting.id)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('awaiting-badge')).toHaveCount(0);
  const done = (await demo.api<{ event: EventRecord }>('GET', `/api/queue/events/${encodeURIComponent(waiting.id)}`))
    .body.event;
  expect(done.approval).toMatchObject({ approvedBy: 'operator' });
  expect((done.result as { orders: unknown[] }).orders.length).toBeGreaterThan(0);
  await desk.screenshot('queue-approved-done');

  // its report in the event drawer …
  await desk.queue.rowIn('done', waiting.id).getByText('Demo Approval').click();
  const drawer = page.getByRole('dialog');
  const report = drawer.getByRole('table', { name: 'Report', exact: true });
  await expect(report).toBeVisible({ timeout: 15_000 });
  await expect(report.getByRole('columnheader', { name: 'Avg fill' })).toBeVisible();
  await desk.screenshot('drawer-report');
  await page.keyboard.press('Escape');

  // … and in Trade log › Reports
  await desk.go('Trade log');
  const reports = page.getByRole('table', { name: 'Rebalance reports' });
  await expect(reports.locator(`[data-event-id="${waiting.id}"]`)).toBeVisible({ timeout: 15_000 });
  await desk.screenshot('trade-log-reports');
});
