/**
 * §16: the Queue page with 10 000 events — first render and a state change reaching the page — in Debian's Chromium,
 * and the core's memory (RSS) with those 10 000 events queued and the page open.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { EventQueue } from '../src/core/queue/event-queue';
import { SetupRecordStore } from '../src/core/records/setup-record';
import { startRedis } from '../src/core/redis/redis-server';
import { startServe } from './serve-process';
import type { BenchResult } from './types';

const EVENTS = 10_000;
/** Cold first renders measured (median counts). */
const RENDERS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function run(): Promise<BenchResult[]> {
  const redisDir = await mkdtemp(join(tmpdir(), 'rd-bench-redis-'));
  const redis = await startRedis({ dataDir: redisDir });
  const conn = redis.connect('bench');
  const queue = new EventQueue({
    redis: conn,
    retryDelayMs: 60_000,
    leaseMs: 30_000,
    historyLimit: 100_000,
    retainDoneDays: 1,
  });
  await queue.start();
  await queue.pause();
  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, EVENTS - i) }, (_, j) =>
        queue.enqueue({
          accountId: `DU${String(2_000_000 + i + j)}`,
          command: 'rebalance',
          strategy: 'etf-blend-200-35',
          source: 'zehnlabs',
          eventId: `bench-${i + j}`,
        }),
      ),
    );
    for (const r of batch) if (r.status === 'queued') ids.push(r.event.id);
  }

  // A desk that is set up (§26): the window opens on Queue, not on Get started, as it does for a trader every day.
  await new SetupRecordStore(conn).noteComplete(new Date().toISOString());
  const serve = await startServe({ redis: { url: redis.url, binary: null, keyPrefix: '' } });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const appUrl = `${serve.url}#token=${serve.token}`;
    const renders: number[] = [];
    const working: number[] = [];
    let page!: import('@playwright/test').Page;
    // Each render in a fresh browser context: nothing cached, as when the window is first opened.
    for (let i = 0; i < RENDERS; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await context.newPage();
      // The page's own clock: from navigation start until React has put the first pending row into the DOM.
      // The first row may be the entry's first frame (first-frame.ts, a picture); React's working row has role="row".
      await page.addInitScript({
        content: `for (const [key, selector] of [
          ['__firstRowMs', 'section[data-section="pending"] [data-event-id]'],
          ['__workingRowMs', 'section[data-section="pending"] [role="row"][data-event-id]'],
        ]) {
          new MutationObserver((records, observer) => {
            if (window[key] !== undefined || !document.querySelector(selector)) return;
            observer.disconnect();
            window[key] = performance.now();
          }).observe(document, { childList: true, subtree: true });
        }`,
      });
      await page.goto(appUrl);
      await page.locator('section[data-section="pending"] [role="row"][data-event-id]').first().waitFor();
      const firstRowMs = (await page.evaluate('window.__firstRowMs')) as number | undefined;
      const workingRowMs = (await page.evaluate('window.__workingRowMs')) as number | undefined;
      if (firstRowMs === undefined || workingRowMs === undefined) {
        throw new Error('the first pending row was not seen by the page');
      }
      renders.push(firstRowMs);
      working.push(workingRowMs);
      if (i < RENDERS - 1) await context.close();
    }

    const updates: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = ids[i]!;
      const t0 = performance.now();
      await queue.hold(id, 'pending');
      await page.locator(`section[data-section="held"] [data-event-id="${id}"]`).waitFor({ state: 'visible' });
      updates.push(performance.now() - t0);
    }
    const rss = await serve.rssMb();
    return [
      {
        key: 'ui.first_render_ms',
        value: median(renders),
        unit: 'ms',
        label: `Queue page first render, ${EVENTS} events`,
        target: '≤ 500',
      },
      {
        key: 'ui.working_ms',
        value: median(working),
        unit: 'ms',
        label: `Queue page working (React's rows), ${EVENTS} events`,
      },
      {
        key: 'ui.update_latency_ms',
        value: median(updates),
        unit: 'ms',
        label: 'Redis change → visible on the page',
        target: '≤ 300',
      },
      {
        key: 'core.rss_mb_10k',
        value: rss,
        unit: 'MB',
        label: `core RSS with ${EVENTS} events queued`,
        target: '≤ 200',
      },
    ];
  } finally {
    await browser.close();
    await serve.stop();
    await queue.stop();
    await redis.stop();
    await rm(redisDir, { recursive: true, force: true });
  }
}
