import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type * as Ably from 'ably';
import type { Handlers, SetupCheckReport, StreamMessage } from '../shared/contract';
import type { Health } from '../shared/dto';
import { gatewayName, type GatewaySpec } from '../shared/gateways';
import { AllocationClient } from './allocations/allocation-client';
import { AllocationsInForce } from './allocations/allocations-in-force';
import { CashFlowDetector } from './cashflow/cash-flow-detector';
import type { Settings } from './config/schema';
import type { LoadOutcome, SettingsStore } from './config/settings-store';
import { secretValues } from './config/secrets';
import { DriftMonitor } from './drift/drift-monitor';
import { driftTargets } from './drift/drift-targets';
import { Feed } from './feed/feed';
import { collectHealth } from './health';
import { clientIdFile } from './ib/client-id-file';
import { gatewayListChanged, IbGateways } from './ib/gateways';
import { IbClient } from './ib/ib-client';
import { netLiquidationWithin } from './ib/net-liquidation';
import { createLogger, type Logger, type LogOutput, type LogTail } from './log/logger';
import { createManagementHandlers } from './management/handlers';
import type { ManagementPorts, SimulatorHooks } from './management/ports';
import { notifierFor, type Notifier } from './notify/notifier';
import { classifyFailure } from './processor/classify';
import { commandHandlers } from './processor/commands';
import { OrderEvents, tradeRecorder } from './processor/order-events';
import { Processor } from './processor/processor';
import { EventQueue } from './queue/event-queue';
import { migrateLegacyKeys } from './queue/migrate-keys';
import { OwnerLease } from './queue/owner-lease';
import { AccountHistory } from './records/account-history';
import { AccountStateStore } from './records/account-state';
import { CashFlowStore } from './records/cash-flow-store';
import { EventResults } from './records/event-results';
import { RedisOrderIdStore } from './records/order-ids';
import { ReportIndex } from './records/report-index';
import { TradeStore } from './records/trade-store';
import { SetupRecordStore } from './records/setup-record';
import { redisFacts } from './redis/redis-facts';
import { startRedis, type RedisHandle, type StartRedisOptions } from './redis/redis-server';
import { isCluster, type RedisClient } from './redis/topology';
import { Scheduler, type FiringOutcome } from './schedules/scheduler';
import { runWorkstationDay, WorkstationDay } from './schedules/workstation-day';
import { checkSetup } from './setup/check-setup';
import { freeBytes } from './setup/disk';
import { probeRealtime } from './setup/realtime-probe';
import { HealthPush, StreamHub } from './stream-hub';

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
  /** The "default" gateway's IB client (the `ib` block). */
  ib: IbClient;
  /** §28: every gateway's IB client, "default" first. */
  gateways: IbGateways;
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
 * Wiring only: each rule lives in the folder it serves (records/event-results, processor/order-events,
 * drift/drift-targets, ib/client-id-file, allocations/allocations-in-force, stream-hub …) and is handed its
 * collaborators here.
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
  private readonly hub: StreamHub;
  private readonly healthPush: HealthPush;
  private readonly orderEvents = new OrderEvents();
  /** What is kept of a finished event (built with the stores). */
  private results: EventResults | null = null;
  private readonly stops: (() => Promise<void> | void)[] = [];
  private workstationDay: WorkstationDay | null = null;
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
    this.hub = new StreamHub(log);
    this.healthPush = new HealthPush(this.hub, () => this.health(), log);
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

  /** The "default" gateway's IB client (the `ib` block); `gateways` has every gateway's. */
  get ib(): IbClient {
    return this.part('ib');
  }

  /** §28: one IB client per gateway. */
  get gateways(): IbGateways {
    return this.part('gateways');
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

  /**
   * Builds and starts the core, each step in its own method below, in this order; each step that starts something
   * pushes its stop, and `stop()` runs them in reverse.
   */
  async start(): Promise<void> {
    this.reportLoadIssues();
    const conn = await this.startRedis();
    const queue = await this.startQueue(conn);
    const stores = this.buildStores(conn);
    const { gateways, allocations } = await this.startIb(conn);
    const feed = this.buildFeed(queue, allocations);
    const notifier = this.settingsNotifier();
    const processor = this.buildProcessor(queue, gateways, allocations, feed, notifier);
    this.wireStream(queue, stores.trades);
    this.parts.handlers = createManagementHandlers(this.managementPorts());
    await this.startOwnerLease(conn, queue, processor);
    this.startRestartWindowPush();
    await feed.start(this.settings);
    this.stops.push(() => feed.stop());
    const scheduler = this.startScheduler(queue);
    this.startWorkstationDay(queue, scheduler, gateways, feed);
    this.startDriftMonitor(queue, gateways, allocations, notifier);
    this.startCashFlowDetector(queue, gateways, notifier);
    this.log.info({ dataDir: this.options.dataDir, redis: this.redisHandle?.kind }, 'rebalance desk started');
  }

  /** The settings file's problems at start-up (the last good settings are in force) go to the log. */
  private reportLoadIssues(): void {
    const error = this.options.loadOutcome.error;
    if (error) this.log.error({ issues: error.issues }, error.message);
  }

  /** The embedded or configured Redis and the core's connection to it, whose state feeds the Redis light. */
  private async startRedis(): Promise<RedisClient> {
    const settings = this.settings;
    const log = this.log;
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
    const conn = redisHandle.client('core');
    this.conn = conn;
    conn.on('error', (error: Error) => {
      if (this.redisUp) log.error({ tag: 'redis', err: error.message }, 'redis connection error');
      this.redisUp = false;
      this.pushHealthSoon();
    });
    conn.on('ready', () => {
      this.redisUp = true;
      this.pushHealthSoon();
    });
    return conn;
  }

  /** The event queue (§4), after moving keys of an older layout (not on Cluster). */
  private async startQueue(conn: RedisClient): Promise<EventQueue> {
    const settings = this.settings;
    const prefix = settings.redis.keyPrefix;
    const log = this.log.child({ tag: 'queue' });
    if (!isCluster(conn)) await migrateLegacyKeys(conn, prefix, log);
    const queue = new EventQueue({
      redis: conn,
      minReplicas: settings.redis.minReplicas,
      keyPrefix: prefix,
      retryDelayMs: settings.queue.retryDelayMs,
      leaseMs: settings.queue.leaseMs,
      historyLimit: settings.queue.historyLimit,
      retainDoneDays: settings.queue.retainDoneDays,
      runId: this.runId,
      log,
    });
    this.parts.queue = queue;
    await queue.start();
    this.stops.push(() => queue.stop());
    return queue;
  }

  /** The records beside the queue: trades, account states, cash flows, the reports index, the account history. */
  private buildStores(conn: RedisClient): { trades: TradeStore } {
    const prefix = this.settings.redis.keyPrefix;
    const log = this.log;
    const trades = new TradeStore(conn, prefix);
    this.parts.trades = trades;
    this.parts.accountState = new AccountStateStore(conn, prefix);
    this.parts.cashFlows = new CashFlowStore(conn, prefix);
    this.parts.setupRecord = new SetupRecordStore(conn, prefix);
    // §20 GET /api/reports: an index of the done rebalances with a report; done events from before it are indexed once.
    const reportIndex = new ReportIndex({
      redis: conn,
      keyPrefix: prefix,
      retainDoneDays: () => this.settings.queue.retainDoneDays,
      log: log.child({ tag: 'queue' }),
    });
    this.parts.reportIndex = reportIndex;
    reportIndex.catchUp().catch((error: Error) => log.warn({ err: error.message }, 'reports not indexed yet'));
    // §25 NAV and drift samples (each drift check, each finished rebalance), kept 400 days.
    const history = new AccountHistory({ redis: conn, keyPrefix: prefix, now: () => this.now().getTime() });
    this.parts.history = history;
    this.results = new EventResults({
      queue: { get: (id) => this.queue.get(id) },
      accountState: this.accountState,
      reports: reportIndex,
      history,
      cashFlowCheck: (accountId) => this.parts.cashFlowDetector?.check(accountId),
      netLiquidation: async (accountId) =>
        (await this.gateways.forAccount(this.settings, accountId).ib.getEquity(accountId)).netLiquidation,
      isOwner: () => this.isOwner(),
      accountsChanged: () => this.broadcast({ type: 'accounts' }),
      previewDone: (preview) =>
        this.parts.setupRecord?.notePreview(preview).then((first) => first && this.broadcast({ type: 'setup' })),
      log,
    });
    return { trades };
  }

  /**
   * The IB clients (§9), one per gateway (§28: each with its own client id file, order ids, market data, pacing budget
   * and reconnect loop), their trades saved under their events (§24), and the allocations read through the client in
   * force, whose contracts are looked up ahead of a signal on every gateway and again on each gateway's reconnect (§16).
   */
  private async startIb(conn: RedisClient): Promise<{ gateways: IbGateways; allocations: AllocationsInForce }> {
    const settings = this.settings;
    const log = this.log;
    const gateways = new IbGateways(settings, (spec) => this.ibClient(spec, conn));
    this.parts.gateways = gateways;
    this.parts.ib = gateways.default.ib;
    const allocations = new AllocationsInForce(
      () => this.allocations,
      (symbols) => gateways.warmContracts(symbols),
    );
    for (const { spec, ib } of gateways.list()) {
      const recordTrade = tradeRecorder(this.orderEvents, this.trades, log, spec.id);
      ib.on('order', recordTrade);
      ib.on('fill', recordTrade);
      ib.on('state', (status) => {
        this.pushHealthSoon();
        if (status.state === 'connected') ib.warmContracts([...allocations.symbols]);
      });
    }
    await gateways.start();
    this.stops.push(() => gateways.stop());
    return { gateways, allocations };
  }

  /** The IB client of one gateway; the `ib` block's timeouts and market data type apply to every gateway. */
  private ibClient(spec: GatewaySpec, conn: RedisClient): IbClient {
    const settings = this.settings;
    return new IbClient({
      host: spec.host,
      port: spec.port,
      clientId: spec.clientId,
      // "default" keeps ib-client-id.json; another gateway its own ib-client-id.<id>.json.
      clientIdStore: clientIdFile(this.options.dataDir, spec.id),
      // §24: order ids never reused across restarts of the app or of IB Gateway; kept apart per gateway (§28).
      orderIdStore: new RedisOrderIdStore(conn, settings.redis.keyPrefix, spec.id),
      marketDataType: settings.ib.marketDataType,
      connectTimeoutMs: settings.ib.connectTimeoutMs,
      requestTimeoutMs: settings.ib.requestTimeoutMs,
      reconnectDelayMs: settings.ib.reconnectDelayMs,
      log: this.log.child(spec.id === 'default' ? { tag: 'ib' } : { tag: 'ib', gateway: spec.id }),
    });
  }

  /** The signal feed (§5, §6): events into the queue; its state, log and missed signals go to the window. */
  private buildFeed(queue: EventQueue, allocations: AllocationsInForce): Feed {
    const feed = new Feed({
      sink: queue,
      allocations,
      rebalanceMemory: this.accountState,
      log: this.log.child({ tag: 'feed' }),
      ...(this.options.createRealtime ? { createRealtime: this.options.createRealtime } : {}),
    });
    this.parts.feed = feed;
    feed.on('state', () => this.pushHealthSoon());
    feed.on('log', (entry) => this.broadcast({ type: 'feed', entry }));
    feed.on('missed', () => this.broadcast({ type: 'accounts' }));
    return feed;
  }

  /** Built per notification from the settings in force, so ntfy / desktop changes apply at once. */
  private settingsNotifier(): Notifier {
    return { notify: (n) => notifierFor(this.settings.notifications, this.options.notifier, this.log).notify(n) };
  }

  /** The processor (§8) running the commands (§7); started and stopped by the processing lease. */
  private buildProcessor(
    queue: EventQueue,
    gateways: IbGateways,
    allocations: AllocationsInForce,
    feed: Feed,
    notifier: Notifier,
  ): Processor {
    const settings = this.settings;
    const accountState = this.accountState;
    const processor = new Processor({
      queue,
      handlers: commandHandlers({
        ib: gateways.default.ib,
        // §28: each event runs against its account's gateway (restart window, client id, connection).
        gatewayFor: (accountId) => gateways.routeFor(this.settings, accountId),
        allocations,
        settings: () => this.settings,
        ownClientId: () => gateways.default.ib.clientId,
        accountState: {
          get: (accountId) => accountState.get(accountId),
          update: async (accountId, change) => {
            const state = await accountState.update(accountId, change);
            if (change.lastRebalance) feed.noteRebalanced(accountId, change.lastRebalance.asOf);
            return state;
          },
        },
        trackOrder: (orderId, eventId, gateway) => this.orderEvents.track(orderId, eventId, gateway),
        now: this.now,
      }),
      concurrency: settings.queue.concurrency,
      leaseMs: settings.queue.leaseMs,
      holdOn: () => this.settings.queue.holdOn,
      retryDelayMs: () => this.settings.queue.retryDelayMs,
      log: this.log.child({ tag: 'processor' }),
      notifier,
      classify: classifyFailure,
      isLive: (event) => this.settings.accounts.find((a) => a.accountId === event.accountId)?.type === 'live',
      runId: this.runId,
    });
    this.parts.processor = processor;
    return processor;
  }

  /** The push stream (§11 subscribe): queue changes, log lines and trades; a finished event's result is kept. */
  private wireStream(queue: EventQueue, trades: TradeStore): void {
    queue.onChange((change) => {
      this.broadcast({ type: 'queue', change });
      if (change.to === 'done' || change.action === 'failed') this.results?.record(change.id);
      this.pushHealthSoon();
    });
    this.tail.subscribe((line) => this.broadcast({ type: 'log', line }));
    trades.onTrade((trade) => this.broadcast({ type: 'trade', trade }));
  }

  /**
   * §22: only the core holding the processing lease claims work; the others stand by (window, API, feed) and take
   * over within queue.leaseMs of the owner going silent. Events left in processing by the previous owner (an earlier
   * run of this core, or a dead one elsewhere) return to the queue at once when this core takes over.
   */
  private async startOwnerLease(conn: RedisClient, queue: EventQueue, processor: Processor): Promise<void> {
    const settings = this.settings;
    const log = this.log;
    const lease = new OwnerLease({
      redis: conn,
      keyPrefix: settings.redis.keyPrefix,
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
    this.ownerLease = lease;
    this.stops.push(() => lease.stop());
    this.stops.push(() => processor.stop(this.options.stopGraceMs ?? 10_000));
    await lease.start();
  }

  /** The IB light follows the restart window in and out without any other change to push it. */
  private startRestartWindowPush(): void {
    const windowTimer = setInterval(() => this.pushHealthSoon(), 15_000);
    windowTimer.unref();
    this.stops.push(() => clearInterval(windowTimer));
  }

  /** Scheduled commands (§21): firings from now on; the same firing from another core is a duplicate by id. */
  private startScheduler(queue: EventQueue): Scheduler {
    const accountState = this.accountState;
    const scheduler = new Scheduler({
      settings: () => this.settings,
      enqueue: async (event) => {
        const result = await queue.enqueue(event, 'schedule');
        this.broadcast({ type: 'accounts' }); // the card's next firing moved on
        return result;
      },
      now: this.now,
      drift: async (accountId) => (await accountState.get(accountId)).drift?.percent ?? null,
      log: this.log.child({ tag: 'schedule' }),
    });
    this.parts.scheduler = scheduler;
    scheduler.start();
    this.stops.push(() => scheduler.stop());
    return scheduler;
  }

  /** §20 drift monitor: read-only checks on the owning core; the crossing's notification and rebalance from there. */
  private startDriftMonitor(
    queue: EventQueue,
    gateways: IbGateways,
    allocations: AllocationsInForce,
    notifier: Notifier,
  ): void {
    const accountState = this.accountState;
    const log = this.log;
    const driftMonitor = new DriftMonitor({
      settings: () => this.settings,
      ib: gateways.default.ib,
      gatewayOf: (accountId) => {
        const { spec, ib } = gateways.forAccount(this.settings, accountId);
        return { id: spec.id, name: gateways.several ? gatewayName(spec) : 'IB Gateway', ib };
      },
      targets: (account) => driftTargets({ allocations, settings: () => this.settings, accountState, log }, account),
      accountState,
      notifier,
      enqueue: (event) => queue.enqueue(event, 'drift'),
      isOwner: () => this.isOwner(),
      now: this.now,
      log: log.child({ tag: 'drift' }),
      onSample: (sample) => this.results?.sample(sample),
      onChecked: () => this.broadcast({ type: 'accounts' }),
    });
    this.parts.driftMonitor = driftMonitor;
    driftMonitor.start();
    this.stops.push(() => driftMonitor.stop());
  }

  /** §27 cash flows: deposits and withdrawals the fills do not explain, on the owning core. */
  private startCashFlowDetector(queue: EventQueue, gateways: IbGateways, notifier: Notifier): void {
    const cashFlowDetector = new CashFlowDetector({
      settings: () => this.settings,
      ib: gateways.default.ib,
      ibOf: (accountId) => gateways.forAccount(this.settings, accountId).ib,
      store: this.cashFlows,
      notifier,
      enqueue: (event) => queue.enqueue(event, 'cash-flow'),
      busy: async (accountId) => (await queue.list({ state: 'active', accountId, limit: 1 })).total > 0,
      isOwner: () => this.isOwner(),
      now: this.now,
      log: this.log.child({ tag: 'cash-flow' }),
      onRecorded: () => this.broadcast({ type: 'accounts' }),
    });
    this.parts.cashFlowDetector = cashFlowDetector;
    cashFlowDetector.start();
    this.stops.push(() => cashFlowDetector.stop());
  }

  private isOwner(): boolean {
    return this.ownerLease?.status.role === 'owner';
  }

  /** §29: keeps the machine awake while needed (desktop app only), re-decided on queue changes and every minute. */
  private startWorkstationDay(queue: EventQueue, scheduler: Scheduler, gateways: IbGateways, feed: Feed): void {
    const keepAwake = this.options.keepAwake;
    if (!keepAwake) return;
    const day = new WorkstationDay({
      now: this.now,
      settings: () => this.settings,
      activeEvents: async () => (await queue.status()).counts.active,
      keepAwake,
      reconnect: () => {
        gateways.reconnectNow('the computer woke from sleep: reconnecting');
        feed.resumed();
      },
      catchUp: () => undefined, // feed.resumed() runs the catch-up with its reconnect
      fireMissed: (from, graceMs) => scheduler.fireMissed(from, graceMs),
      log: this.log.child({ tag: 'schedule' }),
    });
    this.workstationDay = day;
    const stopDay = runWorkstationDay(day, (listener) => queue.onChange(listener));
    this.stops.push(() => {
      stopDay();
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
    this.healthPush.stop();
    while (this.stops.length > 0) {
      const stop = this.stops.pop()!;
      try {
        await stop();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'error while stopping');
      }
    }
    this.hub.clear();
    await this.closeLog();
  }

  /**
   * Applies saved settings at run time: log level, feed channels and accounts, each account's gateway (§28) and the
   * gateways' labels and restart windows; a changed IB address or gateway list takes effect at the next start.
   */
  async applySettings(previous: Settings, next: Settings): Promise<void> {
    this.log.level = next.logLevel;
    if (previous.zehnlabs.allocationsUrl !== next.zehnlabs.allocationsUrl)
      this.allocations = this.allocationClient(next);
    await this.feed.update(next);
    this.scheduler.settingsChanged();
    this.driftMonitor.settingsChanged();
    if (gatewayListChanged(previous, next)) {
      this.log.warn('IB Gateway address or gateway list changed: restart the app to connect to the new address');
    }
    this.broadcast({ type: 'config' });
    this.broadcast({ type: 'accounts' });
    this.pushHealthSoon();
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    return this.hub.subscribe(listener);
  }

  broadcast(message: StreamMessage): void {
    this.hub.broadcast(message);
  }

  /** The status strip's lights (§11 `health`), aggregated in health.ts from this core's parts. */
  async health(): Promise<Health> {
    const conn = this.conn;
    const handle = this.redisHandle;
    return collectHealth({
      redis: conn && handle ? { ping: () => conn.ping(), description: handle.description } : null,
      ib: () => this.ib.status(),
      restartWindow: this.settings.ib.restartWindow,
      gateways: () => this.gateways.statuses(this.settings),
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
      gateways: this.gateways.list().map(({ spec, ib }) => ({ id: spec.id, ib })),
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
      money: (accountIds) => this.gateways.money(this.settings, accountIds),
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
      netLiquidation: async (accountId) => {
        const gateway = this.gateways.find(this.settings, accountId);
        return gateway ? netLiquidationWithin(gateway.ib, accountId) : null;
      },
      cashFlows: this.cashFlows,
    };
  }

  /** Debounced health push for the status strip; only sent when something changed. */
  pushHealthSoon(): void {
    this.healthPush.soon();
  }

  private allocationClient(settings: Settings): AllocationClient {
    return new AllocationClient({
      baseUrl: settings.zehnlabs.allocationsUrl,
      apiKey: () => this.settings.zehnlabs.allocationsApiKey,
      timeoutMs: settings.ib.requestTimeoutMs,
      log: this.log.child({ tag: 'allocations' }),
    });
  }
}
