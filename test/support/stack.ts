/**
 * Test support: the whole core (embedded Redis, queue, processor, IB client, allocation client) against the simulated
 * gateway and allocation API, all on free loopback ports, in a temporary data dir. §28: accounts that name a
 * `gateway` other than "default" are on a simulated gateway of their own (one per id), in the settings' `gateways`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Allocation, EventRecord, EventStatus } from '../../src/shared/dto';
import { MemorySecretStore } from '../../src/core/config/secrets';
import type { SettingsInput } from '../../src/core/config/schema';
import { SettingsStore } from '../../src/core/config/settings-store';
import type { Notifier } from '../../src/core/notify/notifier';
import { Runtime } from '../../src/core/runtime';
import { startSimAllocations, type SimAllocations, type SimStrategy } from '../../src/sim/allocations/server';
import { demoSymbols } from '../../src/sim/gateway/demo-state';
import { startSimGateway } from '../../src/sim/gateway/index';
import type { SimAccount, SimGateway, SimGatewayOptions } from '../../src/sim/gateway/types';

export interface StackOptions {
  accounts: (SimAccount & {
    strategy: string;
    cashReservePercent?: number;
    replacementSet?: string | null;
    type?: 'paper' | 'live';
    enabled?: boolean;
    approval?: 'auto' | 'confirm' | 'timer';
    approvalMinutes?: number;
    /** §28: the gateway the account is on; each id other than "default" is a simulator of its own. */
    gateway?: string;
  })[];
  strategies: Record<string, { allocations: Allocation[]; asOf?: string }>;
  gateway?: Omit<SimGatewayOptions, 'accounts' | 'symbols'>;
  settings?: SettingsInput;
  dataDir?: string;
  /** The runtime's clock (restart window, schedules, commands); default the system clock. */
  now?: () => Date;
  /** The runtime's desktop notifier (a fake that records); needs `notifications.desktop: true` in `settings`. */
  notifier?: Notifier;
}

export interface Stack {
  /** The "default" gateway's simulator. */
  gateway: SimGateway;
  /** §28: every gateway's simulator by id ("default" first); a stopped one stays listed until started again. */
  gateways: Record<string, SimGateway>;
  /** Stops the simulator of gateway `id` (its accounts' state is kept for `startGateway`). */
  stopGateway(id: string): Promise<void>;
  /** Starts gateway `id`'s simulator again on its port, with the cash and positions it had when stopped. */
  startGateway(id: string): Promise<SimGateway>;
  allocations: SimAllocations;
  runtime: Runtime;
  dataDir: string;
  settingsInput: SettingsInput;
  /** Enqueues a manual command and returns the event id. */
  run(accountId: string, command: EventRecord['command']): Promise<string>;
  waitFor(id: string, status: EventStatus | ((e: EventRecord) => boolean), timeoutMs?: number): Promise<EventRecord>;
  /** Stops the runtime only (Redis data stays in dataDir). */
  stopRuntime(): Promise<void>;
  /** Starts a new runtime on the same data dir and settings. */
  restartRuntime(): Promise<Runtime>;
  stop(): Promise<void>;
}

export function testSettings(
  opts: StackOptions,
  gateway: SimGateway,
  allocations: SimAllocations,
  dataDir: string,
  others: Record<string, SimGateway> = {},
): SettingsInput {
  const base: SettingsInput = {
    tradingMode: 'paper',
    dataDir,
    ib: {
      host: '127.0.0.1',
      port: gateway.port,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 3_000,
      reconnectDelayMs: 300,
      // Off: the simulated gateway never restarts, and a run near midnight in New York must not wait for it.
      restartWindow: null,
    },
    zehnlabs: { allocationsUrl: allocations.url, allocationsApiKey: 'test-key' },
    accounts: opts.accounts.map((a) => ({
      accountId: a.accountId,
      name: a.accountId,
      type: a.type ?? ('paper' as const),
      enabled: a.enabled ?? true,
      strategy: a.strategy,
      cashReservePercent: a.cashReservePercent ?? 1,
      replacementSet: a.replacementSet ?? null,
      ...(a.approval ? { approval: a.approval } : {}),
      ...(a.approvalMinutes === undefined ? {} : { approvalMinutes: a.approvalMinutes }),
      ...(a.gateway === undefined ? {} : { gateway: a.gateway }),
    })),
    ...(Object.keys(others).length === 0
      ? {}
      : {
          gateways: Object.entries(others).map(([id, g]) => ({
            id,
            label: id,
            host: '127.0.0.1',
            port: g.port,
            restartWindow: null,
          })),
        }),
    orders: { fillTimeoutMs: 5_000 },
    queue: { retryDelayMs: 500, leaseMs: 3_000, concurrency: 4 },
    notifications: { desktop: false },
  };
  const extra = opts.settings ?? {};
  return {
    ...base,
    ...extra,
    ib: { ...base.ib, ...extra.ib },
    zehnlabs: { ...base.zehnlabs, ...extra.zehnlabs },
    orders: { ...base.orders, ...extra.orders },
    queue: { ...base.queue, ...extra.queue },
  };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'rd-stack-')));
  const simAccounts = (accounts: StackOptions['accounts']) =>
    accounts.map(({ accountId, cash, positions, kind }) => ({
      accountId,
      cash,
      positions: positions ?? [],
      ...(kind ? { kind } : {}),
    }));
  const gatewayIdOf = (a: { gateway?: string }) => a.gateway ?? 'default';
  const gateway = await startSimGateway({
    ...opts.gateway,
    accounts: simAccounts(opts.accounts.filter((a) => gatewayIdOf(a) === 'default')),
    symbols: demoSymbols(),
  });
  const others: Record<string, SimGateway> = {};
  for (const id of new Set(opts.accounts.map(gatewayIdOf))) {
    if (id === 'default') continue;
    others[id] = await startSimGateway({
      ...opts.gateway,
      accounts: simAccounts(opts.accounts.filter((a) => gatewayIdOf(a) === id)),
      symbols: demoSymbols(),
    });
  }
  const gateways: Record<string, SimGateway> = { default: gateway, ...others };
  const stopped = new Set<string>();
  const strategies: Record<string, SimStrategy> = {};
  for (const [slug, s] of Object.entries(opts.strategies)) {
    strategies[slug] = { name: slug, allocations: s.allocations, asOf: s.asOf ?? '2026-11-20' };
  }
  const allocations = await startSimAllocations({ strategies, apiKey: 'test-key' });
  const settingsInput = testSettings(opts, gateway, allocations, dataDir, others);
  const secrets = new MemorySecretStore();

  async function makeRuntime(): Promise<Runtime> {
    const store = new SettingsStore(join(dataDir, 'settings.json'), secrets);
    await store.save(settingsInput);
    const loadOutcome = await store.load();
    const rt = new Runtime({
      settingsStore: store,
      loadOutcome,
      dataDir,
      stopGraceMs: 500,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.notifier ? { notifier: opts.notifier } : {}),
    });
    await rt.start();
    return rt;
  }

  let runtime = await makeRuntime();
  let runtimeStopped = false;
  const stack: Stack = {
    get gateway() {
      return gateways.default!;
    },
    gateways,
    async stopGateway(id) {
      const sim = gateways[id];
      if (!sim) throw new Error(`no gateway ${id}`);
      if (stopped.has(id)) return;
      stopped.add(id);
      await sim.stop();
    },
    async startGateway(id) {
      const sim = gateways[id];
      if (!sim) throw new Error(`no gateway ${id}`);
      if (!stopped.has(id)) return sim;
      const started = await startSimGateway({
        ...opts.gateway,
        port: sim.port,
        accounts: sim.accounts().map((accountId) => ({
          accountId,
          cash: sim.cash(accountId),
          positions: sim.positions(accountId),
        })),
        symbols: demoSymbols(),
      });
      gateways[id] = started;
      stopped.delete(id);
      return started;
    },
    allocations,
    get runtime() {
      return runtime;
    },
    dataDir,
    settingsInput,
    async run(accountId, command) {
      const result = await runtime.queue.enqueue({ accountId, command, source: 'manual' });
      if (result.status !== 'queued') throw new Error(`duplicate of ${result.existingId}`);
      return result.event.id;
    },
    async waitFor(id, status, timeoutMs = 20_000) {
      const test = typeof status === 'function' ? status : (e: EventRecord) => e.status === status;
      const deadline = Date.now() + timeoutMs;
      let last: EventRecord | undefined;
      for (;;) {
        last = (await runtime.queue.get(id))?.event;
        if (last && test(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(`event ${id} did not reach ${String(status)}: ${JSON.stringify(last, null, 1)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stopRuntime() {
      if (!runtimeStopped) await runtime.stop();
      runtimeStopped = true;
    },
    async restartRuntime() {
      await stack.stopRuntime();
      runtime = await makeRuntime();
      runtimeStopped = false;
      return runtime;
    },
    async stop() {
      await stack.stopRuntime();
      await Promise.allSettled([
        ...Object.entries(gateways).map(([id, g]) => (stopped.has(id) ? Promise.resolve() : g.stop())),
        allocations.stop(),
      ]);
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Target shares of a plan row set: what `print-rebalance` would still trade (empty when the account is at target). */
export async function remainingOrders(stack: Stack, accountId: string): Promise<{ symbol: string; delta: number }[]> {
  const id = await stack.run(accountId, 'print-rebalance');
  const event = await stack.waitFor(id, 'done');
  const plan = (event.result as { plan: { rows: { symbol: string; delta: number; order: unknown }[] } }).plan;
  return plan.rows.filter((r) => r.order).map((r) => ({ symbol: r.symbol, delta: r.delta }));
}
