/**
 * The Zehnlabs realtime feed (PRODUCT.md §6): one Ably channel per strategy followed by an enabled account of the
 * current trading mode; each valid message fans out to one queued event per such account; gaps and start-up are
 * backfilled by catch-up against the allocation API (catch-up.ts). The only user of the `ably` SDK.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as Ably from 'ably';
import pino from 'pino';
import type { FeedLogEntry, MissedSignal } from '../../shared/contract';
import type { AllocationSet, ComponentHealth, EnqueueResult, NewEvent } from '../../shared/dto';
import type { Settings } from '../config/schema';
import { errorText } from '../domain/errors';
import { accountEventId } from '../domain/event-id';
import type { Logger } from '../log/logger';
import { CatchUp, type CatchUpScope } from './catch-up';
import {
  describeAblyError,
  feedHealth,
  feedLogEntry,
  linkFromChannel,
  linkFromConnection,
  type FeedChannelState,
  type FeedLinkState,
  type FeedState,
} from './feed-state';
import { accountsInMode, channelsFor } from './subscriptions';
import { validateFeedData } from './validate';

export type { FeedLogEntry, MissedSignal } from '../../shared/contract';

/** Where events go: the queue's enqueue with its deduplication (§5 rule 1). */
export interface FeedSink {
  enqueue(event: NewEvent, by?: string): Promise<EnqueueResult>;
}

export interface FeedDeps {
  sink: FeedSink;
  allocations: { getAllocations(strategy: string): Promise<AllocationSet> };
  /** The allocation `as_of` each account last rebalanced to. */
  rebalanceMemory: { lastAsOf(accountId: string): Promise<string | null> };
  log?: Logger;
  now?: () => number;
  createRealtime?: (options: Ably.ClientOptions) => Ably.Realtime;
  /** Feed log entries kept (default 500). */
  logLimit?: number;
  /** Waits between attempts when the queue refuses an enqueue (default 250, 1000, 4000 ms). */
  enqueueRetryDelaysMs?: number[];
  /** Wait before re-running a catch-up that failed (allocation API down) while a gap is open (default 60 s). */
  catchUpRetryMs?: number;
}

export interface FeedEvents {
  log: [entry: FeedLogEntry];
  state: [state: FeedState];
  missed: [missed: ReadonlyMap<string, MissedSignal>];
}

interface ChannelEntry {
  name: string;
  channel: Ably.RealtimeChannel;
  onMessage: (message: Ably.InboundMessage) => void;
  onState: (change: Ably.ChannelStateChange) => void;
  view: FeedChannelState;
}

interface ConnectionView {
  state: FeedLinkState;
  ablyState: string;
  reason: string | null;
  connectionId: string | null;
  since: string;
}

const silentLogger = pino({ level: 'silent' });

/** A name-based (v5-style) UUID, so a redelivered message without `eventId` still maps to the same events. */
function nameUuid(name: string): string {
  const h = createHash('sha1').update(`rebalance-desk/feed/${name}`).digest();
  h.writeUInt8((h.readUInt8(6) & 0x0f) | 0x50, 6);
  h.writeUInt8((h.readUInt8(8) & 0x3f) | 0x80, 8);
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function peekEventId(data: unknown): string | null {
  let value = data;
  if (typeof data === 'string' && data.length <= 65_536) {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>).eventId;
    if (typeof id === 'string' && id.length <= 200) return id;
  }
  return null;
}

function clientSignature(settings: Settings): string {
  return JSON.stringify([settings.zehnlabs.realtimeApiKey, settings.zehnlabs.realtime]);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Subscribes to Zehnlabs signals and turns each into queued events. `start`, `update` (settings changed: channels
 * attached or detached; a new client when the key or client options change) and `stop`; never throws on bad input.
 */
export class Feed extends EventEmitter<FeedEvents> {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly createRealtime: (options: Ably.ClientOptions) => Ably.Realtime;
  private readonly logLimit: number;
  private readonly retryDelays: number[];

  private settings: Settings | null = null;
  private running = false;
  private client: Ably.Realtime | null = null;
  private signature = '';
  /** Bumped for every client: callbacks of an old client are ignored. */
  private generation = 0;
  private readonly channels = new Map<string, ChannelEntry>();
  /** Channels attached at least once since start (a later non-resumed attach is a gap). */
  private readonly everAttached = new Set<string>();
  private connection: ConnectionView;
  private readonly entries: FeedLogEntry[] = [];
  private readonly catchUp: CatchUp;
  private work: Promise<void> = Promise.resolve();
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FeedDeps) {
    super();
    this.log = deps.log ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.createRealtime = deps.createRealtime ?? ((options) => new Ably.Realtime(options));
    this.logLimit = deps.logLimit ?? 500;
    this.retryDelays = deps.enqueueRetryDelaysMs ?? [250, 1_000, 4_000];
    this.catchUp = new CatchUp({
      sink: deps.sink,
      allocations: deps.allocations,
      rebalanceMemory: deps.rebalanceMemory,
      log: this.log,
      retryMs: deps.catchUpRetryMs ?? 60_000,
      settings: () => this.settings,
      running: () => this.running,
      addLog: (entry) => this.addLog(entry),
      missedChanged: () => this.emit('missed', this.missedSignals()),
      gapsChecked: (strategies) => this.gapsChecked(strategies),
    });
    this.connection = { state: 'off', ablyState: 'off', reason: null, connectionId: null, since: this.iso() };
  }

  /** Connects (when a key is set), subscribes the strategies' channels and runs the start-up catch-up. */
  start(settings: Settings): Promise<void> {
    return this.serially(() => this.startNow(settings));
  }

  /** Applies changed settings at run time: channels attached / detached, a new client if the key or options changed. */
  update(settings: Settings): Promise<void> {
    return this.serially(() => (this.running ? this.updateNow(settings) : this.startNow(settings)));
  }

  /** Closes the client and waits for pending message handling and catch-up. */
  stop(): Promise<void> {
    return this.serially(() => this.stopNow());
  }

  /** start / update / stop run one at a time, in call order. */
  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(task);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private async startNow(settings: Settings): Promise<void> {
    if (this.running) return this.updateNow(settings);
    this.running = true;
    this.settings = settings;
    this.openClient(settings);
    this.syncChannels();
    this.emitState();
    this.scheduleCatchUp('start');
  }

  private async updateNow(settings: Settings): Promise<void> {
    const before = this.settings;
    this.settings = settings;
    if (clientSignature(settings) !== this.signature) {
      await this.closeClient();
      this.openClient(settings);
    }
    this.syncChannels();
    this.emitState();
    const known = new Map(before ? accountsInMode(before).map((a) => [a.accountId, a.strategy]) : []);
    const now = accountsInMode(settings);
    // New accounts, and accounts that switched strategy, get the same check a restart would give them.
    const added = now.filter((a) => known.get(a.accountId) !== a.strategy).map((a) => a.accountId);
    const strategyOf = new Map(now.map((a) => [a.accountId, a.strategy]));
    this.catchUp.dropStale(strategyOf);
    if (added.length > 0) this.scheduleCatchUp('accounts added', { accounts: new Set(added) });
  }

  private async stopNow(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.catchUp.cancelRetry();
    await this.closeClient();
    this.everAttached.clear();
    await this.idle();
    this.connection = { state: 'off', ablyState: 'off', reason: null, connectionId: null, since: this.iso() };
    this.emitState();
  }

  /** Resolves when queued message handling and catch-up runs are done (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const work = this.work;
      const catchUps = this.catchUp.pending;
      await Promise.all([work, catchUps]);
      if (work === this.work && catchUps === this.catchUp.pending) return;
    }
  }

  /** The newest feed log entries, oldest first. */
  feedLog(): FeedLogEntry[] {
    return this.entries.map((e) => ({ ...e, ...(e.accounts ? { accounts: [...e.accounts] } : {}) }));
  }

  /** Overall and per-channel state for the status strip. */
  state(): FeedState {
    const settings = this.settings;
    const wanted = settings ? channelsFor(settings) : new Map<string, string[]>();
    const channels: FeedChannelState[] = [];
    for (const [name, accounts] of wanted) {
      const view = this.channels.get(name)?.view;
      channels.push(
        view
          ? { ...view, accounts: [...accounts] }
          : {
              channel: name,
              state: 'off',
              ablyState: 'off',
              reason: this.client ? null : 'not subscribed',
              possibleGap: false,
              accounts: [...accounts],
              since: this.connection.since,
            },
      );
    }
    channels.sort((a, b) => a.channel.localeCompare(b.channel));
    return { ...this.connection, channels };
  }

  health(): ComponentHealth {
    const settings = this.settings;
    if (!settings || !this.running) return { state: 'amber', detail: 'not started' };
    return feedHealth({
      keySet: settings.zehnlabs.realtimeApiKey.trim() !== '',
      tradingMode: settings.tradingMode,
      state: this.state(),
    });
  }

  /**
   * §29 resume from sleep: connects again at once (Ably would otherwise wait out its retry timer) and runs the
   * missed-signal catch-up, since a signal published while the machine slept may be beyond Ably's resume window.
   */
  resumed(): void {
    if (!this.running) return;
    const client = this.client;
    if (client && client.connection.state !== 'connected' && client.connection.state !== 'connecting') {
      try {
        client.connect();
      } catch (error) {
        this.log.warn({ err: errorText(error) }, 'could not reconnect the realtime feed after sleep');
      }
    }
    this.scheduleCatchUp('resume from sleep');
  }

  /** Accounts whose strategy has allocations newer than their last rebalance (a signal was probably missed). */
  missedSignals(): Map<string, MissedSignal> {
    return this.catchUp.signals();
  }

  clearMissed(accountId: string): void {
    this.catchUp.clear(accountId);
  }

  /** Tells the feed an account rebalanced to `asOf`: its missed-signal mark goes once it is caught up. */
  noteRebalanced(accountId: string, asOf: string | null): void {
    this.catchUp.noteRebalanced(accountId, asOf);
  }

  /** Re-reads the last rebalanced `as_of` of marked accounts and clears the marks that are caught up. */
  refreshMissed(): Promise<Map<string, MissedSignal>> {
    return this.catchUp.refresh();
  }

  /**
   * The one-click catch-up of §6: enqueues a `rebalance` (`source: catch-up`, eventId `catch-up:<asOf>`, so a second
   * click for the same allocations is a duplicate). Throws `InvalidEventError` for an account not in the settings.
   */
  enqueueCatchUp(accountId: string, by = 'operator'): Promise<EnqueueResult> {
    return this.catchUp.enqueueFor(accountId, by);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Client and channels

  private openClient(settings: Settings): void {
    this.signature = clientSignature(settings);
    const generation = ++this.generation;
    const key = settings.zehnlabs.realtimeApiKey.trim();
    if (key === '') {
      this.setConnection({ state: 'off', ablyState: 'off', reason: 'no API key set', connectionId: null });
      return;
    }
    const extra = settings.zehnlabs.realtime as Partial<Ably.ClientOptions>;
    const options: Ably.ClientOptions = {
      logLevel: 1,
      logHandler: (msg: string) => this.log.warn({ tag: 'ably' }, msg),
      ...extra,
      key,
    };
    let client: Ably.Realtime;
    try {
      client = this.createRealtime(options);
    } catch (error) {
      const reason = describeAblyError(error as { code?: number; message?: string }) ?? errorText(error);
      this.log.error({ reason }, 'could not create the Zehnlabs realtime client');
      this.setConnection({ state: 'failed', ablyState: 'failed', reason, connectionId: null });
      this.addLog(feedLogEntry(null, 'state', `failed: ${reason}`));
      return;
    }
    this.client = client;
    this.setConnection({ state: 'connecting', ablyState: client.connection.state, reason: null, connectionId: null });
    client.connection.on((change) => {
      if (generation !== this.generation) return;
      this.onConnectionChange(client, change);
    });
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.generation++;
    for (const entry of this.channels.values()) {
      entry.channel.unsubscribe(entry.onMessage);
      entry.channel.off(entry.onState);
    }
    this.channels.clear();
    this.client = null;
    if (!client) return;
    const state = client.connection.state;
    if (state === 'closed' || state === 'failed') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      client.connection.once('closed', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connection.once('failed', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        client.close();
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private syncChannels(): void {
    const settings = this.settings;
    const client = this.client;
    if (!settings || !client) return;
    const wanted = channelsFor(settings);
    for (const [name, entry] of [...this.channels]) {
      if (wanted.has(name)) continue;
      this.channels.delete(name);
      this.everAttached.delete(name);
      entry.channel.unsubscribe(entry.onMessage);
      entry.channel.off(entry.onState);
      entry.channel.detach().catch((error: unknown) => {
        this.log.debug({ channel: name, err: errorText(error) }, 'detach failed');
      });
      this.log.info({ channel: name }, 'unsubscribed: no enabled account follows this strategy');
      this.addLog(feedLogEntry(name, 'state', 'unsubscribed (no accounts)'));
    }
    for (const [name, accounts] of wanted) {
      const existing = this.channels.get(name);
      if (existing) {
        existing.view.accounts = [...accounts];
        continue;
      }
      this.subscribe(client, name, accounts);
    }
  }

  private subscribe(client: Ably.Realtime, name: string, accounts: string[]): void {
    const generation = this.generation;
    const channel = client.channels.get(name);
    const entry: ChannelEntry = {
      name,
      channel,
      onMessage: (message) => {
        if (generation !== this.generation || this.channels.get(name) !== entry) return;
        this.enqueueWork(() => this.handleMessage(name, message));
      },
      onState: (change) => {
        if (generation !== this.generation || this.channels.get(name) !== entry) return;
        this.onChannelChange(entry, change);
      },
      view: {
        channel: name,
        state: linkFromChannel(channel.state),
        ablyState: channel.state,
        reason: null,
        possibleGap: false,
        accounts: [...accounts],
        since: this.iso(),
      },
    };
    this.channels.set(name, entry);
    channel.on(entry.onState);
    channel.subscribe(entry.onMessage).catch((error: unknown) => {
      if (generation !== this.generation || this.channels.get(name) !== entry) return;
      const reason = describeAblyError(error as { code?: number; message?: string }) ?? errorText(error);
      this.log.warn({ channel: name, reason }, 'could not subscribe to the strategy channel');
      entry.view.reason = reason;
      this.emitState();
    });
  }

  private onConnectionChange(client: Ably.Realtime, change: Ably.ConnectionStateChange): void {
    const link = linkFromConnection(change.current);
    const reason = describeAblyError(change.reason);
    const previous = this.connection.state;
    this.setConnection({
      state: link,
      ablyState: change.current,
      reason: link === 'connected' ? null : reason,
      connectionId: client.connection.id ?? null,
    });
    if (link === previous || link === 'connecting') return;
    const words = reason ? `${change.current}: ${reason}` : change.current;
    if (link === 'failed' || link === 'suspended') this.log.error({ reason }, `Zehnlabs realtime ${change.current}`);
    else this.log.info({ reason }, `Zehnlabs realtime ${change.current}`);
    this.addLog(feedLogEntry(null, 'state', words));
  }

  private onChannelChange(entry: ChannelEntry, change: Ably.ChannelStateChange): void {
    const view = entry.view;
    const previousLink = view.state;
    view.ablyState = change.current;
    view.state = linkFromChannel(change.current);
    view.since = this.iso();
    if (change.current === 'attached') {
      const gap = this.everAttached.has(entry.name) && !change.resumed;
      const first = !this.everAttached.has(entry.name);
      this.everAttached.add(entry.name);
      if (gap) {
        view.possibleGap = true;
        view.reason = 'possible gap: re-attached without continuity; checking allocations';
        this.log.warn({ channel: entry.name }, 'possible gap: channel re-attached without continuity');
        const reason = 'possible gap: re-attached without continuity (messages may have been missed); running catch-up';
        this.addLog(feedLogEntry(entry.name, 'gap', reason, { accounts: [...view.accounts] }));
        this.scheduleCatchUp('gap', { strategies: new Set([entry.name]) });
      } else if (!view.possibleGap) {
        view.reason = null;
      }
      if (first) {
        this.addLog(feedLogEntry(entry.name, 'state', 'subscribed'));
      }
    } else if (change.current === 'failed' || change.current === 'suspended' || change.current === 'detached') {
      view.reason = describeAblyError(change.reason);
      if (view.state !== previousLink) {
        this.log.warn({ channel: entry.name, reason: view.reason }, `channel ${change.current}`);
        const reason = view.reason ? `${change.current}: ${view.reason}` : change.current;
        this.addLog(feedLogEntry(entry.name, 'state', reason));
      }
    }
    this.emitState();
  }

  private setConnection(change: Omit<ConnectionView, 'since'>): void {
    const same =
      change.state === this.connection.state &&
      change.reason === this.connection.reason &&
      change.ablyState === this.connection.ablyState &&
      change.connectionId === this.connection.connectionId;
    if (same) return;
    this.connection = { ...change, since: this.iso() };
    this.emitState();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Messages

  private enqueueWork(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.log.error({ err: errorText(error) }, 'feed message handling failed');
    });
  }

  private async handleMessage(channel: string, message: Ably.InboundMessage): Promise<void> {
    const messageId = typeof message.id === 'string' ? message.id : null;
    const check = validateFeedData(message.data);
    if (!check.ok) {
      const eventId = peekEventId(message.data);
      this.log.warn({ channel, messageId, eventId, reason: check.reason }, 'feed message rejected');
      this.addLog(feedLogEntry(channel, 'rejected', check.reason, { messageId, eventId }));
      return;
    }
    const settings = this.settings;
    const eventId = check.eventId ?? (messageId ? nameUuid(`${channel}/${messageId}`) : randomUUID());
    const accounts = settings ? accountsInMode(settings).filter((a) => a.strategy === channel) : [];
    if (accounts.length === 0) {
      const reason = `no enabled ${settings?.tradingMode ?? ''} account follows ${channel}`.replace('  ', ' ');
      this.log.info({ channel, messageId, eventId }, reason);
      this.addLog(feedLogEntry(channel, 'accepted', reason, { messageId, eventId, accounts: [] }));
      return;
    }
    const queued: string[] = [];
    const duplicate: string[] = [];
    const failed: { accountId: string; error: string }[] = [];
    for (const account of accounts) {
      const event: NewEvent = {
        id: accountEventId(eventId, account.accountId),
        eventId,
        accountId: account.accountId,
        command: check.exec,
        strategy: channel,
        source: 'zehnlabs',
        payload: check.data,
      };
      try {
        const result = await this.enqueueWithRetry(event);
        if (result.status === 'queued') queued.push(account.accountId);
        else duplicate.push(account.accountId);
        this.log.info(
          { eventId, accountId: account.accountId, channel, command: check.exec, status: result.status },
          result.status === 'queued' ? 'signal queued' : 'signal already queued (duplicate)',
        );
      } catch (error) {
        failed.push({ accountId: account.accountId, error: errorText(error) });
        this.log.error(
          { eventId, accountId: account.accountId, channel, err: errorText(error) },
          'signal could not be queued',
        );
      }
    }
    const notes: string[] = [];
    if (queued.length > 0 && duplicate.length > 0) notes.push(`already queued for ${duplicate.join(', ')}`);
    if (failed.length > 0) {
      notes.push(`could not be queued for ${failed.map((f) => `${f.accountId} (${f.error})`).join(', ')}`);
    }
    const reason = notes.length > 0 ? notes.join('; ') : undefined;
    if (queued.length > 0) {
      this.addLog(feedLogEntry(channel, 'accepted', reason, { messageId, eventId, accounts: queued }));
    } else if (failed.length === 0) {
      const more = { messageId, eventId, accounts: duplicate };
      this.addLog(feedLogEntry(channel, 'duplicate', 'already received: no new event', more));
    } else {
      this.addLog(feedLogEntry(channel, 'rejected', reason ?? 'not queued', { messageId, eventId, accounts: [] }));
    }
    if (failed.length > 0 && check.exec === 'rebalance') {
      this.scheduleCatchUp('enqueue failed', { accounts: new Set(failed.map((f) => f.accountId)) });
    }
  }

  private async enqueueWithRetry(event: NewEvent): Promise<EnqueueResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.sink.enqueue(event, 'feed');
      } catch (error) {
        const delay = this.retryDelays[attempt];
        if (delay === undefined || !this.running || (error as { code?: unknown }).code === 'invalid') throw error;
        this.log.warn(
          { eventId: event.eventId, accountId: event.accountId, err: errorText(error) },
          'enqueue failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Catch-up (catch-up.ts)

  private scheduleCatchUp(why: string, scope: CatchUpScope = {}): void {
    this.catchUp.schedule(why, scope);
  }

  /** Catch-up has read these strategies' allocations: a possible gap on their channels is closed. */
  private gapsChecked(strategies: string[]): void {
    let cleared = false;
    for (const strategy of strategies) {
      const entry = this.channels.get(strategy);
      if (!entry || !entry.view.possibleGap) continue;
      entry.view.possibleGap = false;
      entry.view.reason = null;
      cleared = true;
    }
    if (cleared) this.emitState();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private addLog(entry: Omit<FeedLogEntry, 'at'>): void {
    const full: FeedLogEntry = { at: this.iso(), ...entry };
    this.entries.push(full);
    if (this.entries.length > this.logLimit) this.entries.splice(0, this.entries.length - this.logLimit);
    this.emit('log', full);
  }

  private emitState(): void {
    this.emit('state', this.state());
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
