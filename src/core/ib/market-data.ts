/**
 * Prices for planning (PRODUCT.md §8 step 3): one snapshot per symbol, in parallel (paced by the library's
 * limiter, at most `MAX_IN_FLIGHT` at once), each with its own timeout.
 *
 * Market-data type: the setting (default 1, live). When the gateway says the account is not entitled to live
 * data (354, 10168) or is already showing delayed data (10167), the client switches to delayed (3) and keeps it
 * for the rest of the session; a snapshot refused that way is retried once as delayed.
 *
 * Mark = midpoint when bid and ask are both > 0, else last, else close. A symbol without any of them is never
 * priced by guess: `getQuotes` throws a transient `IbError` naming every such symbol (the event is retried), unless
 * the caller passes `allowMissing`, in which case the symbol is simply absent from the map.
 */
import { EventName, type Contract, type IBApi } from '@stoqey/ib';
import type { Quote } from '../../shared/dto';
import type { IbConnection } from './connection';
import type { Contracts } from './contracts';
import { IB_CONNECT_FAIL, IB_NOT_CONNECTED, IbError } from './ib-errors';
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

export interface MarketDataOptions {
  /** 1 live (default), 2 frozen, 3 delayed, 4 delayed-frozen. */
  marketDataType?: number;
  /**
   * A quote this recent is reused instead of asking again (default 1 000 ms; 0 turns reuse off). Several accounts
   * rebalancing to the same strategy at once then share one snapshot per symbol, which keeps far below IB's message
   * limit (§9, §16) while every plan still prices at most a second old.
   */
  quoteTtlMs?: number;
}

export interface QuoteOptions {
  /** Leave symbols without a price (or unknown to IB) out of the map instead of failing. */
  allowMissing?: boolean;
}

interface Snapshot {
  bid: number | null;
  ask: number | null;
  last: number | null;
  close: number | null;
  marketDataType: number;
}

export class MarketData {
  private type: number;
  private typeSentOn: IBApi | null = null;
  private typeSent = 0;
  private readonly quoteTtlMs: number;
  private readonly recent = new Map<string, { at: number; quote: Promise<Quote | null> }>();

  constructor(
    private readonly connection: IbConnection,
    private readonly contracts: Contracts,
    options: MarketDataOptions = {},
  ) {
    this.type = options.marketDataType ?? 1;
    this.quoteTtlMs = options.quoteTtlMs ?? 1_000;
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
    for (const [index, result] of settled.entries()) {
      const symbol = unique[index] as string;
      if (result.status === 'fulfilled') {
        if (result.value) quotes.set(symbol, result.value);
        else missing.push(symbol);
        continue;
      }
      const error = result.reason as unknown;
      if (options.allowMissing && isSymbolError(error)) continue;
      throw error;
    }
    if (missing.length > 0 && !options.allowMissing) {
      throw new IbError(`no price (bid/ask, last or close) for ${missing.join(', ')}`, { kind: 'transient' });
    }
    return quotes;
  }

  /** A quote being fetched or fetched within `quoteTtlMs` is shared; a failed one is never reused. */
  private sharedQuote(symbol: string): Promise<Quote | null> {
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

  private snapshot(symbol: string, contract: Contract): Promise<Snapshot> {
    const label = `snapshot of ${symbol}`;
    let refused = false;
    return this.connection.request<Snapshot>(
      label,
      (scope) => {
        const snap: Snapshot = { bid: null, ask: null, last: null, close: null, marketDataType: this.type };
        scope.on(EventName.tickPrice, (reqId, field, value) => {
          if (reqId !== scope.id || typeof value !== 'number' || !Number.isFinite(value)) return;
          const tick = Number(field);
          if (BID.has(tick)) snap.bid = value;
          else if (ASK.has(tick)) snap.ask = value;
          else if (LAST.has(tick)) snap.last = value;
          else if (CLOSE.has(tick)) snap.close = value;
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
        snap.marketDataType = this.ensureType(scope.api);
        scope.api.reqMktData(scope.id, contract, '', true, false);
      },
      {
        onGatewayError: (message) => {
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
