/**
 * §27 + §17: a `raise-cash` killed mid-run. The headless core (`out/main/cli.js serve`) as a child process against the
 * simulated gateway, Redis in this process so the queue survives the kill. The core is killed with SIGKILL from inside
 * the gateway's own event, right after the raise-cash's first sell reaches the gateway (before the core reads any
 * answer). After a restart the event is recovered, finishes exactly once, and the sells add up to one plan's worth:
 * the sell the dead core sent is counted from the live cash, never sent again.
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
import type { Command, EventRecord, Plan } from '../../src/shared/dto';
import { childCoreSettings, ensureCliBuilt, readHistory, startCore, waitUntil, type CoreChild } from './support';

const PREFIX = 'raise-crash:';
const ACCOUNT = 'DU2800001';
const RESERVE_PERCENT = 2;
/** Three holdings, each above its share of what is left after the withdrawal: the plan sells all three. */
const START = [
  { symbol: 'SPY', quantity: 60, avgCost: 500 },
  { symbol: 'TLT', quantity: 400, avgCost: 95 },
  { symbol: 'GLD', quantity: 120, avgCost: 250 },
];
const CASH = 2_000;
const AMOUNT = 30_000;

let redis: RedisHandle | null = null;
let conn: Redis | null = null;
let queue: EventQueue | null = null;
let gateway: SimGateway | null = null;
let allocations: SimAllocations | null = null;
let child: CoreChild | null = null;
const dirs: string[] = [];

beforeAll(() => {
  ensureCliBuilt();
}, 180_000);

afterAll(async () => {
  await child?.kill9();
  await queue?.stop();
  conn?.disconnect();
  await Promise.allSettled([gateway?.stop(), allocations?.stop(), redis?.stop()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function enqueue(command: Command, payload: Record<string, unknown>): Promise<string> {
  const result = await queue!.enqueue({ accountId: ACCOUNT, command, source: 'api', payload }, 'test');
  if (result.status !== 'queued') throw new Error(`${command} is a duplicate of ${result.existingId}`);
  return result.event.id;
}

async function doneEvent(id: string, what: string, timeoutMs = 60_000): Promise<EventRecord> {
  return waitUntil(
    async () => {
      const e = (await queue!.get(id))?.event;
      return e?.status === 'done' ? e : null;
    },
    what,
    timeoutMs,
    50,
  );
}

const sellsOf = (plan: Plan) =>
  new Map(plan.rows.filter((r) => r.order?.side === 'SELL').map((r) => [r.symbol, r.order!.quantity]));

describe('raise-cash killed after its first sell reached the gateway', () => {
  it('is recovered and finishes exactly once, with no sell sent twice and the cash raised', async () => {
    const redisDir = await mkdtemp(join(tmpdir(), 'rd-raise-crash-redis-'));
    const coreDir = await mkdtemp(join(tmpdir(), 'rd-raise-crash-core-'));
    dirs.push(redisDir, coreDir);
    redis = await startRedis({ dataDir: redisDir });
    conn = redis.connect('raise-crash-test');
    queue = new EventQueue({
      redis: conn,
      keyPrefix: PREFIX,
      retryDelayMs: 300,
      leaseMs: 2_000,
      historyLimit: 10_000,
      retainDoneDays: 90,
      runId: 'raise-crash-test',
    });
    // Fills in two parts, a little apart, so the dead core's sell is still executing while the core is down.
    gateway = await startSimGateway({
      accounts: [{ accountId: ACCOUNT, cash: CASH, positions: START }],
      symbols: demoSymbols(),
      partialFills: 2,
      fillIntervalMs: 50,
    });
    allocations = await startSimAllocations({
      apiKey: 'raise-key',
      strategies: {
        'raise-a': {
          name: 'raise-a',
          asOf: '2026-11-20',
          allocations: [
            { symbol: 'SPY', weight: 0.4 },
            { symbol: 'TLT', weight: 0.35 },
            { symbol: 'GLD', weight: 0.25 },
          ],
        },
      },
    });
    const settings: SettingsInput = {
      ...childCoreSettings({
        dataDir: coreDir,
        redisUrl: redis.url,
        prefix: PREFIX,
        gatewayPort: gateway.port,
        allocationsUrl: allocations.url,
        allocationsApiKey: 'raise-key',
        token: 'raise-crash-token-0123456789abcdef',
      }),
      accounts: [
        { accountId: ACCOUNT, name: 'Raise', type: 'paper', strategy: 'raise-a', cashReservePercent: RESERVE_PERCENT },
      ],
      orders: { fillTimeoutMs: 5_000, whatIf: false },
      queue: { retryDelayMs: 300, leaseMs: 2_000, concurrency: 2 },
    };
    const configFile = join(coreDir, 'settings.json');
    await writeFile(configFile, JSON.stringify(settings, null, 2));
    const nav0 = gateway.money(ACCOUNT).netLiquidation;

    child = startCore(configFile);
    await child.ready;
    // What one uninterrupted run would sell: the preview, from the same planner.
    const preview = await doneEvent(
      await enqueue('print-rebalance', { mode: 'raise-cash', amount: AMOUNT }),
      'the raise-cash preview',
    );
    const planned = sellsOf((preview.result as { plan: Plan }).plan);
    expect(planned.size, 'the plan must sell more than one symbol, so a kill lands between sells').toBeGreaterThan(1);

    // Kill the core from inside the gateway's event of the first sell it receives for the raise-cash.
    let id = '';
    const core = child;
    let killedOn: { symbol: string; quantity: number } | null = null;
    const killed = new Promise<void>((resolve) => {
      const off = gateway!.onEvent((e) => {
        if (e.type !== 'order-received' || e.order.orderRef !== `rd:${id}` || e.order.action !== 'SELL') return;
        core.proc.kill('SIGKILL');
        killedOn = { symbol: e.order.symbol, quantity: e.order.totalQuantity };
        off();
        resolve();
      });
    });
    id = await enqueue('raise-cash', { amount: AMOUNT });
    await Promise.race([
      killed,
      doneEvent(id, 'the raise-cash').then((e) => {
        throw new Error(`the raise-cash finished (${e.status}) without its sell reaching the gateway`);
      }),
    ]);
    await child.kill9();
    child = null;
    // Everything the dead core sent has been read and executed before the next core starts.
    await waitUntil(
      () => gateway!.connectedClients().length === 0 && gateway!.pendingFills() === 0,
      "the gateway to execute the killed core's sell",
      30_000,
      10,
    );
    expect(killedOn).not.toBeNull();
    const beforeRestart = gateway.fills({ accountId: ACCOUNT });
    expect(beforeRestart.length, 'the first sell was executed while the core was down').toBeGreaterThan(0);
    expect((await queue.get(id))?.event.status).toBe('active');

    child = startCore(configFile);
    await child.ready;
    const done = await doneEvent(id, 'the raise-cash after the restart');

    // Exactly once: recovered from the dead run (its last error says so), completed once.
    const history = (await readHistory(conn, queue.keys.history)).filter((r) => r.id === id);
    expect(history.filter((r) => r.action === 'recovered').length).toBeGreaterThan(0);
    expect(history.filter((r) => r.action === 'completed')).toHaveLength(1);
    expect(done.lastError?.kind ?? 'interrupted').toBe('interrupted');
    expect((done.result as { report?: unknown }).report).toBeDefined();

    // No sell doubled: only sells, all of this event, per symbol at most what one run plans; and what was sold
    // is exactly how far each position moved.
    const fills = gateway.fills({ accountId: ACCOUNT });
    expect(fills.filter((f) => f.side === 'BOT')).toEqual([]);
    expect(fills.every((f) => f.orderRef === `rd:${id}`)).toBe(true);
    const sold = new Map<string, number>();
    for (const f of fills) sold.set(f.symbol, (sold.get(f.symbol) ?? 0) + f.shares);
    for (const [symbol, shares] of sold) {
      expect(shares, `${symbol} sold beyond one plan's ${planned.get(symbol) ?? 0}`).toBeLessThanOrEqual(
        planned.get(symbol) ?? 0,
      );
    }
    const end = new Map(gateway.positions(ACCOUNT).map((p) => [p.symbol, p.quantity]));
    for (const p of START) expect(p.quantity - (end.get(p.symbol) ?? 0), p.symbol).toBe(sold.get(p.symbol) ?? 0);

    // The cash is raised: amount + reserve of the NAV, and the same amount again sells nothing more.
    expect(gateway.cash(ACCOUNT)).toBeGreaterThanOrEqual(AMOUNT + (nav0 * RESERVE_PERCENT) / 100 - 1);
    const again = await doneEvent(
      await enqueue('print-rebalance', { mode: 'raise-cash', amount: AMOUNT }),
      'a second raise-cash preview',
    );
    expect([...sellsOf((again.result as { plan: Plan }).plan)]).toEqual([]);

    expect(await child.stop()).toBe(0);
    child = null;
  }, 300_000);
});
