import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Ably from 'ably';
import { migrateLegacyKeys } from './queue/migrate-keys';
import { OwnerLease } from './queue/owner-lease';
import { isCluster, type RedisClient } from './redis/topology';
import type { Handlers, SetupCheckReport, StreamMessage } from '../shared/contract';
import type { EventRecord, Health, TradeRecord } from '../shared/dto';
import { AllocationClient } from './allocations/allocation-client';
import type { AccountSettings, Settings } from './config/schema';
import type { LoadOutcome, SettingsStore } from './config/settings-store';
import { secretValues } from './config/secrets';
import { Feed } from './feed/feed';
import { collectHealth } from './health';
import { IbClient } from './ib/ib-client';
import { createLogger, type Logger, type LogOutput, type LogTail } from './log/logger';
import { createManagementHandlers } from './management/handlers';
import type { ManagementPorts, SimulatorHooks } from './management/ports';
import { CompositeNotifier, NtfyNotifier, type Notifier } from './notify/notifier';
import { commandHandlers } from './processor/commands';
import { classifyFailure } from './processor/classify';
import { Processor } from './processor/processor';
import { EventQueue } from './queue/event-queue';
import { AccountStateStore } from './records/account-state';
import { RedisOrderIdStore } from './records/order-ids';
import { ReportIndex } from './records/report-index';
import { AccountHistory, type HistorySample } from './records/account-history';
import { Scheduler, type FiringOutcome } from './schedules/scheduler';
import { WorkstationDay } from './schedules/workstation-day';
import { DriftMonitor } from './drift/drift-monitor';
import { targetsFor, weightsByTarget } from './processor/planning';
import { TradeStore } from './records/trade-store';
import { CashFlowStore } from './records/cash-flow-store';
import { SetupRecordStore } from './records/setup-record';
import { CashFlowDetector } from './cashflow/cash-flow-detector';
import { ORDER_COMMANDS } from './domain/trading-guard';
import { startRedis, type RedisHandle, type StartRedisOptions } from './redis/redis-server';
import { redisFacts } from './redis/redis-facts';
import { checkSetup } from './setup/check-setup';
import { freeBytes } from './setup/disk';
import { probeRealtime } from './setup/realtime-probe';

/** How long an enqueue of `raise-cash` waits for the account's net liquidation before leaving the check to the run. */
const NET_LIQUIDATION_WAIT_MS = 3_000;
import { lastResultOf } from '../shared/result-summary';

export interface RuntimeOptions {
  /** The loaded settings store and what loading it said (file issues are shown in Settings). */
  settingsStore: SettingsStore;
  loadOutcome: LoadOutcome;
  dataDir: string;
  /** Desktop notifications in the Electron shell; ntfy is added from the settings. */
  notifier?: Notifier;
  /** Also print log lines to stdout (headless), or to this stand-in for it (tests). */
  logToStdout?: boolean | LogOutput;
  /** Present in demo mode: the simulator's controls and the SIMULATED badge. */
  simulator?: SimulatorHooks;
  createRealtime?: (options: Ably.ClientOptions) => Ably.Realtime;
  /** Shorter for tests; default 10 s. */
  stopGraceMs?: number;
  /** How the host finds the embedded redis-server (the desktop app: its shipped binary, no download). */
  embeddedRedis?: Pick<StartRedisOptions, 'bundledBinary' | 'allowDownload' | 'downloadDir'>;
  /** The clock of the restart window, schedules and commands; default the system clock. */
  now?: () => Date;
  /**
   * §29 desktop app: told when the machine must stay awake (an event active, a schedule firing within 30 min) and
   * when it may sleep again (Electron's powerSaveBlocker). Headless hosts leave it out.
   */
  keepAwake?: (on: boolean, reason: string | null) => void;
}

/** The core's parts, built in order by `Runtime.start()`. */
interface CoreParts {
  queue: EventQueue;
  trades: TradeStore;
  accountState: AccountStateStore;
  reportIndex: ReportIndex;
  history: AccountHistory;
  ib: IbClient;
  feed: Feed;
  processor: Processor;
  scheduler: Scheduler;
  driftMonitor: DriftMonitor;
  cashFlows: CashFlowStore;
  cashFlowDetector: CashFlowDetector;
  setupRecord: SetupRecordStore;
  handlers: Handlers;
}

/**
 * The composition root (STYLE.md "Plain constructors, one root"): builds the core with plain constructors, starts it
 * in order and stops it in reverse. The Electron main process and the headless server both host exactly this.
 */
export class Runtime {
  readonly runId = randomUUID();
  readonly log: Logger;
  readonly tail: LogTail;
  private readonly closeLog: () => Promise<void>;
  private redisHandle: RedisHandle | null = null;
  private conn: RedisClient | null = null;
  /** The parts built by start(), each readable (not replaceable) from outside through its getter below. */
  private readonly parts: Partial<CoreParts> = {};
  /** Replaced when Settings change the allocations URL. */
  private allocations: AllocationClient;
  private ownerLease: OwnerLease | null = null;
  private readonly listeners = new Set<(message: StreamMessage) => void>();
  private readonly orderEvents = new Map<number, string>();
  /** Symbols of the allocations read so far: their contracts are looked up ahead of a signal (§16). */
  private readonly strategySymbols = new Set<string>();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private healthTimer: NodeJS.Timeout | null = null;
  private workstationDay: WorkstationDay | null = null;
  private awakeCheckSoon = false;
  private lastHealth = '';
  private redisUp = false;
  readonly now: () => Date;

  constructor(private readonly options: RuntimeOptions) {
    const settings = options.settingsStore.settings;
    const { log, tail, close } = createLogger({
      level: settings.logLevel,
      logDir: join(options.dataDir, 'logs'),
      stdout: options.logToStdout ?? false,
      secrets: () => this.secretsInForce(),
    });
    this.log = log;
    this.tail = tail;
    this.closeLog = close;
    this.now = options.now ?? (() => new Date());
    this.allocations = this.allocationClient(settings);
  }

  get settings(): Settings {
    return this.options.settingsStore.settings;
  }

  private secretsMemo: { settings: Settings; values: string[] } | null = null;

  /** The secret values of the settings in force, for the logger's scrub (§18); worked out once per settings. */
  private secretsInForce(): string[] {
    const settings = this.options.settingsStore.settings;
    if (this.secretsMemo?.settings !== settings) this.secretsMemo = { settings, values: secretValues(settings) };
    return this.secretsMemo.values;
  }

  /** The embedded or external Redis (null before start). */
  get redis(): RedisHandle | null {
    return this.redisHandle;
  }

  get queue(): EventQueue {
    return this.part('queue');
  }

  get trades(): TradeStore {
    return this.part('trades');
  }

  get accountState(): AccountStateStore {
    return this.part('accountState');
  }

  get ib(): IbClient {
    return this.part('ib');
  }

  get feed(): Feed {
    return this.part('feed');
  }

  get processor(): Processor {
    return this.part('processor');
  }

  get scheduler(): Scheduler {
    return this.part('scheduler');
  }

  get reportIndex(): ReportIndex {
    return this.part('reportIndex');
  }

  get history(): AccountHistory {
    return this.part('history');
  }

  get cashFlows(): CashFlowStore {
    return this.part('cashFlows');
  }

  get cashFlowDetector(): CashFlowDetector {
    return this.part('cashFlowDetector');
  }

  get driftMonitor(): DriftMonitor {
    return this.part('driftMonitor');
  }

  /** The management operations (§11) over this core's parts, for the IPC and HTTP transports. */
  get handlers(): Handlers {
    return this.part('handlers');
  }

  private part<K extends keyof CoreParts>(name: K): CoreParts[K] {
    const value = this.parts[name];
    if (value === undefined) throw new Error(`the core is not started: it has no ${name} yet`);
    return value;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Problems with the settings file at start-up (the last good settings are in force), for the Settings page. */
  loadIssues(): { path: string; message: string }[] {
    return this.options.loadOutcome.error?.issues ?? [];
  }

  async saveSettings(next: Settings): Promise<void> {
    await this.options.settingsStore.save(next);
    this.options.loadOutcome = { ...this.options.loadOutcome, error: null };
  }

  get simulated(): boolean {
    return this.options.simulator !== undefined;
  }

  async start(): Promise<void> {
    const settings = this.settings;
    const log = this.log;
    if (this.options.loadOutcome.error) {
      log.error({ issues: this.options.loadOutcome.error.issues }, this.options.loadOutcome.error.message);
    }

    const redisHandle = await startRedis({
      url: settings.redis.url,
      tls: settings.redis.tls,
      sentinel: settings.redis.sentinel,
      cluster: settings.redis.cluster,
      binary: settings.redis.binary,
      dataDir: this.options.dataDir,
      log: log.child({ tag: 'redis' }),
      ...this.options.embeddedRedis,
    });
    this.redisHandle = redisHandle;
    this.redisUp = true;
    this.stops.push(() => redisHandle.stop());
    this.conn = redisHandle.client('core');
    this.conn.on('error', (error: Error) => {
      if (this.redisUp) log.error({ tag: 'redis', err: error.message }, 'redis connection error');
      this.redisUp = false;
      this.pushHealthSoon();
    });
    this.conn.on('ready', () => {
      this.redisUp = true;
      this.pushHealthSoon();
    });

    const prefix = settings.redis.keyPrefix;
    if (!isCluster(this.conn)) await migrateLegacyKeys(this.conn, prefix, log.child({ tag: 'queue' }));
    const queue = new EventQueue({
      redis: this.conn,
      minReplicas: settings.redis.minReplicas,
      keyPrefix: prefix,
      retryDelayMs: settings.queue.retryDelayMs,
      leaseMs: settings.queue.leaseMs,
      historyLimit: settings.queue.historyLimit,
      retainDoneDays: settings.queue.retainDoneDays,
      runId: this.runId,
      log: log.child({ tag: 'queue' }),
    });
    this.parts.queue = queue;
    await queue.start();
    this.stops.push(() => queue.stop());
    const trades = new TradeStore(this.conn, prefix);
    this.parts.trades = trades;
    const accountState = new AccountStateStore(this.conn, prefix);
    this.parts.accountState = accountState;
    this.parts.cashFlows = new CashFlowStore(this.conn, prefix);
    this.parts.setupRecord = new SetupRecordStore(this.conn, prefix);
    // §20 GET /api/reports: an index of the done rebalances with a report; done events from before it are indexed once.
    const reportIndex = new ReportIndex({
      redis: this.conn,
      keyPrefix: prefix,
      retainDoneDays: () => this.settings.queue.retainDoneDays,
      log: log.child({ tag: 'queue' }),
    });
    this.parts.reportIndex = reportIndex;
    reportIndex.catchUp().catch((error: Error) => log.warn({ err: error.message }, 'reports not indexed yet'));
    // §25 NAV and drift samples (each drift check, each finished rebalance), kept 400 days.
    this.parts.history = new AccountHistory({ redis: this.conn, keyPrefix: prefix, now: () => this.now().getTime() });

    const ib = new IbClient({
      host: settings.ib.host,
      port: settings.ib.port,
      clientId: settings.ib.clientId,
      clientIdStore: this.clientIdStore(),
      // §24: order ids never reused across restarts of the app or of IB Gateway.
      orderIdStore: new RedisOrderIdStore(this.conn, prefix),
      marketDataType: settings.ib.marketDataType,
      connectTimeoutMs: settings.ib.connectTimeoutMs,
      requestTimeoutMs: settings.ib.requestTimeoutMs,
      reconnectDelayMs: settings.ib.reconnectDelayMs,
      log: log.child({ tag: 'ib' }),
    });
    this.parts.ib = ib;
    const recordTrade = (trade: TradeRecord) => {
      const record = { ...trade, eventId: this.orderEvents.get(trade.orderId ?? -1) ?? trade.eventId };
      trades.add(record).catch((error: Error) => log.error({ err: error.message }, 'trade record not saved'));
    };
    ib.on('order', recordTrade);
    ib.on('fill', recordTrade);
    ib.on('state', (status) => {
      this.pushHealthSoon();
      if (status.state === 'connected') ib.warmContracts([...this.strategySymbols]);
    });
    await ib.start();
    this.stops.push(() => ib.stop());

    // Feed and commands ask through this, so a new allocations URL in Settings applies at once.
    const allocations = {
      getAllocations: async (strategy: string) => {
        const set = await this.allocations.getAllocations(strategy);
        for (const a of set.allocations) this.strategySymbols.add(a.symbol);
        ib.contracts.warm(set.allocations.map((a) => a.symbol));
        return set;
      },
    };

    const feed = new Feed({
      sink: queue,
      allocations,
      rebalanceMemory: accountState,
      log: log.child({ tag: 'feed' }),
      ...(this.options.createRealtime ? { createRealtime: this.options.createRealtime } : {}),
    });
    this.parts.feed = feed;
    feed.on('state', () => this.pushHealthSoon());
    feed.on('log', (entry) => this.broadcast({ type: 'feed', entry }));
    feed.on('missed', () => this.broadcast({ type: 'accounts' }));

    // Built per notification from the settings in force, so ntfy / desktop changes apply at once.
    const notifier: Notifier = { notify: (n) => this.notifier(this.settings).notify(n) };
    const processor = new Processor({
      queue,
      handlers: commandHandlers({
        ib,
        allocations,
        settings: () => this.settings,
        ownClientId: () => ib.clientId,
        accountState: {
          get: (accountId) => accountState.get(accountId),
          update: async (accountId, change) => {
            const state = await accountState.update(accountId, change);
            if (change.lastRebalance) feed.noteRebalanced(accountId, change.lastRebalance.asOf);
            return state;
          },
        },
        trackOrder: (orderId, eventId) => this.orderEvents.set(orderId, eventId),
        now: this.now,
      }),
      concurrency: settings.queue.concurrency,
      leaseMs: settings.queue.leaseMs,
      holdOn: () => this.settings.queue.holdOn,
      retryDelayMs: () => this.settings.queue.retryDelayMs,
      log: log.child({ tag: 'processor' }),
      notifier,
      classify: classifyFailure,
      isLive: (event) => this.settings.accounts.find((a) => a.accountId === event.accountId)?.type === 'live',
      runId: this.runId,
    });
    this.parts.processor = processor;

    queue.onChange((change) => {
      this.broadcast({ type: 'queue', change });
      if (change.to === 'done' || change.action === 'failed') this.recordResult(change.id);
      this.pushHealthSoon();
    });
    this.tail.subscribe((line) => this.broadcast({ type: 'log', line }));
    trades.onTrade((trade) => this.broadcast({ type: 'trade', trade }));

    this.parts.handlers = createManagementHandlers(this.managementPorts());

    // §22: only the core holding the processing lease claims work; the others stand by (window, API, feed) and take
    // over within queue.leaseMs of the owner going silent. Events left in processing by the previous owner (an
    // earlier run of this core, or a dead one elsewhere) return to the queue at once when this core takes over.
    this.ownerLease = new OwnerLease({
      redis: this.conn,
      keyPrefix: prefix,
      leaseMs: settings.queue.leaseMs,
      runId: this.runId,
      log: log.child({ tag: 'processor' }),
      onAcquired: async () => {
        const recovered = await queue.recoverAll();
        if (recovered > 0) log.warn({ recovered }, `returned ${recovered} interrupted event(s) to the queue`);
        processor.start();
        this.pushHealthSoon();
      },
      onLost: async () => {
        await processor.stop(0);
        this.pushHealthSoon();
      },
    });
    const lease = this.ownerLease;
    this.stops.push(() => lease.stop());
    this.stops.push(() => processor.stop(this.options.stopGraceMs ?? 10_000));
    await lease.start();
    // The IB light follows the restart window in and out without any other change to push it.
    const windowTimer = setInterval(() => this.pushHealthSoon(), 15_000);
    windowTimer.unref();
    this.stops.push(() => clearInterval(windowTimer));
    await feed.start(settings);
    this.stops.push(() => feed.stop());

    // Scheduled commands (§21): firings from now on; the same firing from another core is a duplicate by id.
    const scheduler = new Scheduler({
      settings: () => this.settings,
      enqueue: async (event) => {
        const result = await queue.enqueue(event, 'schedule');
        this.broadcast({ type: 'accounts' }); // the card's next firing moved on
        return result;
      },
      now: this.now,
      drift: async (accountId) => (await accountState.get(accountId)).drift?.percent ?? null,
      log: log.child({ tag: 'schedule' }),
    });
    this.parts.scheduler = scheduler;
    scheduler.start();
    this.stops.push(() => scheduler.stop());
    this.startWorkstationDay(queue, scheduler, ib, feed);

    // §20 drift monitor: read-only checks on the owning core; the crossing's notification and rebalance from there.
    const driftMonitor = new DriftMonitor({
      settings: () => this.settings,
      ib,
      targets: (account) => this.driftTargets(allocations, account),
      accountState,
      notifier,
      enqueue: (event) => queue.enqueue(event, 'drift'),
      isOwner: () => this.ownerLease?.status.role === 'owner',
      now: this.now,
      log: log.child({ tag: 'drift' }),
      onSample: (sample) => this.sample(sample),
      onChecked: () => this.broadcast({ type: 'accounts' }),
    });
    this.parts.driftMonitor = driftMonitor;
    driftMonitor.start();
    this.stops.push(() => driftMonitor.stop());

    // §27 cash flows: deposits and withdrawals the fills do not explain, on the owning core.
    const cashFlowDetector = new CashFlowDetector({
      settings: () => this.settings,
      ib,
      store: this.cashFlows,
      notifier,
      enqueue: (event) => queue.enqueue(event, 'cash-flow'),
      busy: async (accountId) => (await queue.list({ state: 'active', accountId, limit: 1 })).total > 0,
      isOwner: () => this.ownerLease?.status.role === 'owner',
      now: this.now,
      log: log.child({ tag: 'cash-flow' }),
      onRecorded: () => this.broadcast({ type: 'accounts' }),
    });
    this.parts.cashFlowDetector = cashFlowDetector;
    cashFlowDetector.start();
    this.stops.push(() => cashFlowDetector.stop());
    log.info({ dataDir: this.options.dataDir, redis: redisHandle.kind }, 'rebalance desk started');
  }

  /** §29: keeps the machine awake while needed (desktop app only), re-decided on queue changes and every minute. */
  private startWorkstationDay(queue: EventQueue, scheduler: Scheduler, ib: IbClient, feed: Feed): void {
    const keepAwake = this.options.keepAwake;
    if (!keepAwake) return;
    const day = new WorkstationDay({
      now: this.now,
      settings: () => this.settings,
      activeEvents: async () => (await queue.status()).counts.active,
      keepAwake,
      reconnect: () => {
        ib.reconnectNow('the computer woke from sleep: reconnecting');
        feed.resumed();
      },
      catchUp: () => undefined, // feed.resumed() runs the catch-up with its reconnect
      fireMissed: (from, graceMs) => scheduler.fireMissed(from, graceMs),
      log: this.log.child({ tag: 'schedule' }),
    });
    this.workstationDay = day;
    const evaluateSoon = () => {
      if (this.awakeCheckSoon) return;
      this.awakeCheckSoon = true;
      setTimeout(() => {
        this.awakeCheckSoon = false;
        void day.evaluate();
      }, 500).unref();
    };
    const unsubscribe = queue.onChange(evaluateSoon);
    const timer = setInterval(() => void day.evaluate(), 60_000);
    timer.unref();
    void day.evaluate();
    this.stops.push(() => {
      clearInterval(timer);
      unsubscribe();
      this.workstationDay = null;
      keepAwake(false, null);
    });
  }

  /** §29: the machine is going to sleep (desktop app, powerMonitor 'suspend'). */
  suspended(): void {
    this.workstationDay?.suspended();
  }

  /** §29: the machine woke: reconnect IB and the feed, catch up, fire schedules missed within the grace. */
  async resumed(): Promise<FiringOutcome[]> {
    return (await this.workstationDay?.resumed()) ?? [];
  }

  /** Stops in reverse order: feed, processor (lets the running command finish or hands it back), IB, queue, Redis. */
  async stop(): Promise<void> {
    if (this.healthTimer) clearTimeout(this.healthTimer);
    while (this.stops.length > 0) {
      const stop = this.stops.pop()!;
      try {
        await stop();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'error while stopping');
      }
    }
    this.listeners.clear();
    await this.closeLog();
  }

  /** Applies saved settings at run time: log level, feed channels and accounts; IB address changes reconnect. */
  async applySettings(previous: Settings, next: Settings): Promise<void> {
    this.log.level = next.logLevel;
    if (previous.zehnlabs.allocationsUrl !== next.zehnlabs.allocationsUrl)
      this.allocations = this.allocationClient(next);
    await this.feed.update(next);
    this.scheduler.settingsChanged();
    this.driftMonitor.settingsChanged();
    if (
      previous.ib.host !== next.ib.host ||
      previous.ib.port !== next.ib.port ||
      previous.ib.clientId !== next.ib.clientId
    ) {
      this.log.warn('IB Gateway address changed: restart the app to connect to the new address');
    }
    this.broadcast({ type: 'config' });
    this.broadcast({ type: 'accounts' });
    this.pushHealthSoon();
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  broadcast(message: StreamMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'stream listener failed');
      }
    }
  }

  /** The status strip's lights (§11 `health`), aggregated in health.ts from this core's parts. */
  async health(): Promise<Health> {
    const conn = this.conn;
    const handle = this.redisHandle;
    return collectHealth({
      redis: conn && handle ? { ping: () => conn.ping(), description: handle.description } : null,
      ib: () => this.ib.status(),
      restartWindow: this.settings.ib.restartWindow,
      now: this.now,
      feed: () => this.feed.health(),
      queueStatus: () => this.queue.status(),
      processor: () => this.processor.status,
      owner: () => this.ownerLease?.status,
      concurrency: this.settings.queue.concurrency,
      tradingMode: this.settings.tradingMode,
      simulated: this.simulated,
    });
  }

  /**
   * §29 Check setup over this core's own connections (Redis, the IB client, the allocation client in force) plus a
   * short-lived realtime connection; each result is pushed to the window (`setup-check`) as it finishes.
   */
  async checkSetup(): Promise<SetupCheckReport> {
    const at = new Date(this.now().getTime()).toISOString();
    const conn = this.conn;
    const handle = this.redisHandle;
    const report = await checkSetup({
      settings: this.settings,
      dataDir: this.dataDir,
      redis: () => {
        if (!conn || !handle) return Promise.reject(new Error('the core has no Redis connection'));
        if (!this.redisUp) return Promise.reject(new Error(`${handle.description} does not answer`));
        return redisFacts(conn, handle.description);
      },
      gateways: [{ id: 'default', ib: this.ib }],
      allocations: this.allocations,
      realtime: () => probeRealtime(this.settings, this.options.createRealtime),
      freeBytes,
      now: () => this.now().getTime(),
      onCheck: (check) => this.broadcast({ type: 'setup-check', at, check }),
    });
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    const warnings = report.checks.filter((c) => c.status === 'warn').length;
    // §26 Get started ticks "Check setup passed" from the last run.
    await this.parts.setupRecord
      ?.noteCheck({ at, failed: [...new Set(failed)], warnings })
      .then(() => this.broadcast({ type: 'setup' }))
      .catch((error: Error) => this.log.warn({ err: error.message }, 'check setup result not remembered'));
    this.log.info(
      { tag: 'setup', failed },
      failed.length > 0 ? `check setup: ${failed.join(', ')} failed` : 'check setup: no failure',
    );
    return { ...report, at };
  }

  /** The narrow ports management works through (management/ports.ts): only what its operations use. */
  private managementPorts(): ManagementPorts {
    return {
      queue: this.queue,
      settings: {
        current: () => this.settings,
        loadIssues: () => this.loadIssues(),
        saveAndApply: async (next) => {
          const previous = this.settings;
          await this.saveSettings(next);
          await this.applySettings(previous, this.settings);
        },
        dataDir: this.dataDir,
        simulated: this.simulated,
      },
      health: () => this.health(),
      processing: { wake: () => this.processor.wakeAll(), healthChanged: () => this.pushHealthSoon() },
      accountStates: this.accountState,
      money: (accountIds) => this.ib.money(accountIds),
      history: this.history,
      nextScheduledRun: (accountId) => this.parts.scheduler?.nextRun(accountId) ?? null,
      feed: {
        missedSignals: () => this.feed.missedSignals(),
        enqueueCatchUp: (accountId) => this.feed.enqueueCatchUp(accountId),
        feedLog: () => this.feed.feedLog(),
      },
      logs: this.tail,
      trades: this.trades,
      reports: this.reportIndex,
      strategies: () => this.allocations.listStrategies(),
      checkSetup: () => this.checkSetup(),
      setup: this.part('setupRecord'),
      ...(this.options.simulator ? { simulator: this.options.simulator } : {}),
      netLiquidation: (accountId) => this.netLiquidationNow(accountId),
      cashFlows: this.cashFlows,
    };
  }

  /** §27: the account's net liquidation from the gateway within a few seconds, or null when it cannot say. */
  private async netLiquidationNow(accountId: string): Promise<number | null> {
    if (this.ib.status().state !== 'connected') return null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), NET_LIQUIDATION_WAIT_MS);
    });
    try {
      const equity = this.ib.getEquity(accountId).then(
        (e) => (Number.isFinite(e.netLiquidation) ? e.netLiquidation : null),
        () => null,
      );
      return await Promise.race([equity, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Debounced health push for the status strip; only sent when something changed. */
  pushHealthSoon(): void {
    if (this.healthTimer || this.listeners.size === 0) return;
    this.healthTimer = setTimeout(() => {
      this.healthTimer = null;
      this.health().then(
        (health) => {
          const text = JSON.stringify(health);
          if (text === this.lastHealth) return;
          this.lastHealth = text;
          this.broadcast({ type: 'health', health });
        },
        (error: Error) => this.log.warn({ err: error.message }, 'health check failed'),
      );
    }, 150);
    this.healthTimer.unref();
  }

  /** Keeps the last result of each account (done or failed) for the Accounts page. */
  private recordResult(id: string): void {
    this.queue.get(id).then(
      (detail) => {
        const event: EventRecord | undefined = detail?.event;
        if (!event) return;
        const ok = event.status === 'done';
        if (ORDER_COMMANDS.includes(event.command)) {
          // §27: the cash right after this app's own orders becomes the baseline, so its fills are never a cash flow.
          this.parts.cashFlowDetector
            ?.check(event.accountId)
            .catch((error: Error) => this.log.warn({ err: error.message }, 'cash-flow check failed'));
        }
        if (ok && event.command === 'print-rebalance') {
          // §26 Get started: the first finished preview ticks "a first preview".
          this.parts.setupRecord
            ?.notePreview({ at: event.updatedAt, accountId: event.accountId, eventId: event.id })
            .then((first) => first && this.broadcast({ type: 'setup' }))
            .catch((error: Error) => this.log.warn({ err: error.message }, 'first preview not remembered'));
        }
        if (ok) {
          this.reportIndex
            .add(event)
            .catch((error: Error) => this.log.warn({ err: error.message }, 'report not indexed'));
          this.sampleAfterRebalance(event);
        }
        // §26: a lookup (print-*) never replaces the card's last rebalance result.
        const lastResult = lastResultOf(event);
        if (!lastResult) return;
        void this.accountState
          .update(event.accountId, { lastResult })
          .then(() => this.broadcast({ type: 'accounts' }))
          .catch((error: Error) => this.log.warn({ err: error.message }, 'last result not saved'));
      },
      () => undefined,
    );
  }

  /** Stores a §25 history sample; a failed write is logged, never thrown into the check or the queue listener. */
  private sample(sample: HistorySample): void {
    this.history
      .record(sample)
      .catch((error: Error) =>
        this.log.warn({ accountId: sample.accountId, err: error.message }, 'history sample not saved'),
      );
  }

  /**
   * §25: after a finished rebalance with a report, its drift after and the NAV IB reports after its fills. Only the core that owns
   * processing samples (the one that traded), so several cores do not write one rebalance twice.
   */
  private sampleAfterRebalance(event: EventRecord): void {
    if (event.command !== 'rebalance' || this.ownerLease?.status.role !== 'owner') return;
    const report = (event.result as { report?: { totals?: { driftAfter?: unknown } } } | null)?.report;
    const drift = report?.totals?.driftAfter;
    if (typeof drift !== 'number') return;
    // getEquity waits for (or renews) a summary that reflects the fills, unlike the money cache.
    this.ib.getEquity(event.accountId).then(
      (equity) => this.sample({ accountId: event.accountId, at: event.updatedAt, drift, nav: equity.netLiquidation }),
      () => this.sample({ accountId: event.accountId, at: event.updatedAt, drift }),
    );
  }

  /**
   * The drift monitor's targets of an account, read as a preview reads them (allocation API, replacement set); when
   * the API cannot be read, the weights the account was last rebalanced to.
   */
  private async driftTargets(
    allocations: { getAllocations: AllocationClient['getAllocations'] },
    account: AccountSettings,
  ): Promise<Record<string, number>> {
    try {
      const targets = await targetsFor(
        { allocations, settings: () => this.settings, accountState: this.accountState },
        account,
      );
      return weightsByTarget(targets.allocations);
    } catch (error) {
      const last = (await this.accountState.get(account.accountId)).lastTargetWeights;
      if (!last) throw error;
      this.log.warn(
        { tag: 'drift', accountId: account.accountId, err: (error as Error).message },
        'allocations not read; drift measured against the last rebalanced-to weights',
      );
      return last;
    }
  }

  private allocationClient(settings: Settings): AllocationClient {
    return new AllocationClient({
      baseUrl: settings.zehnlabs.allocationsUrl,
      apiKey: () => this.settings.zehnlabs.allocationsApiKey,
      timeoutMs: settings.ib.requestTimeoutMs,
      log: this.log.child({ tag: 'allocations' }),
    });
  }

  private notifier(settings: Settings): Notifier {
    const list: Notifier[] = [];
    if (this.options.notifier && settings.notifications.desktop) list.push(this.options.notifier);
    if (settings.notifications.ntfyUrl && settings.notifications.ntfyTopic) {
      list.push(new NtfyNotifier(settings.notifications.ntfyUrl, settings.notifications.ntfyTopic));
    }
    return new CompositeNotifier(list, this.log);
  }

  /** The client id drawn once per installation (§9), kept in `<dataDir>/ib-client-id.json`. */
  private clientIdStore() {
    const file = join(this.options.dataDir, 'ib-client-id.json');
    return {
      load: async (): Promise<number | null> => {
        try {
          const value = (JSON.parse(await readFile(file, 'utf8')) as { clientId?: unknown }).clientId;
          return typeof value === 'number' && Number.isInteger(value) ? value : null;
        } catch {
          return null;
        }
      },
      save: async (clientId: number): Promise<void> => {
        await mkdir(this.options.dataDir, { recursive: true });
        await writeFile(file, `${JSON.stringify({ clientId })}\n`);
      },
    };
  }
}
