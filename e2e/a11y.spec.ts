/**
 * §26 keyboard and accessibility: axe-core finds no serious or critical violation on Queue, Accounts, Trade log and
 * Settings; the event drawer keeps the focus inside and Escape returns it to the row; `/` focuses the search.
 */
import AxeBuilder from '@axe-core/playwright';
import type { EventRecord } from '../src/shared/dto';
import { expect, test } from './demo-fixture';
import { Desk } from './pages/desk';

test.describe.configure({ mode: 'serial' });

for (const name of ['Queue', 'Accounts', 'Trade log', 'Settings'] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${name} (${colorScheme}) has no serious or critical accessibility violation`, async ({ page, demo }) => {
      await page.emulateMedia({ colorScheme });
      const desk = new Desk(page, demo);
      await desk.open();
      if (name === 'Queue') {
        await desk.queue.pause();
        const created = await demo.api<EventRecord>('POST', '/api/accounts/DU1000001/commands/print-equity');
        await expect(desk.queue.row(created.body.id)).toBeVisible();
      } else {
        await desk.go(name);
        await expect(page.getByLabel('Loading page')).toHaveCount(0);
      }
      await expect(page.getByRole('main').getByRole('button').first()).toBeVisible({ timeout: 15_000 });
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join(', ')}`,
        );
      expect(bad).toEqual([]);
      if (name === 'Queue') {
        await desk.go('Queue');
        await desk.queue.resume();
      }
    });
  }
}

test('the event drawer keeps the focus inside, and Escape returns it to the row; / focuses the search', async ({
  page,
  demo,
}) => {
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.queue.pause();
  const created = await demo.api<EventRecord>('POST', '/api/accounts/DU1000002/commands/print-orders');
  const row = desk.queue.row(created.body.id);
  await expect(row).toBeVisible();

  await page.keyboard.press('/');
  await expect(page.getByRole('textbox', { name: 'Search events' })).toBeFocused();

  await row.focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Close event details' })).toBeVisible();
  const focusInside = () => drawer.evaluate((el) => el.contains(el.ownerDocument.activeElement));
  // The drawer takes the focus once it has opened …
  await expect.poll(focusInside).toBe(true);
  // … and Tab cycles inside it, never to the page behind.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInside()).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(row).toBeFocused();
  // The focused row is plain to see: a ring of at least 2 px in the theme's colour, not the browser's faint default.
  const ring = await row.evaluate((el) => {
    const style = el.ownerDocument.defaultView!.getComputedStyle(el);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
  });
  expect(ring.style).toBe('solid');
  expect(ring.width).toBeGreaterThanOrEqual(2);
  expect(ring.color).not.toMatch(/rgba\(\d+, \d+, \d+, 0\)/);
  await desk.screenshot('queue-row-focused');
  await desk.queue.resume();
});
