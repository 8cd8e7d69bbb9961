/**
 * §16 first render, as the built window loads it: the page asks for the boot chunk and its stylesheet from its own
 * HTML (not after the entry module has run), and nothing but the entry, the bundler's runtime and that one chunk is
 * fetched before the boot chunk is in (the first frame's code is not split into a dozen chunks that queue behind one
 * another and ahead of the Queue page's requests on HTTP/1.1's six connections). The Queue's first rows are drawn by the
 * entry module (first-frame.ts) before that chunk has even run.
 */
import { expect, test } from './demo-fixture';
import { Desk } from './pages/desk';

interface Loaded {
  name: string;
  startTime: number;
  responseEnd: number;
}

test('the boot chunk and its stylesheet are asked for by the page itself, and the first frame needs no other chunk', async ({
  page,
  demo,
}) => {
  await new Desk(page, demo).open();
  // The heading is on screen with the first frame, drawn by the entry before the boot chunk has finished downloading
  // (on a loaded machine it can still be on its way): its timing entry appears once it is in.
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => /\/assets\/boot-[^/]+\.js$/.test(new URL(e.name).pathname)),
  );
  const loaded = (await page.evaluate(
    `performance.getEntriesByType('resource').map((e) => ({
      name: new URL(e.name).pathname, startTime: e.startTime, responseEnd: e.responseEnd,
    }))`,
  )) as Loaded[];
  const boot = loaded.find((r) => /\/assets\/boot-[^/]+\.js$/.test(r.name));
  const bootCss = loaded.find((r) => /\/assets\/boot-[^/]+\.css$/.test(r.name));
  expect(boot, `no boot chunk among ${loaded.map((r) => r.name).join(', ')}`).toBeDefined();
  expect(bootCss, 'no boot stylesheet').toBeDefined();
  // asked for by the HTML beside the entry, before the entry module was even in (its dynamic import comes later)
  const entry = loaded.find((r) => /\/assets\/index-[^/]+\.js$/.test(r.name));
  expect(entry, 'no entry module').toBeDefined();
  expect(boot!.startTime).toBeLessThan(entry!.responseEnd);
  expect(bootCss!.startTime).toBeLessThan(entry!.responseEnd);
  const scriptsBeforeBoot = loaded
    .filter((r) => r.name.endsWith('.js') && r.startTime < boot!.responseEnd)
    .map((r) => r.name.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, ''));
  expect(scriptsBeforeBoot.sort()).toEqual(['boot', 'index', 'rolldown-runtime']);
});

test("the Queue's first rows are on screen before the window's code has run, and React takes over from them", async ({
  page,
  demo,
}) => {
  // paused, so the event stays in Pending while the window opens
  expect((await demo.api('POST', '/api/queue/pause', {})).status).toBe(200);
  const queued = await demo.api<{ id: string }>('POST', '/api/queue/events', {
    accountId: 'DU1000002',
    command: 'rebalance',
  });
  expect(queued.status).toBe(201);
  const id = queued.body.id;
  try {
    // the boot chunk (React, Mantine, the pages) is held back: what shows meanwhile is the entry's first frame
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/assets\/boot-[^/]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(demo.appUrl);
    const frame = page.locator('[data-first-frame]');
    const drawn = frame.locator(`section[data-section="pending"] [data-event-id="${id}"]`);
    await expect(drawn).toBeVisible();
    await expect(drawn).toContainText('DU1000002');
    await expect(drawn).toContainText('rebalance');
    await expect(frame.locator('.ff-banner', { hasText: 'Processing is paused' })).toBeVisible();
    // a picture, not the window: nothing in it is offered to a screen reader or to the keyboard
    await expect(frame).toHaveAttribute('aria-busy', 'true');
    await expect(page.getByRole('row')).toHaveCount(0);
    await expect(page.getByRole('button')).toHaveCount(0);

    release();
    await expect(frame).toHaveCount(0);
    const row = page.locator(`section[data-section="pending"] [role="row"][data-event-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByRole('button', { name: 'Hold' })).toBeEnabled();
  } finally {
    await demo.api('DELETE', `/api/queue/events/${encodeURIComponent(id)}`);
    expect((await demo.api('POST', '/api/queue/resume', {})).status).toBe(200);
  }
});
