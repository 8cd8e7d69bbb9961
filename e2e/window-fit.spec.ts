/**
 * §26 "fits from 1024 × 700 up": every page without horizontal page scroll, and every queue row's actions in view,
 * at the smallest supported window and a common laptop one, in light and dark. Screenshots of each page land in
 * e2e/artifacts/fit-<page>-<size>-<scheme>.png for a person to look at.
 */
import type { Page } from '@playwright/test';
import type { EventRecord } from '../src/shared/dto';
import { expect, test } from './demo-fixture';
import { Desk } from './pages/desk';

interface EventList {
  events: EventRecord[];
  total: number;
}

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;

const PAGES = ['Queue', 'Accounts', 'Trade log', 'Settings'] as const;

/** A text each page shows once its data is in. */
const READY: Record<(typeof PAGES)[number], RegExp> = {
  Queue: /^Pending/,
  Accounts: /^Rebalance all$/,
  'Trade log': /^Export log CSV$/,
  Settings: /^Save settings$/,
};

async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  );
}

test.describe.configure({ mode: 'serial' });

/** The event the layout test holds; deleted afterwards so later specs can queue print-equity on its account. */
let heldId: string | null = null;

test('the queue has rows in Pending, Held, Awaiting approval and Done to lay out', async ({ page, demo }) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.go('Accounts');
  // One signal per strategy: two accounts trade to Done, the confirm account (DU1000004) awaits approval.
  await desk.accounts.publishSignal('etf-blend-200-35');
  await desk.accounts.publishSignal('etf-blend-101-15');
  await expect
    .poll(async () => (await demo.api<EventList>('GET', '/api/queue/events?state=done')).body.total, {
      timeout: 60_000,
    })
    .toBeGreaterThanOrEqual(2);
  await desk.go('Queue');
  await desk.queue.pause();
  const held = await demo.api<EventRecord>('POST', '/api/accounts/DU1000002/commands/print-equity');
  await demo.api<EventRecord>('POST', '/api/accounts/DU1000001/commands/print-positions');
  await expect(desk.queue.rowIn('pending', held.body.id)).toBeVisible();
  await desk.queue.action(held.body.id, 'Hold');
  await expect(desk.queue.rowIn('held', held.body.id)).toBeVisible();
  heldId = held.body.id;
});

for (const size of SIZES) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`at ${size.width} × ${size.height} (${colorScheme}) no page scrolls sideways and every queue row's actions are in view`, async ({
      page,
      demo,
    }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      const desk = new Desk(page, demo);
      await desk.open();
      // The status strip's reasons stay readable: each has room for words (once they shrank to "not …"), and the
      // whole reason shows on hover. The demo has two IB logins (§28), so two IB lights.
      for (const label of ['Redis', 'IB default', 'IB Spouse', 'Zehnlabs feed', 'Processor'] as const) {
        const light = desk.light(label);
        const reason = light.locator('p');
        await expect(reason).not.toBeEmpty();
        const box = await reason.boundingBox();
        expect(box!.width, `${label}'s reason is squeezed`).toBeGreaterThanOrEqual(90);
        const detail = ((await light.getAttribute('aria-label')) ?? '').replace(/^[^:]+: \w+, /, '');
        await light.hover();
        await expect(page.getByRole('tooltip')).toHaveText(`${label}: ${detail}`);
        await page.mouse.move(0, size.height - 1);
        await expect(page.getByRole('tooltip')).toHaveCount(0);
      }
      for (const name of PAGES) {
        await desk.go(name);
        await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name })).toHaveAttribute(
          'aria-current',
          'page',
        );
        await expect(page.getByLabel('Loading page')).toHaveCount(0);
        await expect(page.getByRole('main').getByText(READY[name]).first()).toBeVisible({ timeout: 15_000 });
        const { scrollWidth, clientWidth } = await horizontalOverflow(page);
        expect(scrollWidth, `${name} is wider than the window`).toBeLessThanOrEqual(clientWidth);
        await page.screenshot({
          fullPage: true,
          path: `e2e/artifacts/fit-${name.toLowerCase().replace(' ', '-')}-${size.width}-${colorScheme}.png`,
        });
        if (name !== 'Queue') continue;
        const rows = page.locator('[data-event-id]');
        await expect(rows.first()).toBeVisible();
        for (const row of await rows.all()) {
          const buttons = row.locator(':scope button');
          for (const button of await buttons.all()) {
            await row.scrollIntoViewIfNeeded();
            const box = await button.boundingBox();
            expect(box, `a button of ${await row.getAttribute('data-event-id')} is not laid out`).not.toBeNull();
            expect(box!.x).toBeGreaterThanOrEqual(0);
            expect(box!.x + box!.width, `${await button.innerText()} is off screen`).toBeLessThanOrEqual(size.width);
          }
          // The row's list does not scroll sideways either.
          const sideways = await row.evaluate((el) => {
            const list = el.closest('[role="rowgroup"]');
            return list ? list.scrollWidth - list.clientWidth : 0;
          });
          expect(sideways).toBeLessThanOrEqual(0);
        }
      }
    });
  }
}

test('at 1024 × 700 the status strip fits one IB light per gateway (the demo has two logins, §28)', async ({
  page,
  demo,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const desk = new Desk(page, demo);
  await desk.open();
  const labels = ['Redis', 'IB default', 'IB Spouse', 'Zehnlabs feed', 'Processor'];
  for (const label of ['IB default', 'IB Spouse']) {
    await expect(page.getByTestId(`status-${label}`)).toHaveAttribute('data-state', 'green', { timeout: 20_000 });
  }
  await expect(page.getByTestId('status-IB Gateway')).toHaveCount(0);
  const boxes = [];
  for (const label of labels) {
    const light = page.getByTestId(`status-${label}`);
    await expect(light).toBeVisible();
    // Its name is whole (not cut) and its reason shows at least one line.
    const badge = light.locator('.mantine-Badge-root');
    await expect(badge).toHaveText(label);
    const cut = await badge.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(cut, `the ${label} badge is cut`).toBeLessThanOrEqual(0);
    const reason = await light.locator('p').boundingBox();
    expect(reason?.height ?? 0, `the reason of ${label} is not shown`).toBeGreaterThan(0);
    boxes.push({ label, box: (await light.boundingBox())! });
  }
  // Side by side in the window, none over another, the last one within 1024 px.
  for (const [i, { label, box }] of boxes.entries()) {
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${label} is off screen`).toBeLessThanOrEqual(1024);
    const next = boxes[i + 1];
    if (next) expect(box.x + box.width, `${label} overlaps ${next.label}`).toBeLessThanOrEqual(next.box.x);
  }
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await page.screenshot({
    path: 'e2e/artifacts/fit-status-strip-two-gateways-1024.png',
    clip: { x: 0, y: 0, width: 1024, height: 120 },
  });
});

// The demo server is shared by the specs that follow: hand it back with processing running.
test.afterAll(async ({ demo }) => {
  if (heldId) await demo.api('DELETE', `/api/queue/events/${encodeURIComponent(heldId)}`);
  await demo.api('POST', '/api/queue/resume');
});
