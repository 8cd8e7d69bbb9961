/**
 * The Zehnlabs realtime feed (PRODUCT.md §6): one Ably channel per strategy followed by an enabled account of the
 * current trading mode; each valid message fans out to one queued event per such account; gaps and start-up are
 * backfilled by catch-up against the allocation API. The only user of the `ably` SDK.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as Ably from 'ably';
import pino from 'pino';
import type { FeedLogEntry, MissedSignal } from '../../shared/contract';
import type { AllocationSet, ComponentHealth, EnqueueResult, NewEvent } from '../../shared/dto';
import type { AccountSettings, Settings } from '../config/schema';
import type { Logger } from '../log/logger';
import {
  describeAblyError,
  feedHealth,
  linkFromChannel,
  linkFromConnection,
  type FeedChannelState,
  type FeedLinkState,
  type FeedState,
} from './feed-state';
import { InvalidEventError, validateFeedData } from './validate';

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

/** Enabled accounts that trade in the current mode (§6: only these are subscribed and fanned out to). */
export function accountsInMode(settings: Settings): AccountSettings[] {
  return settings.accounts.filter((a) => a.enabled && a.type === settings.tradingMode);
}

/** The channels (strategy slugs) the settings call for, each with its accounts. */
export function channelsFor(settings: Settings): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const account of accountsInMode(settings)) {
    const list = out.get(account.strategy) ?? [];
    list.push(account.accountId);
    out.set(account.strategy, list);
  }
  return out;
}

/** True when allocation `asOf` is newer than what the account last rebalanced to (or it never rebalanced). */
export function isNewerAsOf(asOf: string, lastAsOf: string | null): boolean {
  if (lastAsOf === null || lastAsOf === '') return true;
  const a = Date.parse(asOf);
  const b = Date.parse(lastAsOf);
  if (Number.isFinite(a) && Number.isFinite(b)) return a > b;
  return asOf > lastAsOf;
}

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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  private readonly catchUpRetryMs: number;

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
  private readonly missed = new Map<string, MissedSignal>();
  private work: Promise<void> = Promise.resolve();
  private catchUps: Promise<void> = Promise.resolve();
  private catchUpTimer: NodeJS.Timeout | null = null;
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FeedDeps) {
    super();
    this.log = deps.log ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.createRealtime = deps.createRealtime ?? ((options) => new Ably.Realtime(options));
    this.logLimit = deps.logLimit ?? 500;
    this.retryDelays = deps.enqueueRetryDelaysMs ?? [250, 1_000, 4_000];
    this.catchUpRetryMs = deps.catchUpRetryMs ?? 60_000;
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
    const stale = [...this.missed].filter(([id, mark]) => strategyOf.get(id) !== mark.strategy).map(([id]) => id);
    for (const accountId of stale) this.missed.delete(accountId);
    if (stale.length > 0) this.emit('missed', this.missedSignals());
    if (added.length > 0) this.scheduleCatchUp('accounts added', { accounts: new Set(added) });
  }

  private async stopNow(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.catchUpTimer = null;
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
      const catchUps = this.catchUps;
      await Promise.all([work, catchUps]);
      if (work === this.work && catchUps === this.catchUps) return;
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

  /** Accounts whose strategy has allocations newer than their last rebalance (a signal was probably missed). */
  missedSignals(): Map<string, MissedSignal> {
    return new Map([...this.missed].map(([id, m]) => [id, { ...m }]));
  }

  clearMissed(accountId: string): void {
    if (this.missed.delete(accountId)) this.emit('missed', this.missedSignals());
  }

  /** Tells the feed an account rebalanced to `asOf`: its missed-signal mark goes once it is caught up. */
  noteRebalanced(accountId: string, asOf: string | null): void {
    const mark = this.missed.get(accountId);
    if (!mark || asOf === null) return;
    if (mark.asOf === null || !isNewerAsOf(mark.asOf, asOf)) this.clearMissed(accountId);
  }

  /** Re-reads the last rebalanced `as_of` of marked accounts and clears the marks that are caught up. */
  async refreshMissed(): Promise<Map<string, MissedSignal>> {
    let changed = false;
    for (const [accountId, mark] of [...this.missed]) {
      try {
        const last = await this.deps.rebalanceMemory.lastAsOf(accountId);
        if (last !== null && (mark.asOf === null || !isNewerAsOf(mark.asOf, last))) {
          this.missed.delete(accountId);
          changed = true;
        }
      } catch (error) {
        this.log.warn({ accountId, err: errorText(error) }, 'could not read the last rebalance of an account');
      }
    }
    if (changed) this.emit('missed', this.missedSignals());
    return this.missedSignals();
  }

  /**
   * The one-click catch-up of §6: enqueues a `rebalance` (`source: catch-up`, eventId `catch-up:<asOf>`, so a second
   * click for the same allocations is a duplicate). Throws `InvalidEventError` for an account not in the settings.
   */
  async enqueueCatchUp(accountId: string, by = 'operator'): Promise<EnqueueResult> {
    const settings = this.settings;
    const account = settings?.accounts.find((a) => a.accountId === accountId);
    if (!settings || !account) throw new InvalidEventError(`account ${accountId} is not in the settings`);
    let mark = this.missed.get(accountId);
    if (!mark || mark.strategy !== account.strategy) {
      const set = await this.deps.allocations.getAllocations(account.strategy);
      const lastAsOf = await this.deps.rebalanceMemory.lastAsOf(accountId);
      mark = { strategy: account.strategy, asOf: set.asOf, lastAsOf };
    }
    return this.deps.sink.enqueue(catchUpEvent(accountId, mark), by);
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
      this.addLog({ channel: null, messageId: null, eventId: null, outcome: 'state', reason: `failed: ${reason}` });
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
      this.addLog({
        channel: name,
        messageId: null,
        eventId: null,
        outcome: 'state',
        reason: 'unsubscribed (no accounts)',
      });
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
    this.addLog({ channel: null, messageId: null, eventId: null, outcome: 'state', reason: words });
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
        this.addLog({
          channel: entry.name,
          messageId: null,
          eventId: null,
          outcome: 'gap',
          reason: 'possible gap: re-attached without continuity (messages may have been missed); running catch-up',
          accounts: [...view.accounts],
        });
        this.scheduleCatchUp('gap', { strategies: new Set([entry.name]) });
      } else if (!view.possibleGap) {
        view.reason = null;
      }
      if (first) {
        this.addLog({ channel: entry.name, messageId: null, eventId: null, outcome: 'state', reason: 'subscribed' });
      }
    } else if (change.current === 'failed' || change.current === 'suspended' || change.current === 'detached') {
      view.reason = describeAblyError(change.reason);
      if (view.state !== previousLink) {
        this.log.warn({ channel: entry.name, reason: view.reason }, `channel ${change.current}`);
        this.addLog({
          channel: entry.name,
          messageId: null,
          eventId: null,
          outcome: 'state',
          reason: view.reason ? `${change.current}: ${view.reason}` : change.current,
        });
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
      this.addLog({ channel, messageId, eventId, outcome: 'rejected', reason: check.reason });
      return;
    }
    const settings = this.settings;
    const eventId = check.eventId ?? (messageId ? nameUuid(`${channel}/${messageId}`) : randomUUID());
    const accounts = settings ? accountsInMode(settings).filter((a) => a.strategy === channel) : [];
    if (accounts.length === 0) {
      const reason = `no enabled ${settings?.tradingMode ?? ''} account follows ${channel}`.replace('  ', ' ');
      this.log.info({ channel, messageId, eventId }, reason);
      this.addLog({ channel, messageId, eventId, outcome: 'accepted', reason, accounts: [] });
      return;
    }
    const queued: string[] = [];
    const duplicate: string[] = [];
    const failed: { accountId: string; error: string }[] = [];
    for (const account of accounts) {
      const event: NewEvent = {
        id: `${eventId}:${account.accountId}`,
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
      this.addLog({
        channel,
        messageId,
        eventId,
        outcome: 'accepted',
        accounts: queued,
        ...(reason ? { reason } : {}),
      });
    } else if (failed.length === 0) {
      this.addLog({
        channel,
        messageId,
        eventId,
        outcome: 'duplicate',
        accounts: duplicate,
        reason: 'already received: no new event',
      });
    } else {
      this.addLog({ channel, messageId, eventId, outcome: 'rejected', accounts: [], reason: reason ?? 'not queued' });
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
  // Catch-up

  private scheduleCatchUp(why: string, only: { strategies?: Set<string>; accounts?: Set<string> } = {}): void {
    this.catchUps = this.catchUps
      .then(() => this.catchUp(why, only))
      .catch((error: unknown) => {
        this.log.error({ err: errorText(error) }, 'catch-up failed');
      });
  }

  private async catchUp(why: string, only: { strategies?: Set<string>; accounts?: Set<string> }): Promise<void> {
    const settings = this.settings;
    if (!settings || !this.running) return;
    const accounts = accountsInMode(settings).filter(
      (a) =>
        (!only.strategies || only.strategies.has(a.strategy)) && (!only.accounts || only.accounts.has(a.accountId)),
    );
    const strategies = [...new Set(accounts.map((a) => a.strategy))];
    const failedStrategies = new Set<string>();
    let changed = false;
    for (const strategy of strategies) {
      let set: AllocationSet;
      try {
        set = await this.deps.allocations.getAllocations(strategy);
      } catch (error) {
        failedStrategies.add(strategy);
        const reason = `catch-up (${why}) could not read the allocations of ${strategy}: ${errorText(error)}`;
        this.log.warn({ strategy, err: errorText(error) }, 'catch-up could not read allocations');
        this.addLog({ channel: strategy, messageId: null, eventId: null, outcome: 'state', reason });
        continue;
      }
      if (!this.running) return;
      const asOf = set.asOf;
      if (asOf === null) {
        this.log.info({ strategy }, 'catch-up: allocations carry no as_of; cannot compare');
        continue;
      }
      for (const account of accounts.filter((a) => a.strategy === strategy)) {
        let lastAsOf: string | null;
        try {
          lastAsOf = await this.deps.rebalanceMemory.lastAsOf(account.accountId);
        } catch (error) {
          failedStrategies.add(strategy);
          this.log.warn(
            { accountId: account.accountId, err: errorText(error) },
            'catch-up could not read the last rebalance',
          );
          continue;
        }
        if (!isNewerAsOf(asOf, lastAsOf)) {
          if (this.missed.delete(account.accountId)) changed = true;
          continue;
        }
        const mark: MissedSignal = { strategy, asOf, lastAsOf };
        const before = this.missed.get(account.accountId);
        if (!before || before.asOf !== asOf || before.lastAsOf !== lastAsOf || before.strategy !== strategy) {
          this.missed.set(account.accountId, mark);
          changed = true;
          this.log.warn({ accountId: account.accountId, strategy, asOf, lastAsOf }, 'missed signal');
          this.addLog({
            channel: strategy,
            messageId: null,
            eventId: null,
            outcome: 'state',
            reason: `missed signal for ${account.accountId}: allocations as of ${asOf}, last rebalanced to ${lastAsOf ?? 'never'}`,
            accounts: [account.accountId],
          });
        }
        if (settings.zehnlabs.autoCatchUp) {
          const event = catchUpEvent(account.accountId, mark);
          try {
            const result = await this.deps.sink.enqueue(event, 'catch-up');
            this.log.info(
              { eventId: event.eventId, accountId: account.accountId, status: result.status },
              'catch-up rebalance',
            );
            this.addLog({
              channel: strategy,
              messageId: null,
              eventId: event.eventId ?? null,
              outcome: result.status === 'queued' ? 'accepted' : 'duplicate',
              accounts: [account.accountId],
              reason: result.status === 'queued' ? 'catch-up rebalance queued' : 'catch-up rebalance already queued',
            });
          } catch (error) {
            this.log.error(
              { eventId: event.eventId, accountId: account.accountId, err: errorText(error) },
              'catch-up enqueue failed',
            );
            this.addLog({
              channel: strategy,
              messageId: null,
              eventId: event.eventId ?? null,
              outcome: 'rejected',
              accounts: [account.accountId],
              reason: `catch-up rebalance could not be queued: ${errorText(error)}`,
            });
          }
        }
      }
    }
    if (changed) this.emit('missed', this.missedSignals());
    let gapsCleared = false;
    for (const strategy of strategies) {
      const entry = this.channels.get(strategy);
      if (!entry || !entry.view.possibleGap || failedStrategies.has(strategy)) continue;
      entry.view.possibleGap = false;
      entry.view.reason = null;
      gapsCleared = true;
    }
    if (gapsCleared) this.emitState();
    if (failedStrategies.size > 0 && this.running && !this.catchUpTimer) {
      const retry = [...failedStrategies];
      this.catchUpTimer = setTimeout(() => {
        this.catchUpTimer = null;
        this.scheduleCatchUp(`retry after ${why}`, { strategies: new Set(retry) });
      }, this.catchUpRetryMs);
      this.catchUpTimer.unref();
    }
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

/** The catch-up `rebalance` of an account: eventId `catch-up:<asOf>`, id `${eventId}:${accountId}` (§4). */
function catchUpEvent(accountId: string, mark: MissedSignal): NewEvent {
  const eventId = `catch-up:${mark.asOf ?? randomUUID()}`;
  return {
    id: `${eventId}:${accountId}`,
    eventId,
    accountId,
    command: 'rebalance',
    strategy: mark.strategy,
    source: 'catch-up',
    payload: { exec: 'rebalance', eventId, asOf: mark.asOf, lastAsOf: mark.lastAsOf },
  };
}
