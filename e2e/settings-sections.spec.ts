/**
 * §26 Settings: the section menu reaches every section at the smallest window (1024 × 700), below the bar that stays
 * on top; and unsaved edits are never lost without a question — moving to another page asks (Stay keeps them,
 * Discard changes drops them), and so does closing or reloading the page.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from './demo-fixture';
import { Desk, SETTINGS_MENU } from './pages/desk';

const MENU_TO_SECTION: Record<(typeof SETTINGS_MENU)[number], string> = {
  'Trading mode': 'Trading mode',
  Accounts: 'Accounts',
  'Replacement sets': 'Replacement sets',
  'Approval and schedules': 'Approval and schedules',
  'Orders and limits': 'Orders and limits',
  Drift: 'Drift monitor',
  'Cash flows': 'Cash flows',
  Notifications: 'Notifications and logging',
  'IB Gateway': 'IB Gateway / TWS',
  Zehnlabs: 'Zehnlabs',
  'Storage and Redis': 'Storage and Redis',
  Queue: 'Queue',
  'Management API': 'Management API',
  'This computer': 'This computer',
  'Check setup': 'Check setup',
};

for (const colorScheme of ['light', 'dark'] as const) {
  test(`at 1024 × 700 (${colorScheme}) the section menu jumps to each section, in the trader's order`, async ({
    page,
    demo,
  }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.emulateMedia({ colorScheme });
    const desk = new Desk(page, demo);
    await desk.open();
    await desk.go('Settings');
    const settings = desk.settings;
    await settings.loaded();
    await expect(settings.menu().getByRole('link')).toHaveText([...SETTINGS_MENU]);

    // The sections on the page in the menu's order.
    const titles = await page
      .getByRole('main')
      .locator('section[aria-label]')
      .evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
    expect(titles).toEqual(SETTINGS_MENU.map((label) => MENU_TO_SECTION[label]));
    await page.screenshot({ path: `e2e/artifacts/settings-1024-${colorScheme}.png` });

    // Settings › Accounts: each account's Strategy box and its Approval select have room and lie inside the window
    // (once the Strategy column was 0 px wide and Approval cut off at this size).
    const inWindow = async (box: Locator, what: string, minWidth: number) => {
      await box.scrollIntoViewIfNeeded();
      const b = await box.boundingBox();
      expect(b, what).not.toBeNull();
      expect(b!.width, `${what} is too narrow`).toBeGreaterThanOrEqual(minWidth);
      expect(b!.x, what).toBeGreaterThanOrEqual(0);
      expect(b!.x + b!.width, `${what} is cut off on the right`).toBeLessThanOrEqual(1024);
      // What the box shows fits in it (no text cut by the box).
      expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth), what).toBeLessThanOrEqual(0);
    };
    const rows = page.locator('[data-account-row]');
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) {
      const n = await row.getAttribute('data-account-row');
      await inWindow(row.getByLabel('Strategy', { exact: true }), `account ${n}: Strategy`, 200);
    }
    const approvals = page.locator('[data-approval-row]').getByRole('combobox', { name: /^Approval of / });
    expect(await approvals.count()).toBe(await rows.count());
    for (const select of await approvals.all()) {
      await inWindow(select, (await select.getAttribute('aria-label')) ?? 'Approval', 180);
    }

    for (const label of SETTINGS_MENU) {
      await settings.jumpTo(label);
      const section = page.getByRole('region', { name: MENU_TO_SECTION[label], exact: true });
      const heading = section.getByRole('heading', { level: 2 }).first();
      await expect(heading).toBeFocused();
      // In view, not under the bar (the last sections may not reach the top: the page ends).
      const bar = await settings.bar().boundingBox();
      const box = await heading.boundingBox();
      expect(box, label).not.toBeNull();
      expect(box!.y, `${label}: heading under the bar`).toBeGreaterThanOrEqual(bar!.y + bar!.height - 1);
      expect(box!.y + box!.height, `${label}: heading below the window`).toBeLessThanOrEqual(700);
      // The bar with Save stays in view wherever the page is.
      await expect(page.getByRole('button', { name: 'Save settings' })).toBeInViewport();
      if (label === 'Approval and schedules')
        await page.screenshot({ path: `e2e/artifacts/settings-1024-${colorScheme}-approval.png` });
    }
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
}

test('leaving Settings with unsaved edits asks: Stay keeps them, Discard changes drops them; closing asks too', async ({
  page,
  demo,
}) => {
  const puts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && new URL(request.url()).pathname === '/api/config') puts.push(request.url());
  });
  await page.setViewportSize({ width: 1024, height: 700 });
  const desk = new Desk(page, demo);
  await desk.open();
  await desk.go('Settings');
  const settings = desk.settings;
  await settings.loaded();
  const retry = settings.field('Queue', 'Retry delay');
  const before = await retry.inputValue();
  await settings.type(retry, '7000');
  await expect(settings.bar().getByText('Unsaved changes')).toBeVisible();

  // Back (browser history, here to the Queue the window opened on) asks; Stay keeps the page and what was typed.
  await page.goBack();
  const question = settings.discardQuestion();
  await expect(question).toBeVisible();
  await question.getByRole('button', { name: 'Stay on Settings' }).click();
  await expect(retry).toHaveValue('7000');

  // The side menu asks as well.
  await desk.go('Queue');
  await expect(question).toBeVisible();
  await expect(question).toContainText('Go to Queue and discard them');
  await question.getByRole('button', { name: 'Stay on Settings' }).click();
  await expect(question).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(retry).toHaveValue('7000');

  // Closing the page (or reloading it) asks through beforeunload; dismissed, the page and the edit stay.
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.type());
      void dialog.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  await expect(retry).toHaveValue('7000');

  // Discard changes: the other page opens, and Settings shows the saved value again.
  await desk.go('Accounts');
  await expect(question).toBeVisible();
  await question.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Accounts' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await desk.go('Settings');
  await settings.loaded();
  await expect(retry).toHaveValue(before);
  expect(puts).toEqual([]);

  // Nothing edited: no question.
  await desk.go('Queue');
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Queue' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(question).toBeHidden();
});
