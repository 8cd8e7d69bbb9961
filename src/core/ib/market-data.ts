/**
 * Prices for planning (PRODUCT.md §8 step 3, §16): one streaming market-data line per symbol, opened on first use,
 * shared by every account and phase that prices the symbol while work runs, and cancelled after `quoteIdleMs`
 * without a read (and with the session). A signal fanned out to many accounts therefore asks IB once per symbol, and
 * the buys of every account price at the live quote, not at a snapshot taken for the sells.
 *
 * A line is usable once bid and ask are both in, or `SETTLE_MS` after its first tick (a symbol with only a last or
 * a close). When the gateway has no line left (101, max tickers) the symbol is priced by snapshots instead, shared
 * for `quoteTtlMs`.
 *
 * Market-data type: the setting (default 1, live). When the gateway says the account is not entitled to live data
 * (354, 10168) or is already showing delayed data (10167), the client switches to delayed (3) and keeps it for the
 * rest of the session; a line or snapshot refused that way is asked again once as delayed.
 *
 * Mark = midpoint when bid and ask are both > 0, else last, else close. A symbol without any of them is never
 * priced by guess: `getQuotes` throws a transient `IbError` naming every such symbol (the event is retried), unless
 * the caller passes `allowMissing`, in which case the symbol is simply absent from the map. A symbol IB has no
 * contract for (200) is never "missing": `getQuotes` throws an `invalid` `NoContractError` naming every such symbol.
 */
import { EventName, type Contract, type IBApi } from '@stoqey/ib';
import type { Quote } from '../../shared/dto';
import type { GatewayMessage, IbConnection } from './connection';
import type { Contracts } from './contracts';
import { IB_CONNECT_FAIL, IB_NOT_CONNECTED, IbError, isIbNotice, NoContractError } from './ib-errors';
import { mapLimited } from './mutex';

/** Tick types (live and delayed) used for the mark. */
const BID = new Set([1, 66]);
const ASK = new Set([2, 67]);
const LAST = new Set([4, 68]);
const CLOSE = new Set([9, 75]);
/** "Not entitled to live data" codes that make the client fall back to delayed data. */
const NOT_ENTITLED = new Set([354, 10168]);
/** "Displaying delayed data": the answer is coming, already delayed. */
const SHOWING_DELAYED = 10167;
const MAX_IN_FLIGHT = 50;
/** "Max number of tickers has been reached": no streaming line left. */
const NO_LINE_LEFT = 101;
/** A line without both bid and ask is usable this long after its first tick. */
const SETTLE_MS = 250;
/** After a 101, symbols are priced by snapshots for this long before a line is tried again. */
const NO_LINE_BACKOFF_MS = 30_000;

export interface MarketDataOptions {
  /** 1 live (default), 2 frozen, 3 delayed, 4 delayed-frozen. */
  marketDataType?: number;
  /** A symbol's streaming line is cancelled after this long without a read (default 30 000 ms; 0: snapshots only). */
  quoteIdleMs?: number;
  /**
   * Snapshots only (no line left, or quoteIdleMs 0): a quote this recent is reused instead of asking again (default
   * 1 000 ms; 0 turns reuse off).
   */
  quoteTtlMs?: number;
}

export interface QuoteOptions {
  /** Leave symbols without a price (or unknown to IB) out of the map instead of failing. */
  allowMissing?: boolean;
}

/** What `MarketData.probe` found for a symbol; `message` is IB's answer when it refused. */
export interface MarketDataProbe {
  symbol: string;
  data: 'live' | 'delayed' | 'none';
  code: number | null;
  message: string | null;
}

/** Refusals that mean "no subscription for this type of data" (not a symbol or connection problem). */
const NO_SUBSCRIPTION = new Set([354, 10089, 10168, 10186]);

interface Snapshot {
  bid: number | null;
  ask: number | null;
  last: number | null;
  close: number | null;
  marketDataType: number;
}

/** One streaming line. */
interface Line {
  symbol: string;
  reqId: number;
  api: IBApi;
  snap: Snapshot;
  /** The type the line was asked with. */
  sentType: number;
  lastUsed: number;
  /** Settles once the line is usable, or fails (error for its id, timeout, lost session). */
  ready: Promise<void>;
  usable: boolean;
  settle: NodeJS.Timeout | null;
  timeout: NodeJS.Timeout | null;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Applies one tick to a quote's fields. */
function applyTick(snap: Snapshot, field: unknown, value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const tick = Number(field);
  if (BID.has(tick)) snap.bid = value;
  else if (ASK.has(tick)) snap.ask = value;
  else if (LAST.has(tick)) snap.last = value;
  else if (CLOSE.has(tick)) snap.close = value;
  else return false;
  return true;
}

export class MarketData {
  private type: number;
  private typeSentOn: IBApi | null = null;
  private typeSent = 0;
  private readonly quoteTtlMs: number;
  private readonly quoteIdleMs: number;
  private readonly recent = new Map<string, { at: number; quote: Promise<Quote | null> }>();
  private readonly lines = new Map<string, Line>();
  private readonly byReqId = new Map<number, Line>();
  private idleTimer: NodeJS.Timeout | null = null;
  private noLineUntil = 0;

  constructor(
    private readonly connection: IbConnection,
    private readonly contracts: Contracts,
    options: MarketDataOptions = {},
  ) {
    this.type = options.marketDataType ?? 1;
    this.quoteTtlMs = options.quoteTtlMs ?? 1_000;
    this.quoteIdleMs = options.quoteIdleMs ?? 30_000;
    connection.on('session', (api) => this.attach(api));
    connection.on('message', (message) => this.onMessage(message));
    connection.on('disconnected', (reason) => this.dropAll(reason));
  }

  /** Symbols with a streaming line open. */
  get streaming(): string[] {
    return [...this.lines.keys()];
  }

  /** Cancels every streaming line now (they are opened again on the next read). */
  close(): void {
    for (const line of [...this.lines.values()]) this.cancel(line);
  }

  /** The market-data type the session currently asks for (3 after a fallback to delayed). */
  get marketDataType(): number {
    return this.type;
  }

  /** One quote per distinct symbol; see the module comment for missing prices. */
  async getQuotes(symbols: readonly string[], options: QuoteOptions = {}): Promise<Map<string, Quote>> {
    const unique = [...new Set(symbols.map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))];
    const settled = await mapLimited(unique, MAX_IN_FLIGHT, (symbol) => this.sharedQuote(symbol));
    const quotes = new Map<string, Quote>();
    const missing: string[] = [];
    const noContract: { symbol: string; error: IbError }[] = [];
    for (const [index, result] of settled.entries()) {
      const symbol = unique[index] as string;
      if (result.status === 'fulfilled') {
        if (result.value) quotes.set(symbol, result.value);
        else missing.push(symbol);
        continue;
      }
      const error = result.reason as unknown;
      // §24: a symbol IB has no contract for is a bad allocation (invalid), never a missing price.
      if (error instanceof IbError && error.kind === 'invalid') {
        noContract.push({ symbol, error });
        continue;
      }
      if (options.allowMissing && isSymbolError(error)) continue;
      throw error;
    }
    if (noContract.length > 0) {
      throw new NoContractError(
        noContract.map((n) => n.symbol),
        noContract.map((n) => n.error),
      );
    }
    if (missing.length > 0 && !options.allowMissing) {
      throw new IbError(`no price (bid/ask, last or close) for ${missing.join(', ')}`, { kind: 'transient' });
    }
    return quotes;
  }

  /** The live quote of a symbol's line, else (no line left) a snapshot shared for `quoteTtlMs`. */
  private async sharedQuote(symbol: string): Promise<Quote | null> {
    if (this.quoteIdleMs > 0 && Date.now() >= this.noLineUntil) {
      try {
        return await this.streamedQuote(symbol);
      } catch (error) {
        if (!(error instanceof IbError) || error.code !== NO_LINE_LEFT) throw error;
        this.noLineUntil = Date.now() + NO_LINE_BACKOFF_MS;
      }
    }
    return this.snapshotQuote(symbol);
  }

  private async streamedQuote(symbol: string): Promise<Quote | null> {
    let line = this.lines.get(symbol) ?? (await this.open(symbol));
    try {
      await line.ready;
    } catch (error) {
      if (!(error instanceof IbError) || error.code === undefined || !NOT_ENTITLED.has(error.code)) throw error;
      if (!this.fallBackFrom(line.sentType)) throw error;
      line = this.lines.get(symbol) ?? (await this.open(symbol));
      await line.ready;
    }
    line.lastUsed = Date.now();
    return toQuote(symbol, line.snap);
  }

  /** Opens the streaming line of `symbol` (one per symbol: concurrent callers get the same line). */
  private async open(symbol: string): Promise<Line> {
    const contract = await this.contracts.orderContract(symbol);
    const existing = this.lines.get(symbol);
    if (existing) return existing;
    const api = this.connection.requireApi(`market data of ${symbol}`);
    const reqId = this.connection.nextReqId();
    let resolve: () => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    ready.catch(() => undefined);
    const sentType = this.ensureType(api);
    const line: Line = {
      symbol,
      reqId,
      api,
      snap: { bid: null, ask: null, last: null, close: null, marketDataType: sentType },
      sentType,
      lastUsed: Date.now(),
      ready,
      usable: false,
      settle: null,
      timeout: null,
      resolve,
      reject,
    };
    const timeoutMs = this.connection.requestTimeoutMs;
    line.timeout = setTimeout(() => {
      this.fail(line, IbError.timeout(`market data of ${symbol}`, timeoutMs), true);
    }, timeoutMs);
    this.lines.set(symbol, line);
    this.byReqId.set(reqId, line);
    this.scheduleIdle();
    this.connection.send((session) => session.reqMktData(reqId, contract, '', false, false));
    return line;
  }

  /** Ticks and types of every line of one session. */
  private attach(api: IBApi): void {
    api.on(EventName.tickPrice, (reqId, field, value) => {
      const line = this.byReqId.get(reqId);
      if (!line || line.api !== api || !applyTick(line.snap, field, value)) return;
      if (line.usable) return;
      const { bid, ask } = line.snap;
      if (bid !== null && bid > 0 && ask !== null && ask > 0) this.markUsable(line);
      else line.settle ??= setTimeout(() => this.markUsable(line), SETTLE_MS);
    });
    api.on(EventName.marketDataType, (reqId, type) => {
      const line = this.byReqId.get(reqId);
      if (line && line.api === api) line.snap.marketDataType = type;
    });
  }

  private markUsable(line: Line): void {
    if (line.usable || this.byReqId.get(line.reqId) !== line) return;
    line.usable = true;
    if (line.settle) clearTimeout(line.settle);
    if (line.timeout) clearTimeout(line.timeout);
    line.settle = null;
    line.timeout = null;
    line.resolve();
  }

  /** Errors the gateway reports for a line's id. */
  private onMessage(message: GatewayMessage): void {
    const line = this.byReqId.get(message.id);
    if (!line) return;
    if (message.code === SHOWING_DELAYED) {
      if (this.type === 1) this.type = 3;
      if (this.type === 2) this.type = 4;
      return;
    }
    if (isIbNotice(message.code, message.message)) return;
    this.fail(
      line,
      IbError.fromGateway(message.code, message.message, `market data of ${line.symbol}`, line.reqId, line.symbol),
      false,
    );
  }

  /** Ends a line that failed; `cancel` when IB still holds it (a timeout, not an error for its id). */
  private fail(line: Line, error: Error, cancel: boolean): void {
    if (cancel) this.cancel(line);
    else this.forget(line);
    line.reject(error);
  }

  private cancel(line: Line): void {
    if (this.byReqId.get(line.reqId) !== line) return;
    this.forget(line);
    if (this.connection.state === 'connected') {
      try {
        line.api.cancelMktData(line.reqId);
      } catch {
        // the session is going away: its lines go with it
      }
    }
  }

  private forget(line: Line): void {
    if (line.settle) clearTimeout(line.settle);
    if (line.timeout) clearTimeout(line.timeout);
    line.settle = null;
    line.timeout = null;
    if (this.byReqId.get(line.reqId) === line) this.byReqId.delete(line.reqId);
    if (this.lines.get(line.symbol) === line) this.lines.delete(line.symbol);
  }

  private dropAll(reason: string): void {
    for (const line of [...this.lines.values()]) {
      this.forget(line);
      line.reject(IbError.notConnected(`market data of ${line.symbol}`, reason));
    }
  }

  /** Cancels lines unused for `quoteIdleMs`; runs while any line is open. */
  private scheduleIdle(): void {
    if (this.idleTimer) return;
    const tick = Math.max(50, Math.floor(this.quoteIdleMs / 4));
    this.idleTimer = setInterval(() => {
      const now = Date.now();
      for (const line of [...this.lines.values()]) {
        if (line.usable && now - line.lastUsed >= this.quoteIdleMs) this.cancel(line);
      }
      if (this.lines.size === 0 && this.idleTimer) {
        clearInterval(this.idleTimer);
        this.idleTimer = null;
      }
    }, tick);
    this.idleTimer.unref();
  }

  /** A snapshot being fetched or fetched within `quoteTtlMs` is shared; a failed one is never reused. */
  private snapshotQuote(symbol: string): Promise<Quote | null> {
    const now = Date.now();
    const hit = this.recent.get(symbol);
    if (hit && now - hit.at <= this.quoteTtlMs) return hit.quote;
    const quote = this.quote(symbol);
    if (this.quoteTtlMs > 0) {
      this.recent.set(symbol, { at: now, quote });
      quote.then(
        () => this.recent.set(symbol, { at: Date.now(), quote }),
        () => {
          if (this.recent.get(symbol)?.quote === quote) this.recent.delete(symbol);
        },
      );
    }
    return quote;
  }

  /**
   * §29 Check setup: one live snapshot of `symbol` and, when the subscriptions refuse live data, one delayed. The type
   * is asked for explicitly each time and sent again for the next ordinary request, so the session's own type (and
   * its fallback to delayed) is left as it was.
   */
  async probe(symbol: string): Promise<MarketDataProbe> {
    const name = symbol.trim().toUpperCase();
    const contract = await this.contracts.orderContract(name);
    const tryType = async (type: number): Promise<Snapshot | IbError> => {
      try {
        return await this.snapshot(name, contract, type);
      } catch (error) {
        if (error instanceof IbError && error.code !== undefined && NO_SUBSCRIPTION.has(error.code)) return error;
        throw error;
      } finally {
        this.typeSentOn = null;
      }
    };
    const live = await tryType(1);
    if (!(live instanceof IbError) && toQuote(name, live)) {
      const delayed = live.marketDataType === 3 || live.marketDataType === 4;
      return { symbol: name, data: delayed ? 'delayed' : 'live', code: null, message: null };
    }
    const delayed = await tryType(3);
    if (!(delayed instanceof IbError) && toQuote(name, delayed)) {
      const refusal = live instanceof IbError ? live : null;
      return { symbol: name, data: 'delayed', code: refusal?.code ?? null, message: refusal?.message ?? null };
    }
    const refusal = delayed instanceof IbError ? delayed : live instanceof IbError ? live : null;
    return {
      symbol: name,
      data: 'none',
      code: refusal?.code ?? null,
      message: refusal?.message ?? 'IB sent no price for it, live or delayed',
    };
  }

  /** The quote of one symbol, or null when IB has no usable price for it. */
  private async quote(symbol: string): Promise<Quote | null> {
    const contract = await this.contracts.orderContract(symbol);
    let snapshot: Snapshot;
    // The request body runs synchronously inside `snapshot`, so this is the type the request is sent with.
    const sentType = this.type;
    try {
      snapshot = await this.snapshot(symbol, contract);
    } catch (error) {
      if (!(error instanceof IbError) || error.code === undefined || !NOT_ENTITLED.has(error.code)) throw error;
      if (!this.fallBackFrom(sentType)) throw error;
      snapshot = await this.snapshot(symbol, contract);
    }
    return toQuote(symbol, snapshot);
  }

  /** Switches to delayed data after a refusal at `sentType`; false when already delayed (nothing to fall back to). */
  private fallBackFrom(sentType: number): boolean {
    if (sentType === 3 || sentType === 4) return false;
    if (this.type === 1 || this.type === 2) {
      this.type = this.type === 1 ? 3 : 4;
      this.typeSentOn = null;
    }
    return true;
  }

  /** One snapshot at the session's type, or at `forceType` (a probe; the session's type is sent again after it). */
  private snapshot(symbol: string, contract: Contract, forceType?: number): Promise<Snapshot> {
    const label = `snapshot of ${symbol}`;
    let refused = false;
    return this.connection.request<Snapshot>(
      label,
      (scope) => {
        const snap: Snapshot = { bid: null, ask: null, last: null, close: null, marketDataType: this.type };
        scope.on(EventName.tickPrice, (reqId, field, value) => {
          if (reqId === scope.id) applyTick(snap, field, value);
        });
        scope.on(EventName.marketDataType, (reqId, type) => {
          if (reqId === scope.id) snap.marketDataType = type;
        });
        scope.on(EventName.tickSnapshotEnd, (reqId) => {
          if (reqId === scope.id) scope.resolve(snap);
        });
        scope.onSettle((outcome) => {
          if (outcome === 'rejected' && !refused) scope.api.cancelMktData(scope.id);
        });
        if (forceType === undefined) snap.marketDataType = this.ensureType(scope.api);
        else {
          scope.api.reqMarketDataType(forceType);
          snap.marketDataType = forceType;
        }
        scope.api.reqMktData(scope.id, contract, '', true, false);
      },
      {
        symbol,
        onGatewayError: (message) => {
          if (message.code === SHOWING_DELAYED && forceType !== undefined) return true;
          if (message.code === SHOWING_DELAYED) {
            if (this.type === 1) this.type = 3;
            if (this.type === 2) this.type = 4;
            return true;
          }
          refused = true;
          return false;
        },
      },
    );
  }

  /** Sends reqMarketDataType once per session (and after a change); returns the type in force. */
  private ensureType(api: IBApi): number {
    if (this.typeSentOn !== api || this.typeSent !== this.type) {
      api.reqMarketDataType(this.type);
      this.typeSentOn = api;
      this.typeSent = this.type;
    }
    return this.type;
  }
}

/** Applies §8 step 3; null when there is no usable price. */
export function toQuote(symbol: string, s: Snapshot): Quote | null {
  const positive = (v: number | null): number | null => (v !== null && v > 0 ? v : null);
  const bid = positive(s.bid);
  const ask = positive(s.ask);
  const last = positive(s.last);
  const close = positive(s.close);
  const mark = bid !== null && ask !== null ? (bid + ask) / 2 : (last ?? close);
  if (mark === null) return null;
  return { symbol, bid, ask, last, close, mark, marketDataType: s.marketDataType };
}

/** A failure about this symbol (unknown to IB, refused), not about the connection. */
function isSymbolError(error: unknown): boolean {
  return (
    error instanceof IbError &&
    error.code !== undefined &&
    error.code !== IB_NOT_CONNECTED &&
    error.code !== IB_CONNECT_FAIL
  );
}
