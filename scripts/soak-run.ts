/**
 * The §16 soak (`npm run soak -- --days N`): N trading days run back to back against the simulated gateway and
 * allocation API, with the whole core (`Runtime`) in this process so its memory, handles and listeners can be read.
 *
 * A soak day is a compressed trading day, driven by the soak on the system clock: new weights and a signal for every
 * account; the accounts' approvals (one confirmed by the trader through `approve`, one on a short timer, two
 * automatic); IB's 1100 → 1102 in the middle of the rebalance (the gateway loses its link after the first sell and
 * gets it back); drift checks (the monitor's own timer plus one run by the soak after a price move); a schedule that
 * fires every minute on its own; and at the end of the day the gateway's daily restart — 1100, every connection
 * dropped, nextValidId rolled back to 1000 (`simulateRestart`), 1102 once the core is back. Half way through, Redis
 * (an external redis-server on a fixed port, AOF on) is shut down and started again.
 *
 * At the end of each day (queue drained, a GC when `--expose-gc`) it samples RSS, active handles and timers, and the
 * most listeners seen on any EventEmitter or AbortSignal that day. Lost: an event the soak or the schedule queued that
 * did not end done. Doubled: two orders filled for one intended order (the same event, symbol and side).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MemorySecretStore } from '../src/core/config/secrets';
import type { SettingsInput } from '../src/core/config/schema';
import { SettingsStore } from '../src/core/config/settings-store';
import { Runtime } from '../src/core/runtime';
import type { EventRecord } from '../src/shared/dto';
import { startSimAllocations, type SimAllocations } from '../src/sim/allocations/server';
import { demoSymbols } from '../src/sim/gateway/demo-state';
import { startSimGateway } from '../src/sim/gateway/index';
import type { SimGateway } from '../src/sim/gateway/types';
import { rotatingAllocations } from '../test/reliability/rotating-allocations';

export interface SoakOptions {
  /** Trading days (may be a fraction: 0.5 runs the first half of day 1's steps, for CI). */
  days: number;
  /** A line for each step (default: nothing). */
  progress?: (line: string) => void;
  /** redis-server binary (default REDISMS_SYSTEM_BINARY or redis-server on PATH). */
  redisBinary?: string;
}

export interface SoakResult {
  days: number;
  eventsDone: number;
  /** Events queued by the soak or by the schedule that did not end done, with what they ended as. */
  lost: string[];
  /** Intended orders (event / symbol / side) filled by more than one order. */
  doubled: string[];
  rssGrowthPct: number;
  handlesGrowth: number;
  maxListeners: number;
  /** Per day: RSS MB, handles, most listeners. */
  perDay: { rssMb: number; handles: number; listeners: number }[];
  /** 103 "Duplicate order id" answers the core logged (ids reused after the gateway's rollback). */
  duplicateOrderIds: number;
  orders: number;
  fills: number;
  scheduled: number;
  approved: number;
  driftChecks: number;
  maxListenersWarnings: number;
}

const STRATEGIES = rotatingAllocations('soak-a', 'soak-b');

const ACCOUNTS = [
  { accountId: 'DU4000001', strategy: 'soak-a', cash: 60_000, approval: 'auto' as const, hold: ['SPY', 60] },
  { accountId: 'DU4000002', strategy: 'soak-b', cash: 30_000, approval: 'auto' as const, hold: ['TLT', 300] },
  { accountId: 'DU4000003', strategy: 'soak-a', cash: 50_000, approval: 'confirm' as const, hold: ['GLD', 100] },
  { accountId: 'DU4000004', strategy: 'soak-b', cash: 20_000, approval: 'timer' as const, hold: ['IEF', 200] },
] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers true; throws naming `what` after `boundMs` (a bound on a hang, not a timing). */
async function until(probe: () => Promise<boolean> | boolean, what: string, boundMs = 180_000): Promise<void> {
  const end = Date.now() + boundMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`soak: timed out after ${boundMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** An external redis-server the soak can shut down and start again on the same port and files. */
class SoakRedis {
  private child: ChildProcess | null = null;
  constructor(
    private readonly binary: string,
    private readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      this.binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await until(async () => {
      const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 'redis-server to answer');
  }

  /** SIGTERM: redis-server writes its AOF and exits, as a restart of the service would. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Counts listeners as they are added: the most on any one EventEmitter event or AbortSignal since the last reset. */
function watchListeners(): { most(): number; reset(): void; undo(): void } {
  let most = 0;
  const live = new Map<AbortSignal, number>();
  const proto = EventEmitter.prototype;
  const originals = {
    on: proto.on,
    addListener: proto.addListener,
    once: proto.once,
    prependListener: proto.prependListener,
    add: EventTarget.prototype.addEventListener,
    remove: EventTarget.prototype.removeEventListener,
  };
  const wrap = <F extends (this: EventEmitter, event: string | symbol, listener: never) => EventEmitter>(f: F) =>
    function (this: EventEmitter, event: string | symbol, listener: never) {
      const result = f.call(this, event, listener);
      most = Math.max(most, this.listenerCount(event));
      return result;
    } as F;
  proto.on = wrap(originals.on);
  proto.addListener = wrap(originals.addListener);
  proto.once = wrap(originals.once);
  proto.prependListener = wrap(originals.prependListener);
  EventTarget.prototype.addEventListener = function (this: EventTarget, type, listener, options) {
    if (type === 'abort' && this instanceof AbortSignal && !this.aborted) {
      const n = (live.get(this) ?? 0) + 1;
      live.set(this, n);
      most = Math.max(most, n);
      if (typeof options === 'object' && options?.once) {
        // A once listener goes when the signal fires; the signal is then done with, so its count is dropped.
        originals.add.call(this, 'abort', () => live.delete(this as AbortSignal), { once: true });
      }
    }
    return originals.add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (this: EventTarget, type, listener, options) {
    if (type === 'abort' && this instanceof AbortSignal && live.has(this)) {
      const n = live.get(this)! - 1;
      if (n > 0) live.set(this, n);
      else live.delete(this);
    }
    return originals.remove.call(this, type, listener, options);
  };
  return {
    most: () => most,
    reset: () => {
      most = 0;
    },
    undo: () => {
      proto.on = originals.on;
      proto.addListener = originals.addListener;
      proto.once = originals.once;
      proto.prependListener = originals.prependListener;
      EventTarget.prototype.addEventListener = originals.add;
      EventTarget.prototype.removeEventListener = originals.remove;
    },
  };
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1_048_576;
}

/** Active handles and timers (sockets, servers, child processes, timeouts), as Node lists them. */
function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== 'PromiseResolve').length;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const say = options.progress ?? (() => undefined);
  const days = options.days;
  const dayCount = Math.ceil(days);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const listeners = watchListeners();

  const dir = await mkdtemp(join(tmpdir(), 'rd-soak-'));
  const redis = new SoakRedis(
    options.redisBinary ?? process.env.REDISMS_SYSTEM_BINARY ?? 'redis-server',
    await freePort(),
    dir,
  );
  let gateway: SimGateway | null = null;
  let allocations: SimAllocations | null = null;
  let runtime: Runtime | null = null;
  try {
    await redis.start();
    gateway = await startSimGateway({
      accounts: ACCOUNTS.map(({ accountId, cash, hold: [symbol, quantity] }) => ({
        accountId,
        cash,
        positions: [{ symbol, quantity, avgCost: 100 }],
      })),
      symbols: demoSymbols(),
    });
    allocations = await startSimAllocations({
      apiKey: 'soak-key',
      strategies: Object.fromEntries(
        Object.entries(STRATEGIES).map(([slug, v]) => [slug, { name: slug, allocations: v[0]!, asOf: '2026-01-01' }]),
      ),
    });
    const settings: SettingsInput = {
      tradingMode: 'paper',
      dataDir: dir,
      redis: { url: redis.url, keyPrefix: 'soak:' },
      ib: {
        host: '127.0.0.1',
        port: gateway.port,
        connectTimeoutMs: 2_000,
        requestTimeoutMs: 5_000,
        reconnectDelayMs: 300,
        restartWindow: null,
      },
      zehnlabs: { allocationsUrl: allocations.url, allocationsApiKey: 'soak-key' },
      accounts: ACCOUNTS.map((a) => ({
        accountId: a.accountId,
        name: a.accountId,
        type: 'paper' as const,
        strategy: a.strategy,
        approval: a.approval,
        approvalMinutes: 0.02,
      })),
      orders: { fillTimeoutMs: 10_000 },
      queue: { retryDelayMs: 1_000, leaseMs: 5_000, concurrency: 4 },
      schedules: [{ id: 'soak-positions', cron: '* * * * *', accounts: 'all', command: 'print-positions' }],
      drift: { checkMinutes: 0.2, alertPercent: 5 },
      notifications: { desktop: false },
      logLevel: 'warn',
    };
    const store = new SettingsStore(join(dir, 'settings.json'), new MemorySecretStore());
    await store.save(settings);
    runtime = new Runtime({ settingsStore: store, loadOutcome: await store.load(), dataDir: dir, stopGraceMs: 2_000 });
    await runtime.start();
    const rt = runtime;
    const gw = gateway;
    let duplicateOrderIds = 0;
    const unsubscribeLog = rt.tail.subscribe((line) => {
      if (/duplicate order id/i.test(JSON.stringify(line))) duplicateOrderIds += 1;
    });
    await until(() => gw.connectedClients().length > 0, 'the core to connect to the gateway');

    // A scheduled firing's event id carries its schedule's id.
    const firings = new Set<string>();
    const scheduledSoFar = () => firings.size;
    const unsubscribeQueue = rt.queue.onChange((change) => {
      if (change.id.includes('soak-positions')) firings.add(change.id);
    });
    const queued = new Map<string, string>();
    let approved = 0;
    let driftChecks = 0;
    const perDay: SoakResult['perDay'] = [];
    const drained = async () => {
      const c = await rt.queue.counts();
      return c.pending + c.active + c.delayed + c.held + c.awaiting === 0;
    };

    for (let day = 1; day <= dayCount; day++) {
      const part = Math.min(1, days - (day - 1));
      listeners.reset();
      const firedBefore = scheduledSoFar();
      say(`soak: day ${day}: signal`);
      // Morning: new weights and a signal for every account, and IB's 1100 → 1102 after the first sell.
      for (const [slug, versions] of Object.entries(STRATEGIES)) {
        allocations.setAllocations(slug, versions[day % versions.length]!, `2026-01-${String(day).padStart(2, '0')}`);
      }
      gw.loseConnectivity({ afterNextFill: 'SELL' });
      const signal: EventRecord[] = [];
      for (const a of ACCOUNTS) {
        const r = await rt.queue.enqueue({ accountId: a.accountId, command: 'rebalance', source: 'zehnlabs' });
        if (r.status !== 'queued') throw new Error(`soak: the day's signal for ${a.accountId} was a duplicate`);
        queued.set(r.event.id, `${a.accountId} rebalance day ${day}`);
        signal.push(r.event);
      }
      await until(async () => gw.connectivityLost() || (await drained()), 'the first sell (then 1100)');
      await sleep(1_000);
      gw.restoreConnectivity();
      // The trader confirms the account that asks for it.
      const confirm = signal.find((e) => e.accountId === ACCOUNTS[2]!.accountId)!;
      await until(async () => (await rt.queue.get(confirm.id))?.event.status === 'awaiting', 'the approval request');
      await rt.handlers.approve({ id: confirm.id });
      approved += 1;
      await until(drained, `day ${day}'s rebalances`);
      if (part < 1) break;

      // Midday: prices move and drift is checked (the monitor's timer checks too).
      say(`soak: day ${day}: drift`);
      const spy = demoSymbols().find((s) => s.symbol === 'SPY')!;
      const move = day % 2 === 0 ? 1.08 : 1 / 1.08;
      gw.setQuote('SPY', { bid: spy.bid * move, ask: spy.ask * move, last: spy.last * move });
      await rt.driftMonitor.check();
      driftChecks += 1;

      if (day === Math.ceil(dayCount / 2)) {
        say(`soak: day ${day}: redis restart`);
        await redis.stop();
        await sleep(1_000);
        await redis.start();
        await until(async () => {
          try {
            await rt.queue.counts();
            return true;
          } catch {
            return false;
          }
        }, 'the core to reach Redis again');
      }

      // Evening: the gateway's daily restart — 1100, connections dropped, order ids rolled back, 1102 when back.
      say(`soak: day ${day}: gateway restart`);
      gw.emitConnectivity(1100);
      await sleep(200);
      gw.simulateRestart({ rollBackOrderIdsTo: 1000 });
      await until(() => gw.connectedClients().length > 0, 'the core to reconnect after the gateway restart');
      gw.emitConnectivity(1102);
      // The day ends once the schedule (every minute, on the system clock) has fired in it, and the queue is empty.
      await until(async () => scheduledSoFar() > firedBefore, `day ${day}'s scheduled firing`);
      await until(drained, `day ${day}'s queue to drain`);
      await sleep(500);
      perDay.push({ rssMb: rssMb(), handles: handles(), listeners: listeners.most() });
      say(`soak: day ${day}: done ${JSON.stringify(perDay.at(-1))}`);
    }
    if (perDay.length === 0) perDay.push({ rssMb: rssMb(), handles: handles(), listeners: listeners.most() });

    // Every event the soak queued is there, and every event (the soak's, the schedule's, drift's) ended done; no
    // intended order filled twice.
    const all = (await rt.queue.list({ limit: 100_000 })).events;
    const byId = new Map(all.map((e) => [e.id, e]));
    const lost: string[] = [];
    for (const [id, what] of queued) if (!byId.has(id)) lost.push(`${what} ${id}: missing`);
    for (const e of all) {
      if (e.status !== 'done') lost.push(`${e.accountId} ${e.command} (${e.source}) ${e.id}: ${e.status}`);
    }
    const scheduled = all.filter((e) => e.source === 'schedule');
    const ordersByIntent = new Map<string, Set<string>>();
    const fills = gw.fills();
    for (const f of fills) {
      const key = `${f.orderRef}/${f.accountId}/${f.symbol}/${f.side}`;
      const set = ordersByIntent.get(key) ?? new Set<string>();
      set.add(`${f.clientId}:${f.orderId}:${f.permId}`);
      ordersByIntent.set(key, set);
    }
    const doubled = [...ordersByIntent].filter(([, s]) => s.size > 1).map(([k, s]) => `${k}: ${s.size} orders`);
    const first = perDay[0]!;
    const last = perDay.at(-1)!;
    unsubscribeLog();
    unsubscribeQueue();
    return {
      days,
      eventsDone: (await rt.queue.counts()).done,
      lost,
      doubled,
      rssGrowthPct: ((last.rssMb - first.rssMb) / first.rssMb) * 100,
      handlesGrowth: last.handles - first.handles,
      maxListeners: Math.max(...perDay.map((d) => d.listeners)),
      perDay,
      duplicateOrderIds,
      orders: gw.orders().filter((o) => !o.whatIf).length,
      fills: fills.length,
      scheduled: scheduled.length,
      approved,
      driftChecks,
      maxListenersWarnings: warnings.filter((w) => w.includes('MaxListenersExceededWarning')).length,
    };
  } finally {
    await runtime?.stop().catch(() => undefined);
    await Promise.allSettled([gateway?.stop(), allocations?.stop(), redis.stop()]);
    listeners.undo();
    process.off('warning', onWarning);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The `soak: key=value` lines of a result. */
export function soakLines(r: SoakResult): string[] {
  const fixed = (n: number) => (Math.round(n * 10) / 10).toString();
  return [
    `soak.days=${r.days}`,
    `soak.events_done=${r.eventsDone}`,
    `soak.lost=${r.lost.length}`,
    `soak.doubled=${r.doubled.length}`,
    `soak.rss_growth_pct=${fixed(r.rssGrowthPct)}`,
    `soak.handles_growth=${r.handlesGrowth}`,
    `soak.max_listeners=${r.maxListeners}`,
    `soak.orders=${r.orders}`,
    `soak.fills=${r.fills}`,
    `soak.scheduled=${r.scheduled}`,
    `soak.approved=${r.approved}`,
    `soak.drift_checks=${r.driftChecks}`,
    `soak.duplicate_order_ids=${r.duplicateOrderIds}`,
    `soak.max_listeners_warnings=${r.maxListenersWarnings}`,
    `soak.rss_mb_per_day=${r.perDay.map((d) => fixed(d.rssMb)).join(',')}`,
    `soak.handles_per_day=${r.perDay.map((d) => d.handles).join(',')}`,
    `soak.listeners_per_day=${r.perDay.map((d) => d.listeners).join(',')}`,
  ].map((line) => `soak: ${line}`);
}
