/**
 * §16 first render, as the built window loads it: the page asks for the boot chunk and its stylesheet from its own
 * HTML (not after the entry module has run), and nothing but the entry, the bundler's runtime and that one chunk is
 * fetched before the boot chunk is in (the first frame's code is not split into a dozen chunks that queue behind one
 * another and ahead of the Queue page's requests on HTTP/1.1's six connections).
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
