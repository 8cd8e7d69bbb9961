/**
 * The one connection to IB Gateway / TWS (PRODUCT.md §9).
 *
 * Design: classic `IBApi` only, a fresh instance per connection attempt. The classic API gives the live order
 * stream (openOrder / orderStatus / execDetails / commissionReport for our client id, which IBApiNext does not,
 * pitfall 7) and lets this layer own the id spaces: request ids live in [1e9, 2e9) and order ids come from
 * `nextValidId` (far below), so an error for an order can never be mistaken for one of a request (pitfall 8).
 * A new `IBApi` per attempt means nothing queued in a dead session (the library's command buffer and rate
 * limiter) is ever replayed on the next one.
 *
 * - `connected` only after `nextValidId`: before it the library holds every request (pitfall 1).
 * - A request while not connected fails at once with a transient `IbError` (504) so the queue keeps moving;
 *   a connection lost mid-request fails every pending request the same way.
 * - Reconnects forever with a fixed delay. Error 326 (client id in use, an `info` event for id -1) draws a new
 *   client id in 1000–2999, saves it and reconnects at once.
 * - Pacing: the library's limiter (`maxReqPerSec`, capped at 40, well under IB's 50 messages/s), fed by this layer's
 *   own gate at the same rate so that the library's first-come queue stays short and what waits, waits here in
 *   priority order: reads (account data, prices, open orders, cancels) first — few, and other accounts' work waits
 *   on them — then orders and what-if checks. Those two share one first-come queue: IB wants every order id above
 *   the ones sent before it, and ids are taken when an order is asked for.
 */
import { EventEmitter } from 'node:events';
import { EventName, IBApi } from '@stoqey/ib';
import pino, { type Logger } from 'pino';
import { gatewayReason, NOT_LOGGED_IN_REASON } from '../domain/errors';
import { IB_DECODE_ERROR, IB_NOT_CONNECTED, IbError, isIbNotice } from './ib-errors';
import { Mutex } from './mutex';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** What the status strip shows. */
export interface IbStatus {
  state: ConnectionState;
  /** Human text: why we are in this state ("connected as client id 1234", "connect ECONNREFUSED …"). */
  reason: string;
  clientId: number | null;
  host: string;
  port: number;
  /** ISO-8601 time of the last state change. */
  since: string;
  /** Accounts the gateway manages (from managedAccounts), empty until connected. */
  accounts: string[];
  /** A trouble of the gateway itself while connected (§21: 1100, 2110, 10197, not logged in), else null. */
  problem: GatewayProblem | null;
}

/** What is wrong with a connected gateway, in plain words for the IB light and the event's error. */
export interface GatewayProblem {
  /** The IB code (1100, 2110, 10197), or null for a gateway that is up but not logged in. */
  code: number | null;
  reason: string;
  /** True when no request can succeed meanwhile (connectivity lost, not logged in): work fails at once with it. */
  blocking: boolean;
}

/** Where the installation's client id is kept between runs. */
export interface ClientIdStore {
  load(): Promise<number | null>;
  save(id: number): Promise<void>;
}

/**
 * §24: where the highest order id used per client id is kept (with the queue, in Redis: core/records/order-ids.ts),
 * so that ids are never reused across restarts of the app or of IB Gateway.
 */
export interface OrderIdStore {
  /** The highest id `clientId` has used, or null when none was recorded. */
  highest(clientId: number): Promise<number | null>;
  /** Records that `clientId` used `orderId` (the store keeps the highest). */
  used(clientId: number, orderId: number): Promise<void>;
}

export interface IbConnectionOptions {
  host: string;
  port: number;
  /** A fixed client id from settings; null draws one per installation (kept in `clientIdStore`). */
  clientId: number | null;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  reconnectDelayMs?: number;
  /** Messages per second the library's limiter allows; capped at 40. */
  maxReqPerSec?: number;
  clientIdStore: ClientIdStore;
  /** The persisted highest order ids (§24); without one ids are kept for this process only. */
  orderIdStore?: OrderIdStore;
  /** Random source in [0, 1) for client ids (tests make it deterministic). */
  random?: () => number;
  log?: Logger;
}

/** An error or notice from the gateway (or the library), as seen on the wire. */
export interface GatewayMessage {
  /** Request / order id, or -1 for connection-level messages. */
  id: number;
  code: number;
  message: string;
}

export interface ConnectionEvents {
  state: [IbStatus];
  /** A new `IBApi` session was created (before connecting): attach per-session listeners here. */
  session: [IBApi];
  /** The session is ready for requests (after nextValidId). */
  connected: [IBApi];
  /** The session ended (any reason); pending requests have already been failed. */
  disconnected: [string];
  /** Every error and notice from the gateway or the library. */
  message: [GatewayMessage];
  /** An error naming an id no pending request owns: an order's error (201, 202, 10147 …). */
  'order-error': [GatewayMessage];
}

/** What a request's body can use. Listeners added with `on` are removed when the request settles. */
export interface RequestScope<T> {
  readonly api: IBApi;
  /** The request id (or the order id given to `request`). */
  readonly id: number;
  resolve(value: T): void;
  reject(error: unknown): void;
  on: IBApi['on'];
  /** Runs when the request settles while the session is still up (cancel a subscription …). */
  onSettle(cleanup: (outcome: 'resolved' | 'rejected') => void): void;
}

/** Which gate queue a request's messages wait in (see the module comment). */
export type RequestPriority = 'read' | 'order';
const PRIORITY_RANK: Record<RequestPriority, number> = { read: 0, order: 1 };
/** The library's limiter: `maxReqPerSec / 10` messages per 100 ms, a slot freed 100 ms after each message. */
const PACING_WINDOW_MS = 100;
/** IBApi methods that send a message (the rest: listeners and getters). */
const SENDS = /^(req|cancel|placeOrder|exerciseOptions|calculate|queryDisplayGroups|replaceFA|setServerLogLevel)/;

export interface RequestOptions {
  timeoutMs?: number;
  /** Default 'read'. */
  priority?: RequestPriority;
  /** Use this id instead of a new request id (orders use their order id). */
  id?: number;
  /**
   * Decides on an error the gateway reports for this request's id. Return true when handled. Unhandled
   * notices (farm OK, 399, 10167 …) are ignored, anything else rejects the request with an `IbError`.
   */
  onGatewayError?: (message: GatewayMessage) => boolean;
  /** The symbol the request is about, for the code table's sentences that name it (§24: "IB has no contract for X"). */
  symbol?: string;
}

interface PendingRequest {
  label: string;
  fail(error: Error): void;
  gatewayError(message: GatewayMessage): void;
}

/** Client ids are drawn from this range (PRODUCT.md §9). */
export const CLIENT_ID_MIN = 1000;
export const CLIENT_ID_MAX = 2999;
/** Request ids live in [REQ_ID_BASE, REQ_ID_LIMIT); order ids from nextValidId stay far below. */
export const REQ_ID_BASE = 1_000_000_000;
const REQ_ID_LIMIT = 2_000_000_000;
const MAX_REQ_PER_SEC = 40;
/** IB connection-level notices: connectivity between the gateway and IB lost / restored. */
const CONNECTIVITY_LOST = 1100;
const CONNECTIVITY_RESTORED = new Set([1101, 1102]);
/** The link between the gateway and IB's servers is broken (restored by IB itself, or by a farm-OK notice). */
const SERVER_LINK_BROKEN = 2110;
const FARM_OK = new Set([2104, 2106, 2158]);
/** No market data during a competing live session (the same user logged in elsewhere). */
const COMPETING_SESSION = 10197;
const CLIENT_ID_IN_USE = 326;
const PACING_VIOLATION = 100;

/** Draws a client id in 1000–2999, different from `avoid`. */
export function drawClientId(random: () => number, avoid: number | null = null): number {
  const span = CLIENT_ID_MAX - CLIENT_ID_MIN + 1;
  for (let i = 0; i < 20; i++) {
    const id = CLIENT_ID_MIN + Math.min(span - 1, Math.floor(random() * span));
    if (id !== avoid) return id;
  }
  return avoid === CLIENT_ID_MAX ? CLIENT_ID_MIN : (avoid ?? CLIENT_ID_MIN) + 1;
}

/** The connection manager: state for the status strip, reconnects, request plumbing, id spaces. */
export class IbConnection extends EventEmitter<ConnectionEvents> {
  readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectDelayMs: number;
  private readonly maxReqPerSec: number;
  private readonly random: () => number;
  private readonly log: Logger;

  private status: IbStatus;
  private clientIdValue: number | null = null;
  private api: IBApi | null = null;
  /** Bumped on every new session and on every teardown; callbacks of older sessions are ignored. */
  private generation = 0;
  private started = false;
  private stopped = false;
  private connectTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastSocketError: string | null = null;
  private nextOrderIdValue = 0;
  /** The highest order id known used by `orderIdFloorOf` (read from the store once per session), and its client id. */
  private orderIdFloor = 0;
  private orderIdFloorOf: number | null = null;
  /** Order ids are handed out one at a time: each is persisted before it is used. */
  private readonly orderIdTurns = new Mutex();
  /** Waiters for the next `nextValidId` answer (fresh ids asked for after a 103). */
  private readonly idWaiters = new Set<(id: number) => void>();
  private nextReqIdValue = REQ_ID_BASE;
  /** While the gateway manages no accounts (not logged in), managed accounts are asked for again on this timer. */
  private loginTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<PendingRequest>();
  private readonly routes = new Map<number, PendingRequest>();
  /** Messages waiting for a pacing slot, by priority rank; and the send times of the last window. */
  private readonly gate: (() => void)[][] = [[], []];
  private readonly gateSent: number[] = [];
  private gateTimer: NodeJS.Timeout | null = null;
  private readonly gatedApis = new WeakMap<IBApi, Map<RequestPriority, IBApi>>();

  constructor(private readonly options: IbConnectionOptions) {
    super();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 5_000;
    this.maxReqPerSec = Math.max(1, Math.min(MAX_REQ_PER_SEC, options.maxReqPerSec ?? MAX_REQ_PER_SEC));
    this.random = options.random ?? Math.random;
    this.log = (options.log ?? pino({ enabled: false })).child({ tag: 'ib' });
    this.status = {
      state: 'disconnected',
      reason: 'not started',
      clientId: options.clientId,
      host: options.host,
      port: options.port,
      since: new Date().toISOString(),
      accounts: [],
      problem: null,
    };
  }

  get state(): ConnectionState {
    return this.status.state;
  }

  get reason(): string {
    return this.status.reason;
  }

  get clientId(): number | null {
    return this.clientIdValue;
  }

  /** A copy of the current status. */
  snapshot(): IbStatus {
    return { ...this.status, accounts: [...this.status.accounts] };
  }

  /** Picks the client id (settings, else the saved one, else a new one saved now) and starts connecting. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    let id = this.options.clientId;
    if (id === null) {
      id = await this.options.clientIdStore.load();
      if (id === null) {
        id = drawClientId(this.random);
        await this.options.clientIdStore.save(id);
        this.log.info({ clientId: id }, 'drew a client id for this installation');
      }
    }
    if (this.stopped) return;
    this.clientIdValue = id;
    this.connect();
  }

  /** Disconnects and stops reconnecting; pending requests fail as transient. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.api || this.status.state !== 'disconnected') this.endSession('stopped');
  }

  /**
   * Connects again at once (§29 resume from sleep): a session that outlived a sleep may be dead without the socket
   * knowing, and a reconnect timer set before the sleep would wait out its delay. Pending requests fail as transient.
   */
  reconnectNow(reason: string): void {
    if (!this.started || this.stopped) return;
    if (this.api || this.status.state !== 'disconnected') {
      this.endSession(reason, 0);
      return;
    }
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.connect();
  }

  /** Resolves once connected; rejects (transient) after `timeoutMs`. */
  whenConnected(timeoutMs = this.connectTimeoutMs): Promise<void> {
    if (this.status.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (status: IbStatus): void => {
        if (status.state !== 'connected') return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(IbError.notConnected('waiting for the connection', this.status.reason));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  /** The live session's API, or a fast transient failure (504) when not connected. */
  requireApi(context: string): IBApi {
    if (this.status.state !== 'connected' || !this.api) throw IbError.notConnected(context, this.status.reason);
    return this.api;
  }

  /**
   * The next order id of this client (§24): max(nextValidId, highest id ever used + 1), the highest read from the
   * `orderIdStore` once per session; the id is persisted BEFORE it is used, so neither a restart of the app nor one of
   * IB Gateway (whose nextValidId can then be lower than ids used that day) can hand it out again. Without a store
   * (tests) ids are kept for this process only. A store that cannot be read or written fails the order (transient):
   * never an order with an id that might be reused.
   */
  takeOrderId(context: string): Promise<number> {
    this.requireApi(context);
    return this.orderIdTurns.run(async () => {
      this.requireApi(context);
      const clientId = this.clientIdValue as number;
      const store = this.options.orderIdStore;
      try {
        if (store && this.orderIdFloorOf !== clientId) {
          this.orderIdFloor = (await store.highest(clientId)) ?? 0;
          this.orderIdFloorOf = clientId;
        }
        const id = Math.max(this.nextOrderIdValue, this.orderIdFloor + 1);
        if (store) await store.used(clientId, id);
        this.orderIdFloor = id;
        this.nextOrderIdValue = id + 1;
        return id;
      } catch (error) {
        if (error instanceof IbError) throw error;
        throw new IbError(`${context}: the order id could not be kept (${(error as Error).message}); not sending`, {
          kind: 'transient',
          cause: error,
        });
      }
    });
  }

  /**
   * §24: IB refused `refusedId` as a duplicate (103). Asks the gateway for fresh ids (reqIds) and moves the next id
   * past both its answer and `refusedId + skip`, within the same attempt; the caller sends the order again.
   */
  async skipPastOrderId(refusedId: number, skip: number, context: string): Promise<void> {
    const api = this.requireApi(context);
    const answer = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        this.idWaiters.delete(waiter);
        resolve(null);
      }, this.requestTimeoutMs);
      const waiter = (id: number): void => {
        clearTimeout(timer);
        this.idWaiters.delete(waiter);
        resolve(id);
      };
      this.idWaiters.add(waiter);
    });
    api.reqIds(1);
    const fresh = await answer;
    this.nextOrderIdValue = Math.max(this.nextOrderIdValue, fresh ?? 0, refusedId + Math.max(1, skip));
    this.log.warn(
      { refusedId, fresh, next: this.nextOrderIdValue },
      `${context}: IB Gateway refused order id ${refusedId} as a duplicate (103); moving past it`,
    );
  }

  /**
   * Sends through the pacing gate (see the module comment): `send` runs when a slot is free and nothing of a higher
   * priority waits, if the session it was queued in is still up.
   */
  send(send: (api: IBApi) => void, priority: RequestPriority = 'read'): void {
    const api = this.api;
    if (!api) return;
    const session = this.generation;
    this.gate[PRIORITY_RANK[priority]]?.push(() => {
      if (this.generation === session && this.api === api) send(api);
    });
    this.pumpGate();
  }

  private pumpGate(): void {
    const now = Date.now();
    const perWindow = Math.max(1, Math.floor(this.maxReqPerSec / 10));
    while (this.gateSent.length > 0 && now - (this.gateSent[0] as number) >= PACING_WINDOW_MS) this.gateSent.shift();
    while (this.gateSent.length < perWindow) {
      const queue = this.gate.find((q) => q.length > 0);
      const next = queue?.shift();
      if (!next) return;
      this.gateSent.push(now);
      try {
        next();
      } catch (error) {
        this.log.warn({ err: error }, 'sending a message failed');
      }
    }
    if (this.gateTimer || !this.gate.some((q) => q.length > 0)) return;
    const wait = Math.max(1, PACING_WINDOW_MS - (now - (this.gateSent[0] as number)));
    this.gateTimer = setTimeout(() => {
      this.gateTimer = null;
      this.pumpGate();
    }, wait);
  }

  private clearGate(): void {
    for (const queue of this.gate) queue.length = 0;
    this.gateSent.length = 0;
    if (this.gateTimer) clearTimeout(this.gateTimer);
    this.gateTimer = null;
  }

  /** `api` whose sending methods go through the gate at `priority` (one per session and priority). */
  private gated(api: IBApi, priority: RequestPriority): IBApi {
    let byPriority = this.gatedApis.get(api);
    if (!byPriority) {
      byPriority = new Map();
      this.gatedApis.set(api, byPriority);
    }
    let proxy = byPriority.get(priority);
    if (!proxy) {
      proxy = this.proxy(api, priority);
      byPriority.set(priority, proxy);
    }
    return proxy;
  }

  private proxy(api: IBApi, priority: RequestPriority): IBApi {
    return new Proxy(api, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (typeof prop === 'string' && SENDS.test(prop)) {
          return (...args: unknown[]) => {
            this.send(() => fn.apply(target, args), priority);
            return receiver;
          };
        }
        return fn.bind(target);
      },
    });
  }

  nextReqId(): number {
    const id = this.nextReqIdValue++;
    if (this.nextReqIdValue >= REQ_ID_LIMIT) this.nextReqIdValue = REQ_ID_BASE;
    return id;
  }

  /**
   * Runs one request/answer exchange on the live session: fails fast when disconnected, on timeout, on a lost
   * connection and on a gateway error for its id; removes its listeners and runs its cleanups when it settles.
   */
  request<T>(label: string, run: (scope: RequestScope<T>) => void, options: RequestOptions = {}): Promise<T> {
    let api: IBApi;
    try {
      api = this.requireApi(label);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = options.id ?? this.nextReqId();
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const session = this.generation;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const disposers: (() => void)[] = [];
      const cleanups: ((outcome: 'resolved' | 'rejected') => void)[] = [];
      const settle = (outcome: 'resolved' | 'rejected', done: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(entry);
        if (this.routes.get(id) === entry) this.routes.delete(id);
        for (const dispose of disposers) dispose();
        if (this.generation === session && this.status.state === 'connected') {
          for (const cleanup of cleanups) {
            try {
              cleanup(outcome);
            } catch (error) {
              this.log.warn({ err: error, label }, 'request cleanup failed');
            }
          }
        }
        done();
      };
      const entry: PendingRequest = {
        label,
        fail: (error) => settle('rejected', () => reject(error)),
        gatewayError: (message) => {
          if (options.onGatewayError?.(message)) return;
          if (isIbNotice(message.code, message.message)) {
            this.log.debug({ label, ...message }, 'notice for a request');
            return;
          }
          entry.fail(IbError.fromGateway(message.code, message.message, label, id, options.symbol));
        },
      };
      const emitter = api as unknown as UntypedEmitter;
      const on = ((event: string, listener: (...args: unknown[]) => void) => {
        emitter.on(event, listener);
        disposers.push(() => emitter.off(event, listener));
        return api;
      }) as unknown as IBApi['on'];
      const scope: RequestScope<T> = {
        api: this.gated(api, options.priority ?? 'read'),
        id,
        resolve: (value) => settle('resolved', () => resolve(value)),
        reject: (error) => entry.fail(toError(error, label)),
        on,
        onSettle: (cleanup) => cleanups.push(cleanup),
      };
      const timer = setTimeout(() => entry.fail(IbError.timeout(label, timeoutMs)), timeoutMs);
      this.pending.add(entry);
      this.routes.set(id, entry);
      try {
        run(scope);
      } catch (error) {
        entry.fail(toError(error, label));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped || this.clientIdValue === null) return;
    const session = ++this.generation;
    const clientId = this.clientIdValue;
    const api = new IBApi({ host: this.options.host, port: this.options.port, maxReqPerSec: this.maxReqPerSec });
    this.api = api;
    this.lastSocketError = null;
    const current = (): boolean => session === this.generation;

    api.on(EventName.nextValidId, (orderId: number) => {
      if (!current()) return;
      this.nextOrderIdValue = Math.max(this.nextOrderIdValue, orderId);
      for (const waiter of [...this.idWaiters]) waiter(orderId);
      // A new session reads the persisted highest id again before its first order (§24).
      if (this.status.state !== 'connected') this.orderIdFloorOf = null;
      if (this.status.state === 'connected') return;
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.setState('connected', this.status.problem?.reason ?? `connected as client id ${clientId}`);
      this.log.info({ clientId, serverVersion: api.serverVersion, nextOrderId: orderId }, 'connected to IB Gateway');
      this.emit('connected', api);
    });
    api.on(EventName.managedAccounts, (list: string) => {
      if (!current()) return;
      this.status.accounts = list
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      this.onManagedAccounts(api);
    });
    api.on(EventName.tickPrice, (_reqId: number, _field: number, price: number) => {
      if (current() && price > 0 && this.status.problem?.code === COMPETING_SESSION) this.clearProblem();
    });
    api.on(EventName.disconnected, () => {
      if (!current()) return;
      this.endSession(this.lastSocketError ?? 'connection closed by the gateway');
    });
    api.on(EventName.error, (error: Error, code: number, reqId: number) => {
      if (!current()) return;
      this.onGatewayError({ id: reqId ?? -1, code, message: error?.message ?? String(error) });
    });
    api.on(EventName.info, (message: string, code: number) => {
      if (!current()) return;
      this.onInfo({ id: -1, code, message });
    });

    this.setState('connecting', `connecting to ${this.options.host}:${this.options.port} as client id ${clientId}`);
    this.emit('session', api);
    this.connectTimer = setTimeout(() => {
      if (!current()) return;
      this.endSession(`no answer from ${this.options.host}:${this.options.port} within ${this.connectTimeoutMs} ms`);
    }, this.connectTimeoutMs);
    api.connect(clientId);
  }

  private onGatewayError(message: GatewayMessage): void {
    this.emit('message', message);
    if (message.code === COMPETING_SESSION) this.setProblem(COMPETING_SESSION, false);
    if (message.id !== -1) {
      const owner = this.routes.get(message.id);
      if (owner) owner.gatewayError(message);
      else this.emit('order-error', message);
      return;
    }
    if (message.code === IB_DECODE_ERROR) {
      this.log.error({ code: message.code }, `protocol decode error: ${message.message}`);
    } else if (message.code === 502 || message.code === IB_NOT_CONNECTED) {
      this.lastSocketError = message.message;
      this.log.debug({ code: message.code }, message.message);
    } else if (isIbNotice(message.code, message.message)) {
      this.log.debug({ code: message.code }, message.message);
    } else {
      this.log.warn({ code: message.code }, `gateway error: ${message.message}`);
    }
  }

  private onInfo(message: GatewayMessage): void {
    this.emit('message', message);
    const { code } = message;
    if (code === CLIENT_ID_IN_USE) {
      const old = this.clientIdValue;
      const id = drawClientId(this.random, old);
      this.clientIdValue = id;
      this.status.clientId = id;
      this.log.warn({ oldClientId: old, clientId: id }, 'client id in use (326); switching to a new one');
      this.options.clientIdStore.save(id).catch((error: unknown) => {
        this.log.error({ err: error, clientId: id }, 'could not save the new client id');
      });
      this.endSession(`client id ${old} is in use; reconnecting as ${id}`, 0);
    } else if (code === CONNECTIVITY_LOST) {
      this.setProblem(CONNECTIVITY_LOST, true);
      this.log.warn({ code }, message.message);
    } else if (CONNECTIVITY_RESTORED.has(code)) {
      // Connected to IB again; a gateway nobody is logged in to stays so until managed accounts appear.
      if (this.status.state === 'connected' && this.status.problem?.code !== null)
        this.clearProblem(gatewayReason(code));
      this.log.info({ code }, message.message);
    } else if (code === SERVER_LINK_BROKEN || code === COMPETING_SESSION) {
      this.setProblem(code, false);
      this.log.warn({ code }, message.message);
    } else if (FARM_OK.has(code) && this.status.problem?.code === SERVER_LINK_BROKEN) {
      this.clearProblem();
      this.log.info({ code }, message.message);
    } else if (code === PACING_VIOLATION) {
      this.log.warn({ code }, `pacing violation: ${message.message}`);
    } else if (code === IB_DECODE_ERROR) {
      this.log.error({ code }, `protocol decode error: ${message.message}`);
    } else {
      this.log.debug({ code }, message.message);
    }
  }

  /** Tears the session down, fails every pending request and (unless stopped) schedules the next attempt. */
  private endSession(reason: string, retryDelayMs = this.reconnectDelayMs): void {
    this.generation++;
    this.clearGate();
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    const api = this.api;
    this.api = null;
    if (api) {
      api.removeAllListeners();
      try {
        api.disconnect();
      } catch (error) {
        this.log.debug({ err: error }, 'disconnect failed');
      }
    }
    const wasConnected = this.status.state === 'connected';
    this.status.accounts = [];
    this.status.problem = null;
    if (this.loginTimer) clearInterval(this.loginTimer);
    this.loginTimer = null;
    for (const request of [...this.pending]) request.fail(IbError.notConnected(request.label, reason));
    this.pending.clear();
    this.routes.clear();
    this.setState('disconnected', reason);
    if (wasConnected) this.log.warn({ reason }, 'disconnected from IB Gateway');
    else this.log.debug({ reason }, 'connection attempt ended');
    this.emit('disconnected', reason);
    if (!this.stopped) {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => this.connect(), retryDelayMs);
    }
  }

  private setState(state: ConnectionState, reason: string): void {
    this.status = {
      ...this.status,
      state,
      reason,
      clientId: this.clientIdValue,
      since: new Date().toISOString(),
    };
    this.emit('state', this.snapshot());
  }

  private setReason(reason: string): void {
    this.status = { ...this.status, reason };
    this.emit('state', this.snapshot());
  }

  /** Marks a trouble of the connected gateway (§21); the reason is its plain text from GATEWAY_REASONS. */
  private setProblem(code: number | null, blocking: boolean): void {
    const reason = code === null ? NOT_LOGGED_IN_REASON : (gatewayReason(code) ?? `IB code ${code}`);
    if (this.status.problem?.code === code && this.status.problem.reason === reason) return;
    // A notice (2110, 10197) never hides a trouble that stops all work (1100, not logged in).
    if (!blocking && this.status.problem?.blocking) return;
    this.status = { ...this.status, problem: { code, reason, blocking }, reason };
    this.emit('state', this.snapshot());
  }

  /** The trouble is over: back to "connected as client id N", with the note IB sent (e.g. 1102's) when any. */
  private clearProblem(note?: string): void {
    if (this.status.state !== 'connected') {
      if (this.status.problem !== null) this.status = { ...this.status, problem: null };
      return;
    }
    const base = `connected as client id ${this.clientIdValue}`;
    this.status = { ...this.status, problem: null, reason: note ? `${base}; ${note}` : base };
    this.emit('state', this.snapshot());
  }

  /**
   * An empty managed-accounts list means the gateway is up but nobody is logged in (two-factor pending, or the
   * log-in failed): shown as a blocking problem and asked again every `reconnectDelayMs` until accounts appear.
   */
  private onManagedAccounts(api: IBApi): void {
    if (this.status.accounts.length === 0) {
      this.setProblem(null, true);
      if (!this.loginTimer) {
        this.loginTimer = setInterval(() => {
          if (this.api === api) api.reqManagedAccts();
        }, this.reconnectDelayMs);
        this.loginTimer.unref();
      }
      return;
    }
    if (this.loginTimer) clearInterval(this.loginTimer);
    this.loginTimer = null;
    if (this.status.problem?.code === null) this.clearProblem();
  }
}

/** IBApi's listener methods without its per-event overloads. */
interface UntypedEmitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

function toError(error: unknown, label: string): Error {
  if (error instanceof Error) return error;
  return new IbError(`${label}: ${String(error)}`);
}
