import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySecretStore } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import type { SettingsInput } from '../core/config/schema';
import { ApiError } from '../core/management/api-error';
import type { SimulatorHooks } from '../core/management/ports';
import { startFakeAbly, type FakeAbly } from '../sim/ably/fake-ably';
import { DEMO_STRATEGIES } from '../sim/allocations/demo-strategies';
import { startSimAllocations, type SimAllocations } from '../sim/allocations/server';
import { demoState } from '../sim/gateway/demo-state';
import { startSimGateway } from '../sim/gateway/index';
import type { SimGateway } from '../sim/gateway/types';
import { simulatedHistory } from './demo-history';
import { startHeadless, type HeadlessHost } from './host';

/** The simulated gateway's daily troubles (§21) the demo's Simulator panel can cause. */
const GATEWAY_TROUBLES: Record<string, (gateway: SimGateway) => void> = {
  'lose-connectivity': (g) => g.emitConnectivity(1100),
  'restore-connectivity': (g) => g.emitConnectivity(1102),
  'competing-session-on': (g) => g.setCompetingSession(true),
  'competing-session-off': (g) => g.setCompetingSession(false),
  'log-out': (g) => g.setLoggedIn(false),
  'log-in': (g) => g.setLoggedIn(true),
};

export interface DemoOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  staticRoot?: string | null;
  /** Shorter retry delay so the flow is visible in a demo (default 10 s). */
  retryDelayMs?: number;
  logToStdout?: boolean;
}

export interface Demo extends HeadlessHost {
  /** The "default" gateway's simulator (the Simulator panel's first login; it can stop, start and trouble each). */
  gateway: () => SimGateway;
  /** §28: the simulator of the gateway `accountId` is on ("Demo IRA" is on the second gateway, "spouse"). */
  gatewayOf: (accountId: string) => SimGateway;
  /** Every simulated gateway, "default" first. */
  gateways: () => SimGateway[];
  allocations: SimAllocations;
  ably: FakeAbly;
  dataDir: string;
}

const DEMO_KEY = 'demo.app:demo-secret';

/** §28: the demo's second IB login, a spouse's, with one account on it (the IRA). */
const SECOND_GATEWAY = { id: 'spouse', label: 'Spouse' } as const;
const ON_SECOND_GATEWAY = new Set(['DU1000003']);

/**
 * `npm run demo`: embedded Redis in a temporary data dir, the simulated IB Gateway with a few paper accounts and
 * positions, a simulated allocation API with two strategies and a simulated Zehnlabs feed (the real Ably SDK against
 * a local endpoint), all behind the real core and UI. Nothing here needs an account or the internet. §28: two
 * simulated gateways (two IB logins), the IRA on the second ("spouse"); its strategy is shared with an account on the
 * first, so one signal trades through both.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rebalance-desk-demo-')));
  const state = demoState();
  // A third, IRA-style cash account holding DBC, so the replacement set (DBC → PDBC) shows in the demo.
  state.accounts.push({
    accountId: 'DU1000003',
    kind: 'cash',
    cash: 25_000,
    positions: [
      { symbol: 'DBC', quantity: 400, avgCost: 21.9 },
      { symbol: 'VTI', quantity: 60, avgCost: 298.4 },
    ],
  });
  // A fourth account on approval `confirm` (§19): its rebalances wait in Queue › Awaiting approval for the trader.
  state.accounts.push({ accountId: 'DU1000004', kind: 'cash', cash: 40_000, positions: [] });
  // §28: each simulated IB login, "default" first; Stop / Start replaces a login's simulator on the same port.
  const logins = new Map<string, { sim: SimGateway; port: number; running: boolean }>();
  for (const [id, onIt] of [
    ['default', false],
    [SECOND_GATEWAY.id, true],
  ] as const) {
    const sim = await startSimGateway({
      accounts: state.accounts.filter((a) => ON_SECOND_GATEWAY.has(a.accountId) === onIt),
      symbols: state.symbols,
    });
    logins.set(id, { sim, port: sim.port, running: true });
  }
  const login = (id: string) => logins.get(id)!;
  /** Every login's current simulator, "default" first (a restarted login has a new one). */
  const sims = () => [...logins.values()].map((l) => l.sim);
  const gatewayPort = login('default').port;
  // The demo's allocations are a few days old, as a strategy that still publishes answers: not the fixed day the tests
  // know them by, which would mark every demo plan stale (§25) once that day is more than 45 days past.
  const allocations = await startSimAllocations({ strategies: recentDemoStrategies(Date.now()) });
  const ably = await startFakeAbly();
  const strategies = Object.keys(DEMO_STRATEGIES);

  const settings: SettingsInput = {
    tradingMode: 'paper',
    dataDir,
    // The simulated gateway never restarts, so its daily restart window is off (Settings can turn it on).
    ib: { host: '127.0.0.1', port: gatewayPort, connectTimeoutMs: 2_000, reconnectDelayMs: 2_000, restartWindow: null },
    gateways: [
      {
        ...SECOND_GATEWAY,
        host: '127.0.0.1',
        port: login(SECOND_GATEWAY.id).port,
        clientId: null,
        restartWindow: null,
      },
    ],
    zehnlabs: {
      realtimeApiKey: DEMO_KEY,
      allocationsApiKey: 'demo-allocations-key',
      allocationsUrl: allocations.url,
      realtime: { ...ably.endpointOptions(DEMO_KEY) } as Record<string, unknown>,
    },
    // The first strategy is followed by two accounts (one signal fans out to both), the IRA swaps DBC for PDBC, and
    // the last account (on the second strategy with the IRA) waits for the trader's approval before it trades.
    accounts: state.accounts.map((a, i) => ({
      accountId: a.accountId,
      name: ['Demo Taxable', 'Demo Joint', 'Demo IRA', 'Demo Approval'][i] ?? `Demo ${i + 1}`,
      type: 'paper' as const,
      strategy: strategies[i >= 2 ? 1 : 0]!,
      cashReservePercent: 1,
      replacementSet: i === 2 ? 'ira' : null,
      ...(i === 3 ? { approval: 'confirm' as const } : {}),
      ...(ON_SECOND_GATEWAY.has(a.accountId) ? { gateway: SECOND_GATEWAY.id } : {}),
    })),
    replacementSets: { ira: [{ source: 'DBC', target: 'PDBC', scale: 1 }] },
    orders: { fillTimeoutMs: 30_000 },
    queue: { retryDelayMs: options.retryDelayMs ?? 10_000, leaseMs: 10_000 },
    management: { host: options.host ?? '127.0.0.1', port: options.port ?? 8765, token: '' },
    notifications: { desktop: false },
    // §20: the drift monitor checks every 6 s in the demo, so the cards show drift (and Drifted) within moments.
    drift: { checkMinutes: 0.1, alertPercent: 5, autoRebalance: false },
  };
  const store = new SettingsStore(join(dataDir, 'settings.json'), new MemorySecretStore());
  await store.save(settings);
  const loadOutcome = await store.load();

  const simulator: SimulatorHooks = {
    async publishSignal(strategy, exec, eventId) {
      const id = eventId ?? randomUUID();
      ably.publish(strategy, { exec, eventId: id });
      return { published: strategy, eventId: id };
    },
    async gateway(action, gatewayId) {
      const one = logins.get(gatewayId);
      if (!one) {
        throw new ApiError(
          'invalid',
          `no simulated IB login ${JSON.stringify(gatewayId)}; the demo has ${[...logins.keys()].join(' and ')}`,
        );
      }
      const gateway = one.sim;
      if (action === 'drop') {
        gateway.dropConnections();
      } else if (one.running && action in GATEWAY_TROUBLES) {
        GATEWAY_TROUBLES[action]?.(gateway);
      } else if (action === 'stop' && one.running) {
        await gateway.stop();
        one.running = false;
      } else if (action === 'start' && !one.running) {
        one.sim = await startSimGateway({
          port: one.port,
          accounts: gateway.accounts().map((accountId) => ({
            accountId,
            cash: gateway.cash(accountId),
            positions: gateway.positions(accountId),
          })),
          symbols: state.symbols,
        });
        one.running = true;
      }
      return { running: one.running };
    },
  };

  const host = await startHeadless({
    settingsStore: store,
    loadOutcome,
    dataDir,
    simulator,
    logToStdout: options.logToStdout ?? false,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.staticRoot === undefined ? {} : { staticRoot: options.staticRoot }),
  });
  await seedHistory(host, sims());
  return {
    ...host,
    gateway: () => login('default').sim,
    gatewayOf: (accountId) => login(ON_SECOND_GATEWAY.has(accountId) ? SECOND_GATEWAY.id : 'default').sim,
    gateways: sims,
    allocations,
    ably,
    dataDir,
    async stop() {
      await host.stop();
      await Promise.allSettled([
        ...[...logins.values()].map((l) => (l.running ? l.sim.stop() : Promise.resolve())),
        allocations.stop(),
        ably.stop(),
      ]);
    },
  };
}

/** §25: a made-up 90-day past for accounts without any history yet (a demo restarted on its data dir keeps its own). */
async function seedHistory(host: HeadlessHost, gateways: readonly SimGateway[]): Promise<void> {
  const history = host.runtime.history;
  const accounts = [];
  for (const gateway of gateways) {
    for (const accountId of gateway.accounts()) {
      if (!(await history.has(accountId, 'nav'))) {
        accounts.push({ accountId, netLiquidation: gateway.money(accountId).netLiquidation });
      }
    }
  }
  if (accounts.length > 0) await history.recordAll(simulatedHistory({ accounts, now: host.runtime.now().getTime() }));
}

/** DEMO_STRATEGIES with `asOf` three days before `now` (a calendar day, as Zehnlabs answers it). */
export function recentDemoStrategies(now: number): typeof DEMO_STRATEGIES {
  const asOf = new Date(now - 3 * 86_400_000).toISOString().slice(0, 10);
  return Object.fromEntries(Object.entries(DEMO_STRATEGIES).map(([slug, s]) => [slug, { ...s, asOf }]));
}
