/**
 * Orders (PRODUCT.md §8 steps 4, 7, 8, 9): placing (always `transmit: true`, routed SMART, ids from nextValidId),
 * what-if checks, tracking this client's orders from the classic live stream (openOrder, orderStatus,
 * execDetails, commissionReport), waiting for fills, cancelling this app's open orders, listing every client's.
 *
 * Only orders of this client id are tracked and announced (`order` on every status change, `fill` once per
 * execution, with its commission when the report comes within `FILL_COMMISSION_WAIT_MS`). Orders seen for the
 * first time in a query (placed before a restart) are tracked silently until they change.
 */
import { EventEmitter } from 'node:events';
import {
  EventName,
  OrderAction,
  OrderType,
  type CommissionReport,
  type Contract,
  type Execution,
  type IBApi,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import type { OrderRecord, OrderSide, TradeRecord } from '../../shared/dto';
import type { GatewayMessage, IbConnection, RequestScope } from './connection';
import type { Contracts } from './contracts';
import { FillTimeoutError, IbError, isIbNotice } from './ib-errors';
import { Mutex } from './mutex';

export type PlaceOrderType = 'MKT' | 'LMT' | 'MOC';

export interface PlaceOrderRequest {
  accountId: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  type: PlaceOrderType;
  /** Required for LMT, ignored otherwise. */
  limitPrice?: number | null;
  tif: 'DAY' | 'GTC';
  outsideRth: boolean;
  /** `rd:` + the event id (PRODUCT.md §8 step 9). */
  orderRef: string;
}

/** An order's state as last reported, with the last error IB gave for it (e.g. 201 after acceptance). */
export interface TrackedOrder extends OrderRecord {
  lastError: { code: number; message: string } | null;
}

export interface WhatIfResult {
  symbol: string;
  side: OrderSide;
  quantity: number;
  initMarginBefore: number | null;
  initMarginChange: number | null;
  initMarginAfter: number | null;
  maintMarginChange: number | null;
  equityWithLoanAfter: number | null;
  commission: number | null;
  minCommission: number | null;
  maxCommission: number | null;
  commissionCurrency: string | null;
  warningText: string | null;
}

/** One execution (of any client unless filtered). */
export interface FillRecord {
  execId: string;
  orderId: number;
  clientId: number | null;
  permId: number | null;
  accountId: string;
  symbol: string;
  side: OrderSide;
  shares: number;
  price: number;
  /** As IB reports it ("20250102 15:30:01 US/Eastern" or "20250102-20:30:01"). */
  time: string;
  orderRef: string | null;
  /** Null when no commission report has arrived (yet). */
  commission: number | null;
}

export interface ExecutionQuery {
  accountId?: string;
  symbol?: string;
  /** Only executions of this client id (default: every client). */
  clientId?: number;
  /** Only executions from this time on, as IB's filter takes it ("yyyymmdd hh:mm:ss US/Eastern"). */
  since?: string;
}

export interface OrderEvents {
  order: [TradeRecord];
  fill: [TradeRecord];
}

/** Statuses after which an order never changes again. */
const TERMINAL = new Set(['Filled', 'Cancelled', 'ApiCancelled', 'Inactive']);
export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}

/** How long a fill waits for its commission report before it is announced without one. */
export const FILL_COMMISSION_WAIT_MS = 2_000;
const ORDER_CANCELLED = 202;
/**
 * 103 "Duplicate order id" — and, for a new order, 104 "Can't modify a filled order" / 105 "Order being modified does
 * not match": the id was used before (e.g. IB Gateway restarted and answered a lower nextValidId).
 */
const ID_ALREADY_USED = new Set([103, 104, 105]);
/** After a 103 the next id skips 1, 2, 4 … ids past the refused one; beyond this skip the 103 fails the call. */
const MAX_DUPLICATE_SKIP = 1 << 16;
const CANCEL_UNKNOWN_ORDER = 10147;
const CANNOT_CANCEL = 10148;

interface Tracked {
  record: TrackedOrder;
  acknowledged: boolean;
  /** The status last announced (null: nothing announced yet, so the first status is). */
  lastStatus: string | null;
}

interface Waiter {
  check(): void;
  fail(reason: string): void;
}

interface PendingFill {
  timer: NodeJS.Timeout;
  record: TradeRecord;
}

export class Orders extends EventEmitter<OrderEvents> {
  private readonly tracked = new Map<number, Tracked>();
  private readonly whatIfIds = new Set<number>();
  private readonly seenExecs = new Set<string>();
  private readonly commissions = new Map<string, number>();
  private readonly pendingFills = new Map<string, PendingFill>();
  private readonly waiters = new Set<Waiter>();
  private readonly openOrderQueries = new Mutex();

  constructor(
    private readonly connection: IbConnection,
    private readonly contracts: Contracts,
  ) {
    super();
    connection.on('session', (api) => this.attach(api));
    connection.on('order-error', (message) => this.onOrderError(message));
    connection.on('disconnected', (reason) => {
      for (const waiter of [...this.waiters]) waiter.fail(reason);
    });
  }

  /**
   * Sends one order; resolves when the gateway acknowledges it, rejects (with the IB code) when it refuses it. A 103
   * "Duplicate order id" never costs a retry (§24): the client asks for fresh ids, moves past the refused one
   * (further each time) and sends the order again within the same call.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<TrackedOrder> {
    const label = `order ${describe(request)}`;
    validate(request, label);
    const contract = await this.contracts.orderContract(request.symbol);
    return this.withFreshIds(label, (orderId) => this.sendOrder(request, contract, orderId, label));
  }

  /** Runs `send` with a new order id; on 103 moves past the refused id (1, 2, 4 … ids further) and sends again. */
  private async withFreshIds<T>(label: string, send: (orderId: number) => Promise<T>): Promise<T> {
    for (let skip = 1; ; skip *= 2) {
      const orderId = await this.connection.takeOrderId(label);
      try {
        return await send(orderId);
      } catch (error) {
        if (!(error instanceof IbError) || !ID_ALREADY_USED.has(error.code ?? 0) || skip > MAX_DUPLICATE_SKIP)
          throw error;
        await this.connection.skipPastOrderId(orderId, skip, label);
      }
    }
  }

  private sendOrder(
    request: PlaceOrderRequest,
    contract: Contract,
    orderId: number,
    label: string,
  ): Promise<TrackedOrder> {
    const clientId = this.connection.clientId;
    const order = toIbOrder(request, false);
    const tracked: Tracked = {
      record: {
        orderId,
        permId: null,
        clientId,
        accountId: request.accountId,
        symbol: contract.symbol ?? request.symbol,
        side: request.side,
        quantity: request.quantity,
        type: request.type,
        limitPrice: request.type === 'LMT' ? (request.limitPrice ?? null) : null,
        timeInForce: request.tif,
        orderRef: request.orderRef,
        status: 'PendingSubmit',
        filled: 0,
        remaining: request.quantity,
        avgFillPrice: null,
        lastError: null,
      },
      acknowledged: false,
      lastStatus: null,
    };
    this.tracked.set(orderId, tracked);
    return this.connection.request<TrackedOrder>(
      label,
      (scope) => {
        this.watchUntilSettled(scope, () => {
          if (tracked.acknowledged) scope.resolve(copy(tracked.record));
        });
        scope.api.placeOrder(orderId, contract, order);
      },
      {
        id: orderId,
        priority: 'order',
        symbol: request.symbol,
        onGatewayError: (message) => {
          // A duplicate id belongs to an earlier order, not to this one: forget it; the order is sent again.
          if (ID_ALREADY_USED.has(message.code)) {
            if (this.tracked.get(orderId) === tracked) this.tracked.delete(orderId);
            return false;
          }
          if (!isIbNotice(message.code, message.message)) this.noteError(tracked, message);
          return false;
        },
      },
    );
  }

  /**
   * Checks every order as a what-if order (nothing is placed). Resolves with margin and commission per order, in
   * order; rejects with the first refusal (an `IbError` with the IB code, `rejected` for 201) once all answered.
   */
  async whatIf(requests: readonly PlaceOrderRequest[]): Promise<WhatIfResult[]> {
    const settled = await Promise.allSettled(requests.map((request) => this.whatIfOne(request)));
    const results: WhatIfResult[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') throw result.reason;
      results.push(result.value);
    }
    return results;
  }

  /**
   * Resolves with the final state of every order once each is filled, cancelled or inactive. After `timeoutMs`
   * rejects with a `partial` `FillTimeoutError` carrying every order's state; a lost connection rejects at once
   * (transient).
   */
  waitForFills(orderIds: readonly number[], timeoutMs: number): Promise<TrackedOrder[]> {
    const ids = [...new Set(orderIds)];
    return new Promise<TrackedOrder[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (finish: () => void): void => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(waiter);
        finish();
      };
      const states = (): (TrackedOrder | null)[] => ids.map((id) => this.get(id));
      const waiter: Waiter = {
        check: () => {
          const current = states();
          if (current.every((o) => o !== null && isTerminalStatus(o.status))) {
            done(() => resolve(current as TrackedOrder[]));
          }
        },
        fail: (reason) => {
          done(() => reject(IbError.notConnected(`waiting for fills of ${summarise(ids, states())}`, reason)));
        },
      };
      this.waiters.add(waiter);
      waiter.check();
      if (!this.waiters.has(waiter)) return;
      if (this.connection.state !== 'connected') {
        waiter.fail(this.connection.reason);
        return;
      }
      timer = setTimeout(() => {
        const current = states();
        const finished = current.filter((o) => o !== null && isTerminalStatus(o.status)).length;
        const message =
          `${finished} of ${ids.length} orders finished within ${timeoutMs} ms; ` + summarise(ids, current);
        done(() =>
          reject(
            new FillTimeoutError(
              message,
              current.filter((o): o is TrackedOrder => o !== null),
            ),
          ),
        );
      }, timeoutMs);
    });
  }

  /** Cancels one order of this client and waits until the gateway reports it gone (or filled meanwhile). */
  cancelOrder(orderId: number): Promise<TrackedOrder> {
    const label = `cancel of order ${orderId}`;
    const existing = this.get(orderId);
    if (existing && isTerminalStatus(existing.status)) return Promise.resolve(existing);
    let scopeRef: RequestScope<TrackedOrder> | null = null;
    const finishIfGone = (): boolean => {
      const current = this.get(orderId);
      if (scopeRef && current && isTerminalStatus(current.status)) {
        scopeRef.resolve(current);
        return true;
      }
      return false;
    };
    return this.connection.request<TrackedOrder>(
      label,
      (scope) => {
        scopeRef = scope;
        this.watchUntilSettled(scope, () => void finishIfGone());
        scope.api.cancelOrder(orderId);
      },
      {
        id: orderId,
        onGatewayError: (message) => {
          const tracked = this.tracked.get(orderId);
          if (message.code === ORDER_CANCELLED) {
            if (tracked) this.markCancelled(tracked);
            finishIfGone();
            return true;
          }
          if (message.code === CANNOT_CANCEL || message.code === CANCEL_UNKNOWN_ORDER) return finishIfGone();
          return false;
        },
      },
    );
  }

  /**
   * Cancels this client's open orders of `accountId` whose orderRef starts with `orderRefPrefix` and waits until
   * each is gone; resolves with their final states (an order may have filled meanwhile).
   */
  async cancelOwnOpenOrders(accountId: string, orderRefPrefix = 'rd:'): Promise<TrackedOrder[]> {
    const own = this.connection.clientId;
    const open = await this.queryOpenOrders('own');
    const mine = open.filter(
      (o) =>
        o.clientId === own &&
        o.accountId === accountId &&
        (o.orderRef ?? '').startsWith(orderRefPrefix) &&
        !isTerminalStatus(o.status),
    );
    return Promise.all(mine.map((o) => this.cancelOrder(o.orderId)));
  }

  /** Working orders of every API client (and TWS), optionally of one account, with their remaining quantity. */
  async listOpenOrders(accountId?: string): Promise<OrderRecord[]> {
    const open = await this.queryOpenOrders('all');
    return open.filter((o) => !isTerminalStatus(o.status) && (accountId === undefined || o.accountId === accountId));
  }

  /** Executions the gateway reports for today (IB's default window), filtered. */
  executions(query: ExecutionQuery = {}): Promise<FillRecord[]> {
    return this.connection.request<FillRecord[]>('executions', (scope) => {
      const fills: FillRecord[] = [];
      scope.on(EventName.execDetails, (reqId, contract, execution) => {
        if (reqId !== scope.id) return;
        const fill = this.toFill(contract, execution);
        if (!fill) return;
        if (query.accountId !== undefined && fill.accountId !== query.accountId) return;
        if (query.symbol !== undefined && fill.symbol !== query.symbol.toUpperCase()) return;
        if (query.clientId !== undefined && fill.clientId !== query.clientId) return;
        fills.push(fill);
      });
      scope.on(EventName.execDetailsEnd, (reqId) => {
        if (reqId === scope.id) scope.resolve(fills);
      });
      scope.api.reqExecutions(scope.id, {
        ...(query.accountId === undefined ? {} : { acctCode: query.accountId }),
        ...(query.symbol === undefined ? {} : { symbol: query.symbol.toUpperCase() }),
        ...(query.since === undefined ? {} : { time: query.since }),
      });
    });
  }

  /** The last known state of one of this client's orders. */
  get(orderId: number): TrackedOrder | null {
    const tracked = this.tracked.get(orderId);
    return tracked ? copy(tracked.record) : null;
  }

  /** Announces fills still waiting for their commission report (at shutdown). */
  flush(): void {
    for (const [execId, pending] of [...this.pendingFills]) {
      clearTimeout(pending.timer);
      this.pendingFills.delete(execId);
      this.emit('fill', pending.record);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private whatIfOne(request: PlaceOrderRequest): Promise<WhatIfResult> {
    const label = `what-if ${describe(request)}`;
    validate(request, label);
    return this.contracts.orderContract(request.symbol).then((contract: Contract) =>
      this.withFreshIds(label, (orderId) => {
        this.whatIfIds.add(orderId);
        return this.connection.request<WhatIfResult>(
          label,
          (scope) => {
            scope.on(EventName.openOrder, (id, _contract, _order, state) => {
              if (id === orderId) scope.resolve(toWhatIf(request, state));
            });
            scope.api.placeOrder(orderId, contract, toIbOrder(request, true));
          },
          { id: orderId, priority: 'order', symbol: request.symbol },
        );
      }),
    );
  }

  /** One open-orders query at a time: they share openOrderEnd. */
  private queryOpenOrders(which: 'own' | 'all'): Promise<TrackedOrder[]> {
    return this.openOrderQueries.run(() =>
      this.connection.request<TrackedOrder[]>(`open orders (${which})`, (scope) => {
        const orders = new Map<string, TrackedOrder>();
        const statuses = new Map<string, { status: string; filled: number; remaining: number; avg: number }>();
        scope.on(EventName.openOrder, (orderId, contract, order, state) => {
          // Order ids are per client: another client's order may carry the id of one of our what-if checks.
          if (order.whatIf || (this.whatIfIds.has(orderId) && order.clientId === this.connection.clientId)) return;
          const record = fromOpenOrder(orderId, contract, order, state);
          orders.set(`${record.clientId}:${orderId}`, record);
        });
        scope.on(
          EventName.orderStatus,
          (orderId, status, filled, remaining, avgFillPrice, _permId, _parent, _last, clientId) => {
            statuses.set(`${clientId ?? ''}:${orderId}`, { status, filled, remaining, avg: avgFillPrice });
          },
        );
        scope.on(EventName.openOrderEnd, () => {
          const result: TrackedOrder[] = [];
          for (const [key, record] of orders) {
            const status = statuses.get(key);
            if (status) {
              record.status = status.status;
              record.filled = status.filled;
              record.remaining = status.remaining;
              record.avgFillPrice = status.filled > 0 ? status.avg : null;
            }
            result.push(record);
          }
          scope.resolve(result);
        });
        if (which === 'own') scope.api.reqOpenOrders();
        else scope.api.reqAllOpenOrders();
      }),
    );
  }

  /** Live order stream of one session. */
  private attach(api: IBApi): void {
    api.on(EventName.openOrder, (orderId, contract, order, state) => {
      if (order.whatIf || this.whatIfIds.has(orderId)) return;
      if (order.clientId !== this.connection.clientId) return;
      this.onOpenOrder(fromOpenOrder(orderId, contract, order, state));
    });
    api.on(
      EventName.orderStatus,
      (orderId, status, filled, remaining, avgFillPrice, permId, _parentId, _lastFillPrice, clientId) => {
        if (this.whatIfIds.has(orderId)) return;
        const tracked = this.tracked.get(orderId);
        if (clientId !== undefined && clientId !== this.connection.clientId && clientId !== tracked?.record.clientId) {
          return;
        }
        if (!tracked) return;
        const r = tracked.record;
        if (permId) r.permId = permId;
        r.filled = filled;
        r.remaining = remaining;
        r.avgFillPrice = filled > 0 ? avgFillPrice : null;
        this.setStatus(tracked, status);
      },
    );
    api.on(EventName.execDetails, (reqId, contract, execution) => this.onExecution(reqId, contract, execution));
    api.on(EventName.commissionReport, (report) => this.onCommission(report));
  }

  private onOpenOrder(record: TrackedOrder): void {
    let tracked = this.tracked.get(record.orderId);
    if (!tracked) {
      // First seen in a query or on reconnect (placed before): tracked silently until it changes.
      tracked = { record, acknowledged: true, lastStatus: record.status };
      this.tracked.set(record.orderId, tracked);
      this.notify();
      return;
    }
    const r = tracked.record;
    r.permId = record.permId ?? r.permId;
    r.clientId = record.clientId ?? r.clientId;
    r.accountId = record.accountId || r.accountId;
    r.symbol = record.symbol || r.symbol;
    r.quantity = record.quantity || r.quantity;
    r.limitPrice = record.limitPrice ?? r.limitPrice;
    r.orderRef = record.orderRef ?? r.orderRef;
    if (record.filled > r.filled) {
      r.filled = record.filled;
      r.remaining = Math.max(0, r.quantity - r.filled);
    }
    this.setStatus(tracked, record.status);
  }

  private setStatus(tracked: Tracked, status: string): void {
    const r = tracked.record;
    tracked.acknowledged = true;
    // Never move back from a final state (a late openOrder replaying an older status).
    if (!(isTerminalStatus(r.status) && !isTerminalStatus(status))) r.status = status;
    if (r.status !== tracked.lastStatus) {
      tracked.lastStatus = r.status;
      this.emit('order', this.orderTrade(r));
    }
    this.notify();
  }

  private markCancelled(tracked: Tracked): void {
    if (!isTerminalStatus(tracked.record.status)) this.setStatus(tracked, 'Cancelled');
  }

  private onOrderError(message: GatewayMessage): void {
    const tracked = this.tracked.get(message.id);
    if (!tracked || isIbNotice(message.code, message.message)) return;
    this.noteError(tracked, message);
  }

  private noteError(tracked: Tracked, message: GatewayMessage): void {
    tracked.record.lastError = { code: message.code, message: message.message };
    if (message.code === ORDER_CANCELLED) this.markCancelled(tracked);
    else this.notify();
  }

  private onExecution(reqId: number, contract: Contract, execution: Execution): void {
    const fill = this.toFill(contract, execution);
    if (!fill || this.seenExecs.has(fill.execId)) return;
    this.seenExecs.add(fill.execId);
    const tracked = this.tracked.get(fill.orderId);
    const own = fill.clientId === this.connection.clientId || (tracked && fill.clientId === tracked.record.clientId);
    // Only live executions (reqId -1) of this client are announced; query results are history.
    if (!own || reqId !== -1) return;
    const record: TradeRecord = {
      id: fill.execId,
      kind: 'fill',
      eventId: eventIdOf(fill.orderRef),
      accountId: fill.accountId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: fill.shares,
      orderType: tracked?.record.type ?? '',
      orderRef: fill.orderRef,
      orderId: fill.orderId,
      permId: fill.permId,
      status:
        tracked && execution.cumQty !== undefined && execution.cumQty < tracked.record.quantity
          ? 'PartiallyFilled'
          : 'Filled',
      fillPrice: fill.price,
      commission: fill.commission,
      at: new Date().toISOString(),
    };
    if (record.commission !== null) {
      this.emit('fill', record);
      return;
    }
    const timer = setTimeout(() => {
      this.pendingFills.delete(fill.execId);
      this.emit('fill', record);
    }, FILL_COMMISSION_WAIT_MS);
    timer.unref();
    this.pendingFills.set(fill.execId, { timer, record });
  }

  private onCommission(report: CommissionReport): void {
    if (!report.execId || report.commission === undefined) return;
    this.commissions.set(report.execId, report.commission);
    const pending = this.pendingFills.get(report.execId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingFills.delete(report.execId);
    this.emit('fill', { ...pending.record, commission: report.commission });
  }

  private toFill(contract: Contract, execution: Execution): FillRecord | null {
    if (!execution.execId || execution.orderId === undefined) return null;
    return {
      execId: execution.execId,
      orderId: execution.orderId,
      clientId: execution.clientId ?? null,
      permId: execution.permId || null,
      accountId: execution.acctNumber ?? '',
      symbol: contract.symbol ?? contract.localSymbol ?? '',
      side: execution.side === 'SLD' || execution.side === 'SELL' ? 'SELL' : 'BUY',
      shares: execution.shares ?? 0,
      price: execution.price ?? 0,
      time: execution.time ?? '',
      orderRef: execution.orderRef || null,
      commission: this.commissions.get(execution.execId) ?? null,
    };
  }

  private orderTrade(r: TrackedOrder): TradeRecord {
    return {
      id: `${r.clientId ?? ''}:${r.orderId}:${r.status}`,
      kind: 'order',
      eventId: eventIdOf(r.orderRef),
      accountId: r.accountId,
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity,
      orderType: r.type,
      orderRef: r.orderRef,
      orderId: r.orderId,
      permId: r.permId,
      status: r.status,
      fillPrice: r.avgFillPrice,
      commission: null,
      at: new Date().toISOString(),
    };
  }

  /** Re-checks `check` on every tracked change until the request settles (or the session ends). */
  private watchUntilSettled<T>(scope: RequestScope<T>, check: () => void): void {
    const waiter: Waiter = { check, fail: () => this.waiters.delete(waiter) };
    this.waiters.add(waiter);
    scope.onSettle(() => this.waiters.delete(waiter));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }
}

function validate(request: PlaceOrderRequest, label: string): void {
  const problem =
    !Number.isInteger(request.quantity) || request.quantity <= 0
      ? 'quantity must be a whole number above 0'
      : request.type === 'LMT' && !(typeof request.limitPrice === 'number' && request.limitPrice > 0)
        ? 'a limit order needs a limit price above 0'
        : request.type === 'MOC' && request.tif !== 'DAY'
          ? 'a market-on-close order must be DAY'
          : request.symbol.trim() === '' || request.accountId.trim() === ''
            ? 'symbol and account are required'
            : null;
  if (problem) throw new IbError(`${label}: ${problem}`, { kind: 'invalid' });
}

function toIbOrder(request: PlaceOrderRequest, whatIf: boolean): Order {
  const order: Order = {
    action: request.side === 'BUY' ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: request.quantity,
    orderType: request.type === 'LMT' ? OrderType.LMT : request.type === 'MOC' ? OrderType.MOC : OrderType.MKT,
    tif: request.tif,
    outsideRth: request.outsideRth,
    orderRef: request.orderRef,
    account: request.accountId,
    // Without it the order is created but never sent to the exchange (pitfall 4).
    transmit: true,
  };
  if (request.type === 'LMT' && typeof request.limitPrice === 'number') order.lmtPrice = request.limitPrice;
  if (whatIf) order.whatIf = true;
  return order;
}

function fromOpenOrder(orderId: number, contract: Contract, order: Order, state: OrderState): TrackedOrder {
  const quantity = order.totalQuantity ?? 0;
  const filled = order.filledQuantity !== undefined && Number.isFinite(order.filledQuantity) ? order.filledQuantity : 0;
  return {
    orderId,
    permId: order.permId || null,
    clientId: order.clientId ?? null,
    accountId: order.account ?? '',
    symbol: contract.symbol ?? contract.localSymbol ?? '',
    side: order.action === OrderAction.SELL || String(order.action) === 'SSHORT' ? 'SELL' : 'BUY',
    quantity,
    type: String(order.orderType),
    limitPrice: order.lmtPrice ?? null,
    timeInForce: order.tif ?? 'DAY',
    orderRef: order.orderRef || null,
    status: String(state.status),
    filled,
    remaining: Math.max(0, quantity - filled),
    avgFillPrice: null,
    lastError: null,
  };
}

function toWhatIf(request: PlaceOrderRequest, state: OrderState): WhatIfResult {
  const n = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    symbol: request.symbol,
    side: request.side,
    quantity: request.quantity,
    initMarginBefore: n(state.initMarginBefore),
    initMarginChange: n(state.initMarginChange),
    initMarginAfter: n(state.initMarginAfter),
    maintMarginChange: n(state.maintMarginChange),
    equityWithLoanAfter: n(state.equityWithLoanAfter),
    commission: n(state.commission),
    minCommission: n(state.minCommission),
    maxCommission: n(state.maxCommission),
    commissionCurrency: state.commissionCurrency || null,
    warningText: state.warningText || null,
  };
}

function describe(request: PlaceOrderRequest): string {
  return `${request.side} ${request.quantity} ${request.symbol} ${request.type} for ${request.accountId}`;
}

function summarise(ids: readonly number[], states: readonly (TrackedOrder | null)[]): string {
  return ids
    .map((id, i) => {
      const o = states[i];
      if (!o) return `order ${id} unknown`;
      return `order ${id} ${o.side} ${o.quantity} ${o.symbol} ${o.status} filled ${o.filled}`;
    })
    .join('; ');
}

/** `rd:<eventId>` → the event id (possibly truncated, §8 step 9). */
function eventIdOf(orderRef: string | null): string | null {
  return orderRef?.startsWith('rd:') ? orderRef.slice(3) : null;
}

function copy(record: TrackedOrder): TrackedOrder {
  return { ...record, lastError: record.lastError ? { ...record.lastError } : null };
}
