import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Ably from 'ably';
import { migrateLegacyKeys } from './queue/migrate-keys';
import { OwnerLease, holderAddress } from './queue/owner-lease';
import { isCluster, type RedisClient } from './redis/topology';
import type { Handlers, StreamMessage } from '../shared/contract';
import type { ComponentHealth, EventRecord, Health, TradeRecord } from '../shared/dto';
import { AllocationClient } from './allocations/allocation-client';
import type { AccountSettings, Settings } from './config/schema';
import type { LoadOutcome, SettingsStore } from './config/settings-store';
import { Feed } from './feed/feed';
import { parseRestartWindow, restartWindowError } from './domain/restart-window';
import type { IbStatus } from './ib/connection';
import { IbClient } from './ib/ib-client';
import { createLogger, type Logger, type LogTail } from './log/logger';
import { createManagementHandlers, type SimulatorHooks } from './management/handlers';
import { CompositeNotifier, NtfyNotifier, type Notifier } from './notify/notifier';
import { commandHandlers } from './processor/commands';
import { classifyFailure } from './processor/classify';
import { Processor } from './processor/processor';
import { EventQueue } from './queue/event-queue';
import { AccountStateStore } from './records/account-state';
import { ReportIndex } from './records/report-index';
import { Scheduler } from './schedules/scheduler';
import { DriftMonitor } from './drift/drift-monitor';
import { targetsFor, weightsByTarget } from './processor/planning';
import { TradeStore } from './records/trade-store';
import { startRedis, type RedisHandle, type StartRedisOptions } from './redis/redis-server';

export interface RuntimeOptions {
  /** The loaded settings store and what loading it said (file issues are shown in Settings). */
  settingsStore: SettingsStore;
  loadOutcome: LoadOutcome;
  dataDir: string;
  /** Desktop notifications in the Electron shell; ntfy is added from the settings. */
  notifier?: Notifier;
  /** Also print log lines to stdout (headless). */
  logToStdout?: boolean;
  /** Present in demo mode: the simulator's controls and the SIMULATED badge. */
  simulator?: SimulatorHooks;
  createRealtime?: (options: Ably.ClientOptions) => Ably.Realtime;
  /** Shorter for tests; default 10 s. */
  stopGraceMs?: number;
  /** How the host finds the embedded redis-server (the desktop app: its shipped binary, no download). */
  embeddedRedis?: Pick<StartRedisOptions, 'bundledBinary' | 'allowDownload' | 'downloadDir'>;
  /** The clock of the restart window, schedules and commands; default the system clock. */
  now?: () => Date;
}

/**
 * The composition root (STYLE.md "Plain constructors, one root"): builds the core with plain constructors, starts it
 * in order and stops it in reverse. The Electron main process and the headless server both host exactly this.
 */
export class Runtime {
  readonly runId = randomUUID();
  readonly log: Logger;
  readonly tail: LogTail;
  private closeLog: () => Promise<void>;
  redis: RedisHandle | null = null;
  private conn: RedisClient | null = null;
  queue!: EventQueue;
  trades!: TradeStore;
  accountState!: AccountStateStore;
  reportIndex!: ReportIndex;
  ib!: IbClient;
  allocations!: AllocationClient;
  feed!: Feed;
  processor!: Processor;
  private ownerLease: OwnerLease | null = null;
  scheduler!: Scheduler;
  driftMonitor!: DriftMonitor;
  handlers!: Handlers;
  private readonly listeners = new Set<(message: StreamMessage) => void>();
  private readonly orderEvents = new Map<number, string>();
  /** Symbols of the allocations read so far: their contracts are looked up ahead of a signal (§16). */
  private readonly strategySymbols = new Set<string>();
  private readonly stops: (() => Promise<void> | void)[] = [];
  private healthTimer: NodeJS.Timeout | null = null;
  private lastHealth = '';
  private redisUp = false;
  readonly now: () => Date;

  constructor(private options: RuntimeOptions) {
    const settings = options.settingsStore.settings;
    const { log, tail, close } = createLogger({
      level: settings.logLevel,
      logDir: join(options.dataDir, 'logs'),
      stdout: options.logToStdout ?? false,
    });
    this.log = log;
    this.tail = tail;
    this.closeLog = close;
    this.now = options.now ?? (() => new Date());
  }

  get settings(): Settings {
    return this.options.settingsStore.settings;
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

    this.redis = await startRedis({
      url: settings.redis.url,
      tls: settings.redis.tls,
      sentinel: settings.redis.sentinel,
      cluster: settings.redis.cluster,
      binary: settings.redis.binary,
      dataDir: this.options.dataDir,
      log: log.child({ tag: 'redis' }),
      ...this.options.embeddedRedis,
    });
    this.redisUp = true;
    this.stops.push(() => this.redis?.stop());
    this.conn = this.redis.client('core');
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
    this.queue = new EventQueue({
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
    await this.queue.start();
    this.stops.push(() => this.queue.stop());
    this.trades = new TradeStore(this.conn, prefix);
    this.accountState = new AccountStateStore(this.conn, prefix);
    // §20 GET /api/reports: an index of the done rebalances with a report; done events from before it are indexed once.
    this.reportIndex = new ReportIndex({
      redis: this.conn,
      keyPrefix: prefix,
      retainDoneDays: () => this.settings.queue.retainDoneDays,
      log: log.child({ tag: 'queue' }),
    });
    this.reportIndex.catchUp().catch((error: Error) => log.warn({ err: error.message }, 'reports not indexed yet'));

    this.ib = new IbClient({
      host: settings.ib.host,
      port: settings.ib.port,
      clientId: settings.ib.clientId,
      clientIdStore: this.clientIdStore(),
      marketDataType: settings.ib.marketDataType,
      connectTimeoutMs: settings.ib.connectTimeoutMs,
      requestTimeoutMs: settings.ib.requestTimeoutMs,
      reconnectDelayMs: settings.ib.reconnectDelayMs,
      log: log.child({ tag: 'ib' }),
    });
    const recordTrade = (trade: TradeRecord) => {
      const record = { ...trade, eventId: this.orderEvents.get(trade.orderId ?? -1) ?? trade.eventId };
      this.trades.add(record).catch((error: Error) => log.error({ err: error.message }, 'trade record not saved'));
    };
    this.ib.on('order', recordTrade);
    this.ib.on('fill', recordTrade);
    this.ib.on('state', (status) => {
      this.pushHealthSoon();
      if (status.state === 'connected') this.ib.warmContracts([...this.strategySymbols]);
    });
    await this.ib.start();
    this.stops.push(() => this.ib.stop());

    this.allocations = this.allocationClient(settings);
    // Feed and commands ask through this, so a new allocations URL in Settings applies at once.
    const allocations = {
      getAllocations: async (strategy: string) => {
        const set = await this.allocations.getAllocations(strategy);
        for (const a of set.allocations) this.strategySymbols.add(a.symbol);
        this.ib.contracts.warm(set.allocations.map((a) => a.symbol));
        return set;
      },
    };

    this.feed = new Feed({
      sink: this.queue,
      allocations,
      rebalanceMemory: this.accountState,
      log: log.child({ tag: 'feed' }),
      ...(this.options.createRealtime ? { createRealtime: this.options.createRealtime } : {}),
    });
    this.feed.on('state', () => this.pushHealthSoon());
    this.feed.on('log', (entry) => this.broadcast({ type: 'feed', entry }));
    this.feed.on('missed', () => this.broadcast({ type: 'accounts' }));

    // Built per notification from the settings in force, so ntfy / desktop changes apply at once.
    const notifier: Notifier = { notify: (n) => this.notifier(this.settings).notify(n) };
    this.processor = new Processor({
      queue: this.queue,
      handlers: commandHandlers({
        ib: this.ib,
        allocations,
        settings: () => this.settings,
        ownClientId: () => this.ib.clientId,
        accountState: {
          get: (accountId) => this.accountState.get(accountId),
          update: async (accountId, change) => {
            const state = await this.accountState.update(accountId, change);
            if (change.lastRebalance) this.feed.noteRebalanced(accountId, change.lastRebalance.asOf);
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

    this.queue.onChange((change) => {
      this.broadcast({ type: 'queue', change });
      if (change.to === 'done' || change.action === 'failed') this.recordResult(change.id);
      this.pushHealthSoon();
    });
    this.tail.subscribe((line) => this.broadcast({ type: 'log', line }));
    this.trades.onTrade((trade) => this.broadcast({ type: 'trade', trade }));

    this.handlers = createManagementHandlers({
      runtime: this,
      ...(this.options.simulator ? { simulator: this.options.simulator } : {}),
    });

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
        const recovered = await this.queue.recoverAll();
        if (recovered > 0) log.warn({ recovered }, `returned ${recovered} interrupted event(s) to the queue`);
        this.processor.start();
        this.pushHealthSoon();
      },
      onLost: async () => {
        await this.processor.stop(0);
        this.pushHealthSoon();
      },
    });
    const lease = this.ownerLease;
    this.stops.push(() => lease.stop());
    this.stops.push(() => this.processor.stop(this.options.stopGraceMs ?? 10_000));
    await lease.start();
    // The IB light follows the restart window in and out without any other change to push it.
    const windowTimer = setInterval(() => this.pushHealthSoon(), 15_000);
    windowTimer.unref();
    this.stops.push(() => clearInterval(windowTimer));
    await this.feed.start(settings);
    this.stops.push(() => this.feed.stop());

    // Scheduled commands (§21): firings from now on; the same firing from another core is a duplicate by id.
    this.scheduler = new Scheduler({
      settings: () => this.settings,
      enqueue: async (event) => {
        const result = await this.queue.enqueue(event, 'schedule');
        this.broadcast({ type: 'accounts' }); // the card's next firing moved on
        return result;
      },
      now: this.now,
      drift: async (accountId) => (await this.accountState.get(accountId)).drift?.percent ?? null,
      log: log.child({ tag: 'schedule' }),
    });
    this.scheduler.start();
    this.stops.push(() => this.scheduler.stop());

    // §20 drift monitor: read-only checks on the owning core; the crossing's notification and rebalance from there.
    this.driftMonitor = new DriftMonitor({
      settings: () => this.settings,
      ib: this.ib,
      targets: (account) => this.driftTargets(allocations, account),
      accountState: this.accountState,
      notifier,
      enqueue: (event) => this.queue.enqueue(event, 'drift'),
      isOwner: () => this.ownerLease?.status.role === 'owner',
      now: this.now,
      log: log.child({ tag: 'drift' }),
      onChecked: () => this.broadcast({ type: 'accounts' }),
    });
    this.driftMonitor.start();
    this.stops.push(() => this.driftMonitor.stop());
    log.info({ dataDir: this.options.dataDir, redis: this.redis.kind }, 'rebalance desk started');
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

  async health(): Promise<Health> {
    const redis = await this.redisHealth();
    const ib = ibHealth(this.ib.status(), this.settings.ib.restartWindow, this.now());
    const feed = this.feed.health();
    let paused = false;
    let queue: ComponentHealth = { state: 'red', detail: 'queue unavailable' };
    if (redis.state === 'green') {
      try {
        const status = await this.queue.status();
        paused = status.paused;
        const c = status.counts;
        const waiting = c.delayed + c.held;
        queue = {
          state: waiting > 0 ? 'amber' : 'green',
          detail: `${c.pending} pending, ${c.active} active, ${c.delayed} delayed, ${c.held} held`,
        };
      } catch (error) {
        queue = { state: 'red', detail: (error as Error).message };
      }
    }
    const p = this.processor.status;
    const owner = this.ownerLease?.status;
    const processor: ComponentHealth =
      owner?.role === 'standby' && p.state === 'stopped'
        ? { state: 'green', detail: `standby (owner ${holderAddress(owner.holder)})` }
        : p.state !== 'running'
          ? { state: 'red', detail: `processor ${p.state}` }
          : paused
            ? { state: 'amber', detail: 'paused — press Resume to process events' }
            : {
                state: 'green',
                detail: `${this.settings.queue.concurrency} workers, ${p.running.length} running, ${p.processed} done since start`,
              };
    const lights = [redis, ib, feed, processor, queue].map((c) => c.state);
    return {
      status: redis.state === 'red' ? 'down' : lights.every((l) => l === 'green') ? 'ok' : 'degraded',
      redis,
      ib,
      feed,
      processor,
      queue,
      tradingMode: this.settings.tradingMode,
      simulated: this.simulated,
    };
  }

  private async redisHealth(): Promise<ComponentHealth> {
    if (!this.conn || !this.redis) return { state: 'red', detail: 'not started' };
    try {
      await Promise.race([
        this.conn.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1 s')), 1_000).unref()),
      ]);
      return {
        state: 'green',
        detail: this.redis.description,
      };
    } catch (error) {
      return { state: 'red', detail: `Redis unreachable: ${(error as Error).message}` };
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
        if (ok) {
          this.reportIndex
            .add(event)
            .catch((error: Error) => this.log.warn({ err: error.message }, 'report not indexed'));
        }
        const summary = ok
          ? summaryOf(event)
          : `${event.lastError?.kind ?? 'failed'}: ${event.lastError?.message ?? ''}`;
        void this.accountState
          .update(event.accountId, {
            lastResult: { at: event.updatedAt, eventId: event.id, command: event.command, ok, summary },
          })
          .then(() => this.broadcast({ type: 'accounts' }))
          .catch((error: Error) => this.log.warn({ err: error.message }, 'last result not saved'));
      },
      () => undefined,
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

/**
 * The IB light: inside the daily restart window amber with "IB Gateway daily restart window until HH:MM"; a connected
 * gateway with a trouble of its own (§21) red when nothing can work until the trader acts (not logged in), amber for
 * one it recovers from by itself (1100 until 1101 / 1102, 2110, 10197); then the
 * connection state.
 */
export function ibHealth(status: IbStatus, restartWindow: string | null, now: Date): ComponentHealth {
  const inWindow = restartWindowError(restartWindow, now);
  if (inWindow) {
    const zone = restartWindow === null ? '' : parseRestartWindow(restartWindow).zone;
    return { state: 'amber', detail: `${inWindow.message} (${zone}); events that need the gateway wait until then` };
  }
  if (status.state === 'connected' && status.problem) {
    // 1100 is amber: the socket is kept and the gateway reconnects by itself (§17); new work waits meanwhile.
    const waiting = status.problem.code === 1100 || !status.problem.blocking;
    return { state: waiting ? 'amber' : 'red', detail: status.problem.reason };
  }
  if (status.state === 'connected') {
    // After 1101 / 1102 the connection's reason carries IB's "connected again" note.
    const note = status.reason.startsWith('connected as client id')
      ? status.reason.split('; ').slice(1).join('; ')
      : '';
    const detail = `connected to ${status.host}:${status.port} (client id ${status.clientId})`;
    return { state: 'green', detail: note ? `${detail}; ${note}` : detail };
  }
  if (status.state === 'connecting') return { state: 'amber', detail: `connecting to ${status.host}:${status.port}…` };
  return { state: 'red', detail: `not connected to ${status.host}:${status.port}: ${status.reason}` };
}

function summaryOf(event: EventRecord): string {
  const result = event.result ?? {};
  if (event.command === 'rebalance' || event.command === 'print-rebalance') {
    const plan = result.plan as { rows?: { order: unknown }[]; limitBreaches?: string[] } | undefined;
    const rows = (plan?.rows ?? []).filter((r) => r.order);
    if (event.command === 'print-rebalance') {
      const breaches = plan?.limitBreaches ?? [];
      return `${rows.length} order(s) planned${breaches.length > 0 ? `; risk limit breached: ${breaches[0]}` : ''}`;
    }
    const sent = ((result.orders as unknown[] | undefined) ?? []).length;
    // §23: fractions of a share whole-share orders cannot sell stay for the trader to close in TWS.
    const residuals = (result.residuals as { symbol: string; shares: number }[] | undefined) ?? [];
    const left =
      residuals.length > 0 ? `; close in TWS: ${residuals.map((r) => `${r.shares} ${r.symbol}`).join(', ')}` : '';
    return `${sent === 0 ? 'already at target, nothing traded' : `${sent} order(s) filled`}${left}`;
  }
  if (event.command === 'cancel-orders') return `${((result.orders as unknown[]) ?? []).length} order(s) cancelled`;
  return `${event.command} done`;
}
