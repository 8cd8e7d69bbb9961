/**
 * The IB client the processor uses (PRODUCT.md §7–§9): one facade over the connection, account data, prices,
 * contracts and orders. `IbPort` is its shape, so commands can be tested with fakes.
 */
import { EventName } from '@stoqey/ib';
import type { Logger } from 'pino';
import type { AccountEquity, AccountMoney, OrderRecord, Position, Quote, TradeRecord } from '../../shared/dto';
import { Account } from './account';
import {
  IbConnection,
  type ClientIdStore,
  type ConnectionState,
  type GatewayMessage,
  type IbStatus,
  type OrderIdStore,
} from './connection';
import { Contracts, type ContractInfo } from './contracts';
import { MarketData, type MarketDataProbe, type QuoteOptions } from './market-data';
import {
  Orders,
  type ExecutionQuery,
  type FillRecord,
  type PlaceOrderRequest,
  type TrackedOrder,
  type WhatIfResult,
} from './orders';

export interface IbClientOptions {
  host: string;
  port: number;
  /** From settings; null draws one per installation, kept in `clientIdStore`. */
  clientId: number | null;
  clientIdStore: ClientIdStore;
  /** §24: the highest order id used per client id, kept with the queue; without one, for this process only. */
  orderIdStore?: OrderIdStore;
  /** `ib.marketDataType` (1 live, default; falls back to 3 delayed when not entitled). */
  marketDataType?: number;
  /** How long a quote snapshot is reused when no streaming line is left (see MarketDataOptions.quoteTtlMs). */
  quoteTtlMs?: number;
  /** A symbol's streaming line is cancelled after this long unused (see MarketDataOptions.quoteIdleMs). */
  quoteIdleMs?: number;
  /** The account summary and positions subscriptions are cancelled after this long unused (default 30 000 ms). */
  accountIdleMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  reconnectDelayMs?: number;
  /** The library's pacing limit, capped at 40 messages/s. */
  maxReqPerSec?: number;
  random?: () => number;
  log?: Logger;
}

export interface IbEvents {
  /** Connection state for the status strip. */
  state: (status: IbStatus) => void;
  /** A status change of one of this client's orders. */
  order: (record: TradeRecord) => void;
  /** One execution of this client's orders (with commission when reported in time). */
  fill: (record: TradeRecord) => void;
  /** Every error and notice from the gateway (diagnostics). */
  message: (message: GatewayMessage) => void;
}

/** What the processor needs from IB. Every method fails with a `DeskError` (an `IbError`) whose kind is §10's. */
export interface IbPort {
  readonly state: ConnectionState;
  status(): IbStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once connected; rejects (transient) after `timeoutMs`. */
  whenConnected(timeoutMs?: number): Promise<void>;
  getEquity(accountId: string): Promise<AccountEquity>;
  getPositions(accountId: string): Promise<Position[]>;
  /** Throws `transient` naming symbols without a price, unless `allowMissing` (then they are absent). */
  getQuotes(symbols: readonly string[], options?: QuoteOptions): Promise<Map<string, Quote>>;
  resolveContract(symbol: string): Promise<ContractInfo>;
  placeOrder(request: PlaceOrderRequest): Promise<TrackedOrder>;
  /** Rejects with the first refusal (`rejected`, with the IB code) when any order of the batch is refused. */
  whatIf(requests: readonly PlaceOrderRequest[]): Promise<WhatIfResult[]>;
  /** Final states; `partial` `FillTimeoutError` (with `orders`) after `timeoutMs`; transient on a lost connection. */
  waitForFills(orderIds: readonly number[], timeoutMs: number): Promise<TrackedOrder[]>;
  cancelOrder(orderId: number): Promise<TrackedOrder>;
  cancelOwnOpenOrders(accountId: string, orderRefPrefix?: string): Promise<TrackedOrder[]>;
  /**
   * Every client's working orders (TWS included), with clientId and remaining quantity; `maxAgeMs` lets a read that
   * recent stand in (planning counts other clients' orders; this app's own are tracked live).
   */
  listOpenOrders(accountId?: string, options?: OpenOrdersOptions): Promise<OrderRecord[]>;
  executions(query?: ExecutionQuery): Promise<FillRecord[]>;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof IbEvents>(event: E, listener: IbEvents[E]): () => void;
}

/** The longest a batch's what-if checks hold other batches' checks back (see IbClient.whatIf). */
const WHAT_IF_TURN_MS = 1_000;
const SMALL_BATCH = 4;
const TURN_LOOKAHEAD_MS = 100;

export interface OpenOrdersOptions {
  /** An answer this recent (ms) may be reused; default 0: a read of its own, or one already under way. */
  maxAgeMs?: number;
}

export class IbClient implements IbPort {
  readonly connection: IbConnection;
  readonly contracts: Contracts;
  readonly account: Account;
  readonly marketData: MarketData;
  readonly orders: Orders;
  /** The what-if batches' turns (see whatIf): whether one is under way, those waiting, the open one per account. */
  private turnBusy = false;
  private readonly turnsWaiting: { size: number; go: () => void }[] = [];
  private readonly turnOf = new Map<string, () => void>();
  /** The last read of every client's open orders (see listOpenOrders). */
  private openOrders: { at: number | null; orders: Promise<OrderRecord[]> } | null = null;

  constructor(options: IbClientOptions) {
    this.connection = new IbConnection({
      host: options.host,
      port: options.port,
      clientId: options.clientId,
      clientIdStore: options.clientIdStore,
      ...(options.orderIdStore === undefined ? {} : { orderIdStore: options.orderIdStore }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
      ...(options.maxReqPerSec === undefined ? {} : { maxReqPerSec: options.maxReqPerSec }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    this.contracts = new Contracts(this.connection);
    this.account = new Account(this.connection, {
      ...(options.accountIdleMs === undefined ? {} : { idleMs: options.accountIdleMs }),
    });
    this.marketData = new MarketData(this.connection, this.contracts, {
      ...(options.marketDataType === undefined ? {} : { marketDataType: options.marketDataType }),
      ...(options.quoteTtlMs === undefined ? {} : { quoteTtlMs: options.quoteTtlMs }),
      ...(options.quoteIdleMs === undefined ? {} : { quoteIdleMs: options.quoteIdleMs }),
    });
    this.orders = new Orders(this.connection, this.contracts);
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  get clientId(): number | null {
    return this.connection.clientId;
  }

  status(): IbStatus {
    return this.connection.snapshot();
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  async stop(): Promise<void> {
    await this.connection.stop();
    this.orders.flush();
  }

  whenConnected(timeoutMs?: number): Promise<void> {
    return this.connection.whenConnected(timeoutMs);
  }

  /** Drops the session (if any) and connects again at once (resume from sleep, §29). */
  reconnectNow(reason: string): void {
    this.connection.reconnectNow(reason);
  }

  /** The gateway's clock (reqCurrentTime), ms since the epoch at one-second resolution (§29 `clock`). */
  serverTime(): Promise<number> {
    return this.connection.request<number>('server time', (scope) => {
      scope.on(EventName.currentTime, (time: number) => scope.resolve(time * 1000));
      scope.api.reqCurrentTime();
    });
  }

  /** Which market data the subscriptions give for `symbol`: live, delayed only, or none (§29 `market-data`). */
  probeMarketData(symbol: string): Promise<MarketDataProbe> {
    return this.marketData.probe(symbol);
  }

  getEquity(accountId: string): Promise<AccountEquity> {
    return this.account.getEquity(accountId);
  }

  /** §25 money of each account (account summary + one reqPnL per account); what is known after `waitMs` at most. */
  money(accountIds: readonly string[], waitMs?: number): Promise<Map<string, AccountMoney>> {
    return this.account.money(accountIds, waitMs);
  }

  getPositions(accountId: string): Promise<Position[]> {
    return this.account.getPositions(accountId);
  }

  getQuotes(symbols: readonly string[], options?: QuoteOptions): Promise<Map<string, Quote>> {
    return this.marketData.getQuotes(symbols, options);
  }

  /** Looks up ahead, in the background, the contracts of `symbols` and of every symbol held (§16 first order). */
  warmContracts(symbols: readonly string[]): void {
    this.contracts.warm(symbols);
    this.account.heldSymbols().then(
      (held) => this.contracts.warm(held),
      () => undefined,
    );
  }

  resolveContract(symbol: string): Promise<ContractInfo> {
    return this.contracts.resolve(symbol);
  }

  /**
   * Resolves when this batch's turn comes. A batch of more than `SMALL_BATCH` checks that finds no turn under way
   * still waits `TURN_LOOKAHEAD_MS` for a smaller one (the accounts of one signal reach their checks within moments
   * of each other, and the smaller batch's orders go out sooner).
   */
  private takeTurn(size: number): Promise<void> {
    return new Promise((go) => {
      this.turnsWaiting.push({ size, go });
      if (this.turnBusy) return;
      if (size <= SMALL_BATCH) this.grantTurn();
      else setTimeout(() => this.grantTurn(), TURN_LOOKAHEAD_MS).unref();
    });
  }

  /** Gives the free turn to the smallest waiting batch. */
  private grantTurn(): void {
    if (this.turnBusy || this.turnsWaiting.length === 0) return;
    let best = 0;
    this.turnsWaiting.forEach((t, i) => {
      if (t.size < (this.turnsWaiting[best]?.size ?? Infinity)) best = i;
    });
    const [next] = this.turnsWaiting.splice(best, 1);
    this.turnBusy = true;
    next?.go();
  }

  private nextTurn(): void {
    this.turnBusy = false;
    this.grantTurn();
  }

  placeOrder(request: PlaceOrderRequest): Promise<TrackedOrder> {
    const placed = this.orders.placeOrder(request);
    const endTurn = this.turnOf.get(request.accountId);
    if (endTurn) {
      this.turnOf.delete(request.accountId);
      // after this order has taken its id (a microtask or two from now)
      setImmediate(endTurn);
    }
    return placed;
  }

  /**
   * What-if checks of one batch. Batches take turns from their checks until their first order is sent: IB wants order
   * ids in increasing order, so the checks of other accounts' batches sent meanwhile would otherwise all go before
   * this batch's orders (a signal's first order would wait behind the checks of every account planned beside it).
   * A turn ends at the batch's first order, when its checks fail, or after `WHAT_IF_TURN_MS`; of the batches
   * waiting, the smallest goes next (its first order is the nearest).
   */
  async whatIf(requests: readonly PlaceOrderRequest[]): Promise<WhatIfResult[]> {
    const accountId = requests[0]?.accountId;
    if (accountId === undefined) return this.orders.whatIf(requests);
    await this.takeTurn(requests.length);
    let ended = false;
    const endTurn = (): void => {
      if (ended) return;
      ended = true;
      this.nextTurn();
    };
    const timer = setTimeout(() => {
      if (this.turnOf.get(accountId) === end) this.turnOf.delete(accountId);
      endTurn();
    }, WHAT_IF_TURN_MS);
    timer.unref();
    const end = (): void => {
      clearTimeout(timer);
      endTurn();
    };
    this.turnOf.set(accountId, end);
    try {
      return await this.orders.whatIf(requests);
    } catch (error) {
      if (this.turnOf.get(accountId) === end) this.turnOf.delete(accountId);
      end();
      throw error;
    }
  }

  waitForFills(orderIds: readonly number[], timeoutMs: number): Promise<TrackedOrder[]> {
    return this.orders.waitForFills(orderIds, timeoutMs);
  }

  cancelOrder(orderId: number): Promise<TrackedOrder> {
    return this.orders.cancelOrder(orderId);
  }

  cancelOwnOpenOrders(accountId: string, orderRefPrefix?: string): Promise<TrackedOrder[]> {
    return this.orders.cancelOwnOpenOrders(accountId, orderRefPrefix);
  }

  /**
   * Every client's working orders, optionally of one account: one `reqAllOpenOrders` (all accounts come in one
   * answer) shared by the reads made while it is under way, and with `maxAgeMs` an answer that recent is reused.
   */
  async listOpenOrders(accountId?: string, options: OpenOrdersOptions = {}): Promise<OrderRecord[]> {
    const last = this.openOrders;
    const maxAgeMs = options.maxAgeMs ?? 0;
    const reusable = last && (last.at === null || (maxAgeMs > 0 && Date.now() - last.at <= maxAgeMs));
    let read = reusable ? last : null;
    if (!read) {
      const entry: { at: number | null; orders: Promise<OrderRecord[]> } = {
        at: null,
        orders: this.orders.listOpenOrders(),
      };
      entry.orders.then(
        () => {
          entry.at = Date.now();
        },
        () => {
          if (this.openOrders === entry) this.openOrders = null;
        },
      );
      this.openOrders = entry;
      read = entry;
    }
    const all = await read.orders;
    return all.filter((o) => accountId === undefined || o.accountId === accountId).map((o) => ({ ...o }));
  }

  executions(query?: ExecutionQuery): Promise<FillRecord[]> {
    return this.orders.executions(query);
  }

  on<E extends keyof IbEvents>(event: E, listener: IbEvents[E]): () => void {
    const emitter = (event === 'order' || event === 'fill' ? this.orders : this.connection) as unknown as {
      on(e: string, l: IbEvents[E]): unknown;
      off(e: string, l: IbEvents[E]): unknown;
    };
    emitter.on(event, listener);
    return () => {
      emitter.off(event, listener);
    };
  }
}
