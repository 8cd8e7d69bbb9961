import type { ParsedOrder } from './place-order-parser';
import type {
  ForeignOrder,
  SimAccount,
  SimFill,
  SimGatewayOptions,
  SimOrderView,
  SimPosition,
  SimSymbol,
} from './types';

/** A symbol with its current quote. */
export interface SymbolState {
  symbol: string;
  conId: number;
  primaryExchange: string;
  currency: string;
  bid: number;
  ask: number;
  last: number;
  close: number;
  minTick: number;
  volume: number;
}

interface PositionState {
  quantity: number;
  avgCost: number;
  realizedPnl: number;
}

interface AccountState {
  accountId: string;
  kind: 'margin' | 'cash';
  cash: number;
  positions: Map<string, PositionState>;
  realizedPnl: number;
}

/** An order as the engine keeps it. */
export interface OrderRecord {
  orderId: number;
  clientId: number;
  permId: number;
  accountId: string;
  symbol: string;
  conId: number;
  exchange: string;
  primaryExch: string;
  currency: string;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | null;
  auxPrice: number | null;
  tif: string;
  outsideRth: boolean;
  orderRef: string;
  transmit: boolean;
  whatIf: boolean;
  ocaGroup: string;
  parentId: number;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  lastFillPrice: number;
  commission: number;
  placedAt: number;
  foreign: boolean;
}

/** One execution with the running totals of its order. */
export interface FillRecord extends SimFill {
  conId: number;
  exchange: string;
  currency: string;
  cumQty: number;
  avgPrice: number;
  realizedPnl: number | null;
}

/** Account figures derived from cash, positions and quotes. */
export interface AccountValues {
  accountId: string;
  kind: 'margin' | 'cash';
  cash: number;
  stockValue: number;
  grossPositionValue: number;
  netLiquidation: number;
  initMargin: number;
  maintMargin: number;
  availableFunds: number;
  excessLiquidity: number;
  buyingPower: number;
  unrealizedPnl: number;
  realizedPnl: number;
  /** Today's P&L as IB's reqPnL reports it: positions marked against the close, plus what was realized. */
  dailyPnl: number;
}

/** Margin effect of a what-if order. */
export interface WhatIfResult {
  initBefore: number;
  maintBefore: number;
  equityBefore: number;
  initChange: number;
  maintChange: number;
  equityChange: number;
  initAfter: number;
  maintAfter: number;
  equityAfter: number;
  commission: number;
}

export type PlaceResult =
  | { kind: 'error'; code: number; message: string; order?: OrderRecord; cancelStatus: boolean }
  | { kind: 'whatif'; order: OrderRecord; whatIf: WhatIfResult }
  | { kind: 'accepted'; order: OrderRecord; modified: boolean };

export type CancelResult =
  { kind: 'cancelled'; order: OrderRecord } | { kind: 'unknown' } | { kind: 'not-cancellable'; order: OrderRecord };

/** Callbacks through which the engine reports asynchronous changes. */
export interface EngineListener {
  onFill(order: OrderRecord, fill: FillRecord): void;
  onOrderStatus(order: OrderRecord): void;
  onAccountChanged(accountId: string, symbols: string[]): void;
  onQuote(symbol: string, changed: Array<'bid' | 'ask' | 'last' | 'close'>): void;
  onWarning(message: string): void;
}

const OPEN_STATUSES = new Set(['PendingSubmit', 'PreSubmitted', 'Submitted', 'Inactive']);
const SUPPORTED_TYPES = new Set(['MKT', 'LMT', 'MOC', 'LOC']);
const REG_T_INITIAL = 0.5;
const REG_T_MAINT = 0.25;
const FIRST_ORDER_ID = 1000;

function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** True for an order that can still fill or be cancelled. */
/** What the control API shows of an order (a copy; later changes to the record do not reach it). */
export function orderView(o: OrderRecord): SimOrderView {
  return {
    orderId: o.orderId,
    clientId: o.clientId,
    permId: o.permId,
    accountId: o.accountId,
    symbol: o.symbol,
    action: o.action,
    totalQuantity: o.totalQuantity,
    orderType: o.orderType,
    lmtPrice: o.lmtPrice,
    tif: o.tif,
    outsideRth: o.outsideRth,
    orderRef: o.orderRef,
    transmit: o.transmit,
    whatIf: o.whatIf,
    status: o.status,
    filled: o.filled,
    remaining: o.remaining,
    avgFillPrice: round(o.avgFillPrice, 6),
    placedAt: o.placedAt,
  };
}

/** What the control API shows of a fill. */
export function fillView(f: FillRecord): SimFill {
  return {
    execId: f.execId,
    orderId: f.orderId,
    clientId: f.clientId,
    permId: f.permId,
    accountId: f.accountId,
    symbol: f.symbol,
    side: f.side,
    shares: f.shares,
    price: f.price,
    orderRef: f.orderRef,
    commission: f.commission,
    time: f.time,
  };
}

export function isOpenStatus(status: string): boolean {
  return OPEN_STATUSES.has(status);
}

/** The simulated broker: accounts, positions, quotes, orders and fills. */
export class Engine {
  private readonly accountsById = new Map<string, AccountState>();
  private readonly symbolsByName = new Map<string, SymbolState>();
  private readonly symbolsByConId = new Map<number, SymbolState>();
  private readonly allOrders: OrderRecord[] = [];
  private readonly liveOrders = new Map<string, OrderRecord>();
  private readonly allFills: FillRecord[] = [];
  private readonly maxOrderId = new Map<number, number>();
  private readonly lastIssuedId = new Map<number, number>();
  /** After a restart with a rollback: nextValidId counts from here, ignoring the ids already used (null: normal). */
  private orderIdRollback: number | null = null;
  /** Orders finished before the last restart: their ids are used up (103), no longer orders to modify (104). */
  private readonly finishedBeforeRestart = new Set<string>();
  private readonly fillTimers = new Map<OrderRecord, NodeJS.Timeout>();
  private readonly closeTimers = new Map<OrderRecord, NodeJS.Timeout>();
  private readonly rejections: Array<{ symbol?: string; code: number; message: string }> = [];
  /** Orders resting PreSubmitted (preSubmittedMs) until their timer turns them Submitted. */
  private readonly staged = new Map<OrderRecord, NodeJS.Timeout>();
  private nextPermId = 1_100_000_001;
  private execSeq = 0;
  private autoConId = 900_000_001;
  private listener: EngineListener | null = null;

  fillDelayMs: number;
  partialFills: number;
  mocFillDelayMs: number | null;
  marketOpen: boolean;
  holding = false;
  preSubmittedMs: number;
  fillIntervalMs: number | null;
  /** §29 set-up mistakes: Read-Only API (321) and the precautionary Total Value Limit (451). */
  readOnlyApi: boolean;
  totalValueLimit: number | null;
  /** IB Gateway's own connection to IB is down (1100 … 1102): nothing fills. */
  offline = false;
  readonly commissionPerShare: number;

  constructor(options: SimGatewayOptions, defaults: { accounts: SimAccount[]; symbols: SimSymbol[] }) {
    this.fillDelayMs = Math.max(0, options.fillDelayMs ?? 0);
    this.partialFills = Math.max(1, Math.floor(options.partialFills ?? 1));
    this.mocFillDelayMs = options.mocFillDelayMs === undefined ? 0 : options.mocFillDelayMs;
    this.marketOpen = options.marketOpen ?? true;
    this.commissionPerShare = options.commissionPerShare ?? 0.005;
    this.preSubmittedMs = Math.max(0, options.preSubmittedMs ?? 0);
    this.fillIntervalMs = options.fillIntervalMs === undefined ? null : Math.max(0, options.fillIntervalMs);
    this.readOnlyApi = options.readOnlyApi ?? false;
    this.totalValueLimit = options.totalValueLimit ?? null;
    for (const s of options.symbols ?? defaults.symbols) this.addSymbol(s);
    for (const a of options.accounts ?? defaults.accounts) this.addAccount(a);
  }

  setListener(listener: EngineListener): void {
    this.listener = listener;
  }

  // ---- symbols and quotes

  addSymbol(s: SimSymbol): SymbolState {
    const key = s.symbol.toUpperCase();
    const existing = this.symbolsByName.get(key);
    if (existing) this.symbolsByConId.delete(existing.conId);
    const state: SymbolState = {
      symbol: key,
      conId: s.conId,
      primaryExchange: s.primaryExchange,
      currency: s.currency ?? 'USD',
      bid: s.bid,
      ask: s.ask,
      last: s.last,
      close: s.close,
      minTick: s.minTick ?? 0.01,
      volume: existing?.volume ?? 1_000_000,
    };
    this.symbolsByName.set(key, state);
    this.symbolsByConId.set(state.conId, state);
    return state;
  }

  symbol(name: string): SymbolState | undefined {
    return this.symbolsByName.get(name.trim().toUpperCase());
  }

  symbolByConId(conId: number): SymbolState | undefined {
    return this.symbolsByConId.get(conId);
  }

  /** Resolves a contract by conId first, then by symbol. */
  resolve(conId: number, symbol: string): SymbolState | undefined {
    if (conId > 0) {
      const byId = this.symbolsByConId.get(conId);
      if (byId) return byId;
      if (!symbol) return undefined;
    }
    return symbol ? this.symbol(symbol) : undefined;
  }

  private ensureSymbol(name: string, price: number): SymbolState {
    const found = this.symbol(name);
    if (found) return found;
    while (this.symbolsByConId.has(this.autoConId)) this.autoConId++;
    const p = price > 0 ? price : 100;
    return this.addSymbol({
      symbol: name,
      conId: this.autoConId++,
      primaryExchange: 'ARCA',
      bid: round(p - 0.01, 2),
      ask: round(p + 0.01, 2),
      last: p,
      close: p,
    });
  }

  symbolList(): SymbolState[] {
    return [...this.symbolsByName.values()];
  }

  /** Mark price: midpoint when both sides are quoted, else last, else close. */
  mark(s: SymbolState): number {
    if (s.bid > 0 && s.ask > 0) return (s.bid + s.ask) / 2;
    if (s.last > 0) return s.last;
    return s.close;
  }

  setQuote(name: string, quote: Partial<Pick<SimSymbol, 'bid' | 'ask' | 'last' | 'close'>>): void {
    const s = this.symbol(name);
    if (!s) throw new Error(`unknown symbol ${name}`);
    const changed: Array<'bid' | 'ask' | 'last' | 'close'> = [];
    for (const key of ['bid', 'ask', 'last', 'close'] as const) {
      const v = quote[key];
      if (v !== undefined && Number.isFinite(v) && v !== s[key]) {
        s[key] = v;
        changed.push(key);
      }
    }
    if (changed.length === 0) return;
    this.listener?.onQuote(s.symbol, changed);
    const accounts = new Set<string>();
    for (const a of this.accountsById.values()) if (a.positions.has(s.symbol)) accounts.add(a.accountId);
    for (const id of accounts) this.listener?.onAccountChanged(id, [s.symbol]);
    this.matchAll((o) => o.symbol === s.symbol);
  }

  // ---- accounts

  private addAccount(a: SimAccount): void {
    const state: AccountState = {
      accountId: a.accountId,
      kind: a.kind ?? 'margin',
      cash: a.cash,
      positions: new Map(),
      realizedPnl: 0,
    };
    this.accountsById.set(a.accountId, state);
    for (const p of a.positions ?? []) {
      const s = this.ensureSymbol(p.symbol, p.avgCost);
      if (p.quantity !== 0) state.positions.set(s.symbol, { quantity: p.quantity, avgCost: p.avgCost, realizedPnl: 0 });
    }
  }

  accountIds(): string[] {
    return [...this.accountsById.keys()];
  }

  hasAccount(id: string): boolean {
    return this.accountsById.has(id);
  }

  private account(id: string): AccountState {
    const a = this.accountsById.get(id);
    if (!a) throw new Error(`unknown account ${id}`);
    return a;
  }

  cash(accountId: string): number {
    return this.account(accountId).cash;
  }

  setCash(accountId: string, cash: number): void {
    this.account(accountId).cash = cash;
    this.listener?.onAccountChanged(accountId, []);
  }

  positions(accountId: string): SimPosition[] {
    const a = this.account(accountId);
    return [...a.positions.entries()].map(([symbol, p]) => ({
      symbol,
      quantity: p.quantity,
      avgCost: round(p.avgCost, 6),
    }));
  }

  /** Positions with their contract, for the protocol layer. */
  positionEntries(
    accountId: string,
  ): Array<{ symbol: SymbolState; quantity: number; avgCost: number; realizedPnl: number }> {
    const a = this.account(accountId);
    const out: Array<{ symbol: SymbolState; quantity: number; avgCost: number; realizedPnl: number }> = [];
    for (const [name, p] of a.positions) {
      const s = this.symbol(name);
      if (s) out.push({ symbol: s, quantity: p.quantity, avgCost: p.avgCost, realizedPnl: p.realizedPnl });
    }
    return out;
  }

  /** Quantity and cost of one position (0 when flat). */
  positionOf(accountId: string, symbol: string): { quantity: number; avgCost: number; realizedPnl: number } {
    const p = this.account(accountId).positions.get(symbol.toUpperCase());
    return p ? { ...p } : { quantity: 0, avgCost: 0, realizedPnl: 0 };
  }

  setPosition(accountId: string, position: SimPosition): void {
    const a = this.account(accountId);
    const s = this.ensureSymbol(position.symbol, position.avgCost);
    if (position.quantity === 0) a.positions.delete(s.symbol);
    else a.positions.set(s.symbol, { quantity: position.quantity, avgCost: position.avgCost, realizedPnl: 0 });
    this.listener?.onAccountChanged(accountId, [s.symbol]);
  }

  values(accountId: string): AccountValues {
    const a = this.account(accountId);
    let stockValue = 0;
    let gross = 0;
    let unrealized = 0;
    let sinceClose = 0;
    for (const [name, p] of a.positions) {
      const s = this.symbol(name);
      const price = s ? this.mark(s) : p.avgCost;
      stockValue += p.quantity * price;
      gross += Math.abs(p.quantity) * price;
      unrealized += (price - p.avgCost) * p.quantity;
      sinceClose += (price - (s && s.close > 0 ? s.close : price)) * p.quantity;
    }
    const nlv = a.cash + stockValue;
    const margin = a.kind === 'margin';
    const initMargin = margin ? gross * REG_T_INITIAL : gross;
    const maintMargin = margin ? gross * REG_T_MAINT : gross;
    const availableFunds = margin ? nlv - initMargin : a.cash;
    const buyingPower = margin ? Math.max(0, availableFunds) * 2 : Math.max(0, a.cash);
    return {
      accountId,
      kind: a.kind,
      cash: round(a.cash, 2),
      stockValue: round(stockValue, 2),
      grossPositionValue: round(gross, 2),
      netLiquidation: round(nlv, 2),
      initMargin: round(initMargin, 2),
      maintMargin: round(maintMargin, 2),
      availableFunds: round(availableFunds, 2),
      excessLiquidity: round(nlv - maintMargin, 2),
      buyingPower: round(buyingPower, 2),
      unrealizedPnl: round(unrealized, 2),
      realizedPnl: round(a.realizedPnl, 2),
      dailyPnl: round(sinceClose + a.realizedPnl, 2),
    };
  }

  // ---- order ids

  /** Reserves and returns the next valid order id for a client (at least 1000). */
  nextValidId(clientId: number): number {
    const id =
      this.orderIdRollback === null
        ? Math.max(FIRST_ORDER_ID, (this.maxOrderId.get(clientId) ?? 0) + 1, (this.lastIssuedId.get(clientId) ?? 0) + 1)
        : Math.max(this.orderIdRollback, (this.lastIssuedId.get(clientId) ?? 0) + 1);
    this.lastIssuedId.set(clientId, id);
    return id;
  }

  /**
   * A gateway restart: with `to`, nextValidId answers start from `to` for every client, whatever ids were used (a
   * reused id is still refused with 103); without, they follow the ids used again.
   */
  restartOrderIds(to?: number): void {
    this.orderIdRollback = to ?? null;
    this.lastIssuedId.clear();
    for (const [key, o] of this.liveOrders) if (!isOpenStatus(o.status)) this.finishedBeforeRestart.add(key);
  }

  private noteOrderId(clientId: number, orderId: number): void {
    if (orderId > (this.maxOrderId.get(clientId) ?? 0)) this.maxOrderId.set(clientId, orderId);
  }

  // ---- commissions

  /** Commission of an order that has filled `shares` for `value` in total. */
  commissionFor(shares: number, value: number): number {
    if (shares <= 0) return 0;
    let c = Math.max(1, this.commissionPerShare * shares);
    if (value > 0) c = Math.min(c, value * 0.01);
    return round(c, 4);
  }

  // ---- rejections

  rejectNextOrder(options?: { symbol?: string; code?: number; message?: string }): void {
    this.rejections.push({
      symbol: options?.symbol?.toUpperCase(),
      code: options?.code ?? 201,
      message: options?.message ?? 'Order rejected - reason:Simulated rejection',
    });
  }

  private takeRejection(symbol: string): { code: number; message: string } | undefined {
    const i = this.rejections.findIndex((r) => r.symbol === undefined || r.symbol === symbol.toUpperCase());
    if (i < 0) return undefined;
    const [r] = this.rejections.splice(i, 1);
    return r;
  }

  // ---- orders

  orders(filter?: { accountId?: string; clientId?: number }): SimOrderView[] {
    return this.allOrders
      .filter(
        (o) =>
          (filter?.accountId === undefined || o.accountId === filter.accountId) &&
          (filter?.clientId === undefined || o.clientId === filter.clientId),
      )
      .map((o) => orderView(o));
  }

  fills(filter?: { accountId?: string }): SimFill[] {
    return this.allFills
      .filter((f) => filter?.accountId === undefined || f.accountId === filter.accountId)
      .map((f) => fillView(f));
  }

  fillRecords(): readonly FillRecord[] {
    return this.allFills;
  }

  /** Open (working or inactive) real orders, optionally of one client. */
  openOrders(clientId?: number): OrderRecord[] {
    return this.allOrders.filter(
      (o) => !o.whatIf && isOpenStatus(o.status) && (clientId === undefined || o.clientId === clientId),
    );
  }

  private refPrice(o: { orderType: string; action: 'BUY' | 'SELL'; lmtPrice: number | null }, s: SymbolState): number {
    if ((o.orderType === 'LMT' || o.orderType === 'LOC') && o.lmtPrice !== null) return o.lmtPrice;
    if (o.orderType === 'MOC') return s.last > 0 ? s.last : this.mark(s);
    const side = o.action === 'BUY' ? s.ask : s.bid;
    return side > 0 ? side : s.last > 0 ? s.last : s.close;
  }

  private reserved(
    accountId: string,
    exclude: OrderRecord | undefined,
  ): { buyValue: number; sellQty: Map<string, number> } {
    let buyValue = 0;
    const sellQty = new Map<string, number>();
    for (const o of this.allOrders) {
      if (o === exclude || o.whatIf || o.accountId !== accountId || !isOpenStatus(o.status) || o.status === 'Inactive')
        continue;
      const s = this.symbol(o.symbol);
      if (!s) continue;
      if (o.action === 'BUY') buyValue += o.remaining * this.refPrice(o, s);
      else sellQty.set(o.symbol, (sellQty.get(o.symbol) ?? 0) + o.remaining);
    }
    return { buyValue, sellQty };
  }

  /** Checks funds and short-sale rules; returns a rejection reason or null. */
  private fundsCheck(
    accountId: string,
    action: 'BUY' | 'SELL',
    qty: number,
    price: number,
    s: SymbolState,
    exclude?: OrderRecord,
  ): string | null {
    const a = this.account(accountId);
    const v = this.values(accountId);
    const res = this.reserved(accountId, exclude);
    const commission = this.commissionFor(qty, qty * price);
    if (action === 'BUY') {
      const cost = qty * price + commission;
      const limit = a.kind === 'cash' ? a.cash - res.buyValue : v.buyingPower - res.buyValue;
      if (cost > limit + 1e-6) {
        return a.kind === 'cash'
          ? `Order rejected - reason:Insufficient funds: the order value ${cost.toFixed(2)} USD exceeds the available cash ${Math.max(0, limit).toFixed(2)} USD of cash account ${accountId}`
          : `Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR BUYING POWER [${Math.max(0, limit).toFixed(2)} USD] MUST EXCEED THE ORDER VALUE [${cost.toFixed(2)} USD] (insufficient funds)`;
      }
      return null;
    }
    const held = a.positions.get(s.symbol)?.quantity ?? 0;
    const free = held - (res.sellQty.get(s.symbol) ?? 0);
    const shortQty = qty - Math.max(0, free);
    if (shortQty > 1e-9) {
      if (a.kind === 'cash')
        return `Order rejected - reason:Short sale is not permitted in cash account ${accountId}: selling ${qty} ${s.symbol} with ${Math.max(0, free)} available`;
      const shortValue = shortQty * price;
      if (shortValue > v.buyingPower - res.buyValue + 1e-6) {
        return `Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR BUYING POWER [${Math.max(0, v.buyingPower - res.buyValue).toFixed(2)} USD] MUST EXCEED THE SHORT VALUE [${shortValue.toFixed(2)} USD] (insufficient funds)`;
      }
    }
    return null;
  }

  private whatIfMargins(
    accountId: string,
    action: 'BUY' | 'SELL',
    qty: number,
    price: number,
    s: SymbolState,
  ): WhatIfResult {
    const a = this.account(accountId);
    const v = this.values(accountId);
    const held = a.positions.get(s.symbol)?.quantity ?? 0;
    const after = action === 'BUY' ? held + qty : held - qty;
    const mark = this.mark(s);
    const grossChange = (Math.abs(after) - Math.abs(held)) * mark;
    const initRate = a.kind === 'margin' ? REG_T_INITIAL : 1;
    const maintRate = a.kind === 'margin' ? REG_T_MAINT : 1;
    const commission = this.commissionFor(qty, qty * price);
    const initChange = round(grossChange * initRate, 2);
    const maintChange = round(grossChange * maintRate, 2);
    const equityChange = round(-commission, 2);
    return {
      initBefore: v.initMargin,
      maintBefore: v.maintMargin,
      equityBefore: v.netLiquidation,
      initChange,
      maintChange,
      equityChange,
      initAfter: round(v.initMargin + initChange, 2),
      maintAfter: round(v.maintMargin + maintChange, 2),
      equityAfter: round(v.netLiquidation + equityChange, 2),
      commission,
    };
  }

  private newRecord(
    clientId: number,
    p: ParsedOrder,
    accountId: string,
    s: SymbolState,
    action: 'BUY' | 'SELL',
  ): OrderRecord {
    return {
      orderId: p.orderId,
      clientId,
      permId: 0,
      accountId,
      symbol: s.symbol,
      conId: s.conId,
      exchange: p.contract.exchange || 'SMART',
      primaryExch: p.contract.primaryExch || s.primaryExchange,
      currency: s.currency,
      action,
      totalQuantity: p.totalQuantity,
      orderType: p.orderType,
      lmtPrice: p.lmtPrice,
      auxPrice: p.auxPrice,
      tif: p.tif || 'DAY',
      outsideRth: p.outsideRth,
      orderRef: p.orderRef,
      transmit: p.transmit,
      whatIf: p.whatIf,
      ocaGroup: p.ocaGroup,
      parentId: p.parentId,
      status: 'PendingSubmit',
      filled: 0,
      remaining: p.totalQuantity,
      avgFillPrice: 0,
      lastFillPrice: 0,
      commission: 0,
      placedAt: Date.now(),
      foreign: false,
    };
  }

  private rejectRecord(clientId: number, p: ParsedOrder, s: SymbolState | undefined, accountId: string): OrderRecord {
    const fallback: SymbolState = s ?? {
      symbol: p.contract.symbol.toUpperCase(),
      conId: p.contract.conId,
      primaryExchange: p.contract.primaryExch,
      currency: p.contract.currency || 'USD',
      bid: 0,
      ask: 0,
      last: 0,
      close: 0,
      minTick: 0.01,
      volume: 0,
    };
    const action = p.action === 'SELL' ? 'SELL' : 'BUY';
    const o = this.newRecord(clientId, p, accountId, fallback, action);
    o.permId = p.whatIf ? 0 : this.nextPermId++;
    o.status = 'Cancelled';
    o.remaining = p.totalQuantity;
    this.allOrders.push(o);
    return o;
  }

  /** Validates and places (or modifies) an order for a client. */
  placeOrder(clientId: number, p: ParsedOrder): PlaceResult {
    const key = `${clientId}:${p.orderId}`;
    const existing = p.whatIf || this.finishedBeforeRestart.has(key) ? undefined : this.liveOrders.get(key);
    const s = this.resolve(p.contract.conId, p.contract.symbol);
    const accounts = this.accountIds();
    const accountId = p.account || (accounts.length === 1 ? (accounts[0] ?? '') : '');
    const reject = (code: number, message: string, cancelStatus = true): PlaceResult => {
      if (existing) return { kind: 'error', code, message, cancelStatus: false };
      const order = this.rejectRecord(clientId, p, s, accountId);
      if (!p.whatIf) this.noteOrderId(clientId, p.orderId);
      return { kind: 'error', code, message, order, cancelStatus: cancelStatus && !p.whatIf };
    };

    if (p.orderId <= 0) return { kind: 'error', code: 103, message: 'Duplicate order id', cancelStatus: false };
    if (existing) {
      if (existing.status === 'Filled')
        return { kind: 'error', code: 104, message: `Can't modify a filled order`, cancelStatus: false };
      if (!isOpenStatus(existing.status))
        return { kind: 'error', code: 103, message: 'Duplicate order id', cancelStatus: false };
      if (existing.action !== p.action)
        return {
          kind: 'error',
          code: 105,
          message: 'Order being modified does not match original order',
          cancelStatus: false,
        };
    } else if (!p.whatIf && p.orderId <= (this.maxOrderId.get(clientId) ?? 0)) {
      return { kind: 'error', code: 103, message: 'Duplicate order id', cancelStatus: false };
    }

    const rejection = this.takeRejection(s?.symbol ?? p.contract.symbol);
    if (rejection) return reject(rejection.code, rejection.message, rejection.code === 201);

    if (this.readOnlyApi) {
      return reject(
        321,
        `Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode.`,
        false,
      );
    }
    if (!p.contract.exchange.trim()) {
      return reject(321, `Error validating request.-'bN' : cause - Missing order exchange`, false);
    }
    if (!s) return reject(200, 'No security definition has been found for the request', false);
    if (!SUPPORTED_TYPES.has(p.orderType))
      return reject(387, 'Unsupported order type for this exchange and security type.', false);
    if (p.action !== 'BUY' && p.action !== 'SELL')
      return reject(201, `Order rejected - reason:Invalid action '${p.action}'`);
    if (!accountId)
      return reject(436, 'You must specify an allocation (either a single account, group, or profile).', false);
    if (!this.accountsById.has(accountId)) return reject(201, `Order rejected - reason:Unknown account ${accountId}`);
    if (!(p.totalQuantity > 0)) return reject(201, 'Order rejected - reason:The order quantity must be greater than 0');
    // IB's API takes whole shares only for most accounts (fractional positions, e.g. from dividend reinvestment, stay).
    if (!Number.isInteger(p.totalQuantity)) return reject(10243, 'Fractional-sized order cannot be placed via API');
    if ((p.orderType === 'LMT' || p.orderType === 'LOC') && (p.lmtPrice === null || !(p.lmtPrice > 0))) {
      return reject(201, 'Order rejected - reason:The limit price is missing or not valid');
    }
    const tif = p.tif || 'DAY';
    if ((p.orderType === 'MOC' || p.orderType === 'LOC') && tif !== 'DAY') {
      return reject(113, `The TIF (${tif}) and the order type (${p.orderType}) are incompatible.`, false);
    }
    const action = p.action;
    if (existing && existing.filled > 0 && p.totalQuantity < existing.filled) {
      return {
        kind: 'error',
        code: 201,
        message: 'Order rejected - reason:The quantity cannot be below the filled quantity',
        cancelStatus: false,
      };
    }
    const price = this.refPrice({ orderType: p.orderType, action, lmtPrice: p.lmtPrice }, s);
    const qtyToCheck = existing ? p.totalQuantity - existing.filled : p.totalQuantity;
    const value = round(qtyToCheck * price, 2);
    if (this.totalValueLimit !== null && value > this.totalValueLimit) {
      return reject(
        451,
        `The following order "ID=${p.orderId}" value estimate of ${value.toFixed(2)} USD exceeds the Total Value Limit of ${this.totalValueLimit.toFixed(2)} USD`,
        false,
      );
    }
    const funds = this.fundsCheck(accountId, action, qtyToCheck, price, s, existing);
    if (funds) return reject(201, funds);

    if (p.whatIf) {
      const order = this.newRecord(clientId, p, accountId, s, action);
      order.status = 'PreSubmitted';
      this.allOrders.push(order);
      return { kind: 'whatif', order, whatIf: this.whatIfMargins(accountId, action, p.totalQuantity, price, s) };
    }

    this.noteOrderId(clientId, p.orderId);
    if (existing) {
      existing.totalQuantity = p.totalQuantity;
      existing.remaining = round(p.totalQuantity - existing.filled, 8);
      existing.orderType = p.orderType;
      existing.lmtPrice = p.lmtPrice;
      existing.auxPrice = p.auxPrice;
      existing.tif = tif;
      existing.outsideRth = p.outsideRth;
      existing.orderRef = p.orderRef;
      existing.transmit = existing.transmit || p.transmit;
      existing.status = this.initialStatus(existing);
      this.clearCloseTimer(existing);
      this.afterAccept(existing);
      return { kind: 'accepted', order: existing, modified: true };
    }
    const order = this.newRecord(clientId, p, accountId, s, action);
    order.tif = tif;
    order.permId = this.nextPermId++;
    order.status = this.initialStatus(order);
    this.stagePreSubmitted(order);
    this.allOrders.push(order);
    this.liveOrders.set(key, order);
    if (!order.transmit)
      this.listener?.onWarning(
        `order ${order.orderId} (client ${clientId}) has transmit=false: kept Inactive, it will never fill`,
      );
    this.afterAccept(order);
    return { kind: 'accepted', order, modified: false };
  }

  private initialStatus(o: OrderRecord): string {
    if (!o.transmit) return 'Inactive';
    if (this.isCloseOrder(o)) return 'Submitted';
    if (!this.marketOpen && !o.outsideRth) return 'PreSubmitted';
    return 'Submitted';
  }

  private isCloseOrder(o: OrderRecord): boolean {
    return o.orderType === 'MOC' || o.orderType === 'LOC';
  }

  private afterAccept(o: OrderRecord): void {
    if (!o.transmit) return;
    if (this.isCloseOrder(o)) {
      if (this.mocFillDelayMs !== null && !this.closeTimers.has(o)) {
        const t = setTimeout(() => {
          this.closeTimers.delete(o);
          this.fillAtClose(o);
        }, this.mocFillDelayMs);
        this.closeTimers.set(o, t);
      }
      return;
    }
    this.tryMatch(o);
    if (o.tif === 'IOC' && !this.fillTimers.has(o)) {
      const t = setTimeout(() => {
        this.closeTimers.delete(o);
        if (isOpenStatus(o.status) && !this.fillTimers.has(o)) {
          o.status = 'Cancelled';
          this.listener?.onOrderStatus(o);
        }
      }, 0);
      this.closeTimers.set(o, t);
    }
  }

  private clearCloseTimer(o: OrderRecord): void {
    const t = this.closeTimers.get(o);
    if (t) clearTimeout(t);
    this.closeTimers.delete(o);
  }

  private clearFillTimer(o: OrderRecord): void {
    const t = this.fillTimers.get(o);
    if (t) clearTimeout(t);
    this.fillTimers.delete(o);
  }

  /** The price an order would fill at now, or null when it is not marketable. */
  private fillPrice(o: OrderRecord): number | null {
    const s = this.symbol(o.symbol);
    if (!s) return null;
    if (o.orderType === 'MKT') {
      const p = o.action === 'BUY' ? s.ask : s.bid;
      if (p > 0) return p;
      return s.last > 0 ? s.last : null;
    }
    if (o.orderType === 'LMT' && o.lmtPrice !== null) {
      if (o.action === 'BUY') return s.ask > 0 && s.ask <= o.lmtPrice + 1e-9 ? s.ask : null;
      return s.bid > 0 && s.bid >= o.lmtPrice - 1e-9 ? s.bid : null;
    }
    return null;
  }

  private canFillNow(o: OrderRecord): boolean {
    if (o.foreign || o.whatIf || !o.transmit || !isOpenStatus(o.status) || o.status === 'Inactive') return false;
    if (this.holding || this.offline || this.staged.has(o) || this.isCloseOrder(o)) return false;
    if (!this.marketOpen && !o.outsideRth) return false;
    return o.remaining > 0;
  }

  private tryMatch(o: OrderRecord, delay = this.fillDelayMs): void {
    if (this.fillTimers.has(o) || !this.canFillNow(o) || this.fillPrice(o) === null) return;
    const t = setTimeout(() => {
      this.fillTimers.delete(o);
      if (!this.canFillNow(o)) return;
      const price = this.fillPrice(o);
      if (price === null) return;
      const part = Math.ceil(o.totalQuantity / this.partialFills);
      const qty = Math.min(o.remaining, Math.max(1, part));
      this.executeFill(o, qty, price);
      if (o.remaining > 0) this.tryMatch(o, this.fillIntervalMs ?? Math.max(this.fillDelayMs, 5));
    }, delay);
    this.fillTimers.set(o, t);
  }

  private matchAll(pred: (o: OrderRecord) => boolean = () => true): void {
    for (const o of this.allOrders) if (!o.whatIf && isOpenStatus(o.status) && pred(o)) this.tryMatch(o);
  }

  private fillAtClose(o: OrderRecord): void {
    if (!isOpenStatus(o.status) || o.status === 'Inactive' || o.foreign || this.holding) return;
    const s = this.symbol(o.symbol);
    if (!s) return;
    const price = s.last > 0 ? s.last : this.mark(s);
    if (o.orderType === 'LOC' && o.lmtPrice !== null) {
      const ok = o.action === 'BUY' ? price <= o.lmtPrice + 1e-9 : price >= o.lmtPrice - 1e-9;
      if (!ok) {
        o.status = 'Cancelled';
        this.listener?.onOrderStatus(o);
        return;
      }
    }
    this.executeFill(o, o.remaining, price);
  }

  private executeFill(o: OrderRecord, qty: number, price: number): void {
    const a = this.account(o.accountId);
    const s = this.symbol(o.symbol);
    if (!s) return;
    const value = qty * price;
    const before = this.commissionFor(o.filled, o.filled * o.avgFillPrice);
    const newFilled = round(o.filled + qty, 8);
    const newAvg = (o.filled * o.avgFillPrice + value) / newFilled;
    const commission = round(this.commissionFor(newFilled, newFilled * newAvg) - before, 4);

    const pos = a.positions.get(s.symbol) ?? { quantity: 0, avgCost: 0, realizedPnl: 0 };
    let realized: number | null = null;
    const q0 = pos.quantity;
    if (o.action === 'BUY') {
      a.cash -= value + commission;
      if (q0 >= 0) {
        pos.avgCost = (q0 * pos.avgCost + value + commission) / (q0 + qty);
      } else {
        const closing = Math.min(qty, -q0);
        realized = (pos.avgCost - price) * closing - commission;
        if (qty > -q0) pos.avgCost = price;
      }
      pos.quantity = round(q0 + qty, 8);
    } else {
      a.cash += value - commission;
      if (q0 > 0) {
        const closing = Math.min(qty, q0);
        realized = (price - pos.avgCost) * closing - commission;
        if (qty > q0) pos.avgCost = price;
      } else {
        pos.avgCost = (-q0 * pos.avgCost + value - commission) / (-q0 + qty);
      }
      pos.quantity = round(q0 - qty, 8);
    }
    if (realized !== null) {
      realized = round(realized, 2);
      pos.realizedPnl += realized;
      a.realizedPnl += realized;
    }
    if (pos.quantity === 0) a.positions.delete(s.symbol);
    else a.positions.set(s.symbol, pos);
    s.volume += qty;

    o.filled = newFilled;
    o.remaining = round(o.totalQuantity - newFilled, 8);
    o.avgFillPrice = newAvg;
    o.lastFillPrice = price;
    o.commission = round(o.commission + commission, 4);
    o.status = o.remaining > 0 ? 'Submitted' : 'Filled';
    if (o.status === 'Filled') this.clearCloseTimer(o);

    this.execSeq++;
    const now = Date.now();
    const fill: FillRecord = {
      execId: `0000e0d5.${now.toString(16).slice(-8)}.${String(this.execSeq).padStart(2, '0')}.01`,
      orderId: o.orderId,
      clientId: o.clientId,
      permId: o.permId,
      accountId: o.accountId,
      symbol: o.symbol,
      side: o.action === 'BUY' ? 'BOT' : 'SLD',
      shares: qty,
      price,
      orderRef: o.orderRef,
      commission,
      time: now,
      conId: s.conId,
      exchange: s.primaryExchange,
      currency: s.currency,
      cumQty: newFilled,
      avgPrice: round(newAvg, 6),
      realizedPnl: realized,
    };
    this.allFills.push(fill);
    this.listener?.onFill(o, fill);
    this.listener?.onAccountChanged(o.accountId, [s.symbol]);
  }

  /** Cancels one of a client's own open orders. */
  cancelOrder(clientId: number, orderId: number): CancelResult {
    const o = this.liveOrders.get(`${clientId}:${orderId}`);
    if (!o) return { kind: 'unknown' };
    if (!isOpenStatus(o.status)) return { kind: 'not-cancellable', order: o };
    this.cancelRecord(o);
    return { kind: 'cancelled', order: o };
  }

  private cancelRecord(o: OrderRecord): void {
    this.clearFillTimer(o);
    this.unstage(o);
    this.clearCloseTimer(o);
    o.status = 'Cancelled';
  }

  /** Cancels every open order of every client; returns them. */
  globalCancel(): OrderRecord[] {
    const cancelled = this.openOrders();
    for (const o of cancelled) this.cancelRecord(o);
    return cancelled;
  }

  addForeignOrder(order: ForeignOrder): number {
    const s = this.symbol(order.symbol);
    if (!s) throw new Error(`unknown symbol ${order.symbol}`);
    if (!this.accountsById.has(order.accountId)) throw new Error(`unknown account ${order.accountId}`);
    const orderId = this.nextValidId(order.clientId);
    this.noteOrderId(order.clientId, orderId);
    const orderType = order.orderType ?? 'LMT';
    const rec: OrderRecord = {
      orderId,
      clientId: order.clientId,
      permId: this.nextPermId++,
      accountId: order.accountId,
      symbol: s.symbol,
      conId: s.conId,
      exchange: 'SMART',
      primaryExch: s.primaryExchange,
      currency: s.currency,
      action: order.action,
      totalQuantity: order.totalQuantity,
      orderType,
      lmtPrice:
        orderType === 'LMT'
          ? (order.lmtPrice ?? (order.action === 'BUY' ? round(s.bid * 0.9, 2) : round(s.ask * 1.1, 2)))
          : null,
      auxPrice: null,
      tif: 'DAY',
      outsideRth: false,
      orderRef: '',
      transmit: true,
      whatIf: false,
      ocaGroup: '',
      parentId: 0,
      status: 'Submitted',
      filled: 0,
      remaining: order.totalQuantity,
      avgFillPrice: 0,
      lastFillPrice: 0,
      commission: 0,
      placedAt: Date.now(),
      foreign: true,
    };
    this.allOrders.push(rec);
    this.liveOrders.set(`${rec.clientId}:${orderId}`, rec);
    return orderId;
  }

  holdFills(hold: boolean): void {
    this.holding = hold;
    if (!hold) {
      for (const o of this.allOrders) {
        if (
          this.isCloseOrder(o) &&
          isOpenStatus(o.status) &&
          o.transmit &&
          !this.closeTimers.has(o) &&
          this.mocFillDelayMs !== null
        )
          this.afterAccept(o);
      }
      this.matchAll();
    }
  }

  setMarketOpen(open: boolean): void {
    this.marketOpen = open;
    if (!open) return;
    for (const o of this.allOrders) {
      if (!o.whatIf && o.status === 'PreSubmitted' && o.transmit) {
        o.status = 'Submitted';
        this.listener?.onOrderStatus(o);
      }
    }
    this.matchAll();
  }

  runClose(): void {
    for (const o of [...this.allOrders]) {
      if (!o.whatIf && this.isCloseOrder(o) && isOpenStatus(o.status)) {
        this.clearCloseTimer(o);
        this.fillAtClose(o);
      }
    }
  }

  configure(
    options: Partial<
      Pick<
        SimGatewayOptions,
        | 'fillDelayMs'
        | 'partialFills'
        | 'mocFillDelayMs'
        | 'preSubmittedMs'
        | 'fillIntervalMs'
        | 'readOnlyApi'
        | 'totalValueLimit'
      >
    >,
  ): void {
    if (options.readOnlyApi !== undefined) this.readOnlyApi = options.readOnlyApi;
    if (options.totalValueLimit !== undefined) this.totalValueLimit = options.totalValueLimit;
    if (options.preSubmittedMs !== undefined) this.preSubmittedMs = Math.max(0, options.preSubmittedMs);
    if (options.fillIntervalMs !== undefined) this.fillIntervalMs = Math.max(0, options.fillIntervalMs);
    if (options.fillDelayMs !== undefined) this.fillDelayMs = Math.max(0, options.fillDelayMs);
    if (options.partialFills !== undefined) this.partialFills = Math.max(1, Math.floor(options.partialFills));
    if (options.mocFillDelayMs !== undefined) this.mocFillDelayMs = options.mocFillDelayMs;
  }

  // ---- IB's real behaviour (PRODUCT.md §17): PreSubmitted first, connectivity loss, other clients' fills

  /** With `preSubmittedMs`, a new working order rests PreSubmitted (it cannot fill) until its timer submits it. */
  private stagePreSubmitted(o: OrderRecord): void {
    if (this.preSubmittedMs <= 0 || o.status !== 'Submitted' || this.isCloseOrder(o)) return;
    o.status = 'PreSubmitted';
    const t = setTimeout(() => {
      this.staged.delete(o);
      if (!isOpenStatus(o.status)) return;
      if (o.status === 'PreSubmitted' && (this.marketOpen || o.outsideRth)) {
        o.status = 'Submitted';
        this.listener?.onOrderStatus(o);
      }
      this.tryMatch(o);
    }, this.preSubmittedMs);
    this.staged.set(o, t);
  }

  private unstage(o: OrderRecord): void {
    const t = this.staged.get(o);
    if (t) clearTimeout(t);
    this.staged.delete(o);
  }

  /** Fill timers running and staged orders: executions the engine will make without further input. */
  pendingFills(): number {
    return this.fillTimers.size + this.staged.size;
  }

  /** IB Gateway's link to IB down (nothing fills) or back (working orders match again). */
  setOffline(offline: boolean): void {
    this.offline = offline;
    if (!offline) this.matchAll();
  }

  /** Another client's resting order executes in full at the current quote (its account's positions change). */
  fillForeignOrder(clientId: number, orderId: number): void {
    const o = this.liveOrders.get(`${clientId}:${orderId}`);
    if (!o || !o.foreign) throw new Error(`no foreign order ${orderId} of client ${clientId}`);
    if (!isOpenStatus(o.status) || o.remaining <= 0) throw new Error(`foreign order ${orderId} is ${o.status}`);
    const s = this.symbol(o.symbol);
    if (!s) throw new Error(`unknown symbol ${o.symbol}`);
    const price = o.action === 'BUY' ? s.ask : s.bid;
    this.executeFill(o, o.remaining, price > 0 ? price : this.mark(s));
  }

  stop(): void {
    for (const t of this.staged.values()) clearTimeout(t);
    this.staged.clear();
    for (const t of this.fillTimers.values()) clearTimeout(t);
    for (const t of this.closeTimers.values()) clearTimeout(t);
    this.fillTimers.clear();
    this.closeTimers.clear();
  }
}
