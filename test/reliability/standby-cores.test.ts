/**
 * §22 standby cores: two headless cores (`cli.js serve`) on one Redis and one simulated gateway. Only the owner of
 * the processing lease works; the other answers the API as `standby (owner HOST:PID)`. The owner is killed -9 while
 * events flow; the standby takes over, and in the end every event is done exactly once and every account is at its
 * target.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../src/core/config/schema';
import { EventQueue } from '../../src/core/queue/event-queue';
import { startRedis, type RedisHandle } from '../../src/core/redis/redis-server';
import { startSimAllocations, type SimAllocations } from '../../src/sim/allocations/server';
import { demoSymbols } from '../../src/sim/gateway/demo-state';
import { startSimGateway } from '../../src/sim/gateway/index';
import type { SimGateway } from '../../src/sim/gateway/types';
import type { Command, Health } from '../../src/shared/dto';
import {
  beyondOneShare,
  childCoreSettings,
  ensureCliBuilt,
  readHistory,
  remainingOrdersVia,
  startCore,
  waitUntil,
  type CoreChild,
} from './support';

const PREFIX = 'standby:';
const ACCOUNTS = [
  { accountId: 'DU4000001', strategy: 'standby-a', cash: 100_000 },
  { accountId: 'DU4000002', strategy: 'standby-a', cash: 60_000 },
  { accountId: 'DU4000003', strategy: 'standby-b', cash: 80_000 },
  { accountId: 'DU4000004', strategy: 'standby-b', cash: 30_000 },
];
const WEIGHTS = {
  'standby-a': [
    [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'TLT', weight: 0.5 },
    ],
    [
      { symbol: 'QQQ', weight: 0.6 },
      { symbol: 'GLD', weight: 0.4 },
    ],
  ],
  'standby-b': [
    [
      { symbol: 'IEF', weight: 0.7 },
      { symbol: 'GLD', weight: 0.3 },
    ],
    [
      { symbol: 'VTI', weight: 0.5 },
      { symbol: 'BND', weight: 0.5 },
    ],
  ],
};
const PRINTS: Command[] = ['print-positions', 'print-equity', 'print-orders', 'print-rebalance'];

let redis: RedisHandle | null = null;
let conn: Redis | null = null;
let queue: EventQueue | null = null;
let gateway: SimGateway | null = null;
let allocations: SimAllocations | null = null;
const cores: CoreChild[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ensureCliBuilt();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(cores.map((c) => c.kill9()));
  await queue?.stop();
  conn?.disconnect();
  await Promise.allSettled([gateway?.stop(), allocations?.stop(), redis?.stop()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function health(core: CoreChild): Promise<Health> {
  const { url, token } = await core.ready;
  const res = await fetch(`${url}api/health`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Health;
}

describe('two cores on one Redis', () => {
  it('only the owner processes; after it is killed -9 the standby finishes every event exactly once', async () => {
    const redisDir = await mkdtemp(join(tmpdir(), 'rd-standby-redis-'));
    dirs.push(redisDir);
    redis = await startRedis({ dataDir: redisDir });
    conn = redis.connect('standby-test');
    queue = new EventQueue({
      redis: conn,
      keyPrefix: PREFIX,
      retryDelayMs: 300,
      leaseMs: 2_000,
      historyLimit: 100_000,
      retainDoneDays: 90,
      runId: 'standby-test',
    });
    gateway = await startSimGateway({
      accounts: ACCOUNTS.map(({ accountId, cash }) => ({ accountId, cash, positions: [] })),
      symbols: demoSymbols(),
    });
    allocations = await startSimAllocations({
      apiKey: 'standby-key',
      strategies: Object.fromEntries(
        Object.entries(WEIGHTS).map(([slug, v]) => [slug, { name: slug, allocations: v[0]!, asOf: '2026-01-01' }]),
      ),
    });

    const configFor = async (name: string): Promise<string> => {
      const dataDir = await mkdtemp(join(tmpdir(), `rd-standby-${name}-`));
      dirs.push(dataDir);
      const settings: SettingsInput = {
        ...childCoreSettings({
          dataDir,
          redisUrl: redis!.url,
          prefix: PREFIX,
          gatewayPort: gateway!.port,
          allocationsUrl: allocations!.url,
          allocationsApiKey: 'standby-key',
          token: `token-${name}-0123456789abcdefghijkl`,
        }),
        accounts: ACCOUNTS.map((a) => ({
          accountId: a.accountId,
          name: a.accountId,
          type: 'paper',
          strategy: a.strategy,
        })),
        orders: { fillTimeoutMs: 3_000, whatIf: false },
        queue: { retryDelayMs: 300, leaseMs: 2_000, concurrency: 4 },
      };
      const file = join(dataDir, 'settings.json');
      await writeFile(file, JSON.stringify(settings, null, 2));
      return file;
    };

    const owner = startCore(await configFor('a'));
    cores.push(owner);
    await owner.ready;
    const standby = startCore(await configFor('b'));
    cores.push(standby);
    await standby.ready;

    const ownerPid = owner.proc.pid!;
    expect((await health(standby)).processor).toMatchObject({
      state: 'green',
      detail: expect.stringMatching(new RegExp(`^standby \\(owner .+:${ownerPid}\\)$`)) as unknown,
    });
    expect((await health(owner)).processor.detail).toMatch(/workers/);

    const ids: string[] = [];
    const enqueueWave = async () => {
      for (const a of ACCOUNTS) {
        for (const command of ['rebalance' as Command, PRINTS[ids.length % PRINTS.length]!]) {
          const r = await queue!.enqueue({ accountId: a.accountId, command, source: 'api' }, 'standby-test');
          if (r.status === 'queued') ids.push(r.event.id);
        }
      }
    };
    await enqueueWave();
    // only the owner's client trades while both run: every order so far is from the owner's process
    await waitUntil(async () => (await queue!.counts()).done >= 4, 'the owner to finish some events', 60_000, 100);
    for (const [slug, v] of Object.entries(WEIGHTS)) allocations.setAllocations(slug, v[1]!);
    await enqueueWave();
    // kill the owner while it works on one of the new rebalances
    await waitUntil(async () => (await queue!.counts()).active > 0, 'a running event', 30_000, 20);
    await owner.kill9();

    await waitUntil(
      async () => /workers/.test((await health(standby)).processor.detail) || null,
      'the standby to take over processing',
      10_000,
      100,
    );
    await enqueueWave();
    await waitUntil(
      async () => {
        const c = await queue!.counts();
        return c.pending + c.active + c.delayed + c.held === 0;
      },
      'the queue to drain on the new owner',
      90_000,
      200,
    );

    const history = await readHistory(conn, queue.keys.history);
    const completed = new Map<string, number>();
    for (const row of history) if (row.action === 'completed') completed.set(row.id, (completed.get(row.id) ?? 0) + 1);
    expect(ids.filter((id) => completed.get(id) !== 1).map((id) => `${id}: ${completed.get(id) ?? 0}`)).toEqual([]);
    expect(await queue.counts()).toMatchObject({ pending: 0, active: 0, delayed: 0, held: 0, done: ids.length });
    for (const a of ACCOUNTS) {
      expect(beyondOneShare(await remainingOrdersVia(queue, a.accountId)), `${a.accountId} is not at target`).toEqual(
        [],
      );
    }
    expect(await standby.stop()).toBe(0);
  }, 170_000);
});
