import type net from 'node:net';
import { demoState } from './demo-state';
import { Engine, type SymbolState } from './engine';
import * as M from './messages';
import { type Field, type FieldReader, MAX_SERVER_VERSION, encodeFrame, formatField } from './protocol';
import type { SimGatewayEvent, SimGatewayOptions, SimMarketData } from './types';

const MIN_SUPPORTED_SV = 157;

/** One client socket: its framing state, pacing window and subscriptions. */
export interface Conn {
  id: number;
  socket: net.Socket;
  buf: Buffer;
  phase: 'greeting' | 'framed' | 'closed';
  legacy: boolean;
  legacyHello: boolean;
  sv: number;
  clientId: number | null;
  paceApi: boolean;
  accepted: number[];
  seen: number[];
  paced: string[][];
  pacedTimer: NodeJS.Timeout | null;
  marketDataType: number;
  summaries: Map<number, { tags: string[] }>;
  positions: boolean;
  positionsMulti: Map<number, { account: string; modelCode: string }>;
  accountUpdates: string | null;
  accountUpdatesMulti: Map<number, { account: string; modelCode: string }>;
  mktData: Map<number, { symbol: string; delayed: boolean }>;
  autoOpenOrders: boolean;
  /** reqPnL subscriptions: request id → account. */
  pnl: Map<number, string>;
}

/** A fresh connection in the greeting phase, speaking `sv` until the handshake says otherwise. */
export function newConn(id: number, socket: net.Socket, sv: number): Conn {
  return {
    id,
    socket,
    buf: Buffer.alloc(0),
    phase: 'greeting',
    legacy: false,
    legacyHello: false,
    sv,
    clientId: null,
    paceApi: false,
    accepted: [],
    seen: [],
    paced: [],
    pacedTimer: null,
    marketDataType: 1,
    summaries: new Map(),
    positions: false,
    positionsMulti: new Map(),
    pnl: new Map(),
    accountUpdates: null,
    accountUpdatesMulti: new Map(),
    mktData: new Map(),
    autoOpenOrders: false,
  };
}

/** Answers one client message whose id field has already been read. */
export type Handler = (ctx: GatewayContext, conn: Conn, r: FieldReader) => void;

/** Handlers by client → server message id (`M.OUT`). */
export type HandlerTable = Readonly<Partial<Record<number, Handler>>>;

/** The contract fields IB sends for a symbol, on `exchange`. */
export function contractOf(s: SymbolState, exchange = 'SMART'): M.ContractInfo {
  return { conId: s.conId, symbol: s.symbol, exchange, primaryExch: s.primaryExchange, currency: s.currency };
}

/**
 * What the server core, the message handlers and the controls share: the engine, the connections, the settings
 * that change at run time, and the ways to reach a client (send, error) or the host (warn, emit, later).
 */
export class GatewayContext {
  readonly engine: Engine;
  readonly conns = new Set<Conn>();
  readonly timers = new Set<NodeJS.Timeout>();
  readonly warningList: string[] = [];
  readonly stats = { total: 0, byMsgId: {} as Record<number, number>, peakPerSecond: 0, pacingViolations: 0 };
  /** reqMktData requests (streaming lines and snapshots) per symbol. */
  readonly marketDataRequests = new Map<string, number>();
  readonly eventListeners = new Set<(event: SimGatewayEvent) => void>();
  readonly maxMsgsPerSec: number;
  readonly maxMktDataLines: number;
  readonly serverVersion: number;
  readonly summaryPushes: boolean;
  entitlement: 'live' | 'delayed-only';
  /** §29: market data per symbol (absent: `entitlement`) and the skew of the clock reqCurrentTime answers with. */
  marketDataBySymbol: Record<string, SimMarketData> = {};
  clockSkewMs: number;
  /** §21 gateway lifecycle: not logged in (no managed accounts), a competing live session (10197). */
  loggedIn: boolean;
  competingSession = false;
  /** `DayTradesRemaining` per account (PDT, §21); absent = −1, unlimited. */
  readonly dayTrades = new Map<string, number>();
  dropAfterFill: { side?: 'BUY' | 'SELL' } | null = null;
  offlineAfterFill: { side: 'BUY' | 'SELL' } | null = null;
  orderWarning: { symbols?: string[]; message?: string } | null;
  farmNotices: boolean;

  constructor(readonly options: SimGatewayOptions) {
    this.maxMsgsPerSec = options.maxMsgsPerSec ?? 50;
    this.maxMktDataLines = options.maxMktDataLines ?? 100;
    this.serverVersion = Math.min(
      MAX_SERVER_VERSION,
      Math.max(MIN_SUPPORTED_SV, options.serverVersion ?? MAX_SERVER_VERSION),
    );
    this.entitlement = options.entitlement ?? 'live';
    this.setMarketDataBySymbol(options.marketDataBySymbol ?? {});
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.summaryPushes = options.summaryPushes ?? true;
    this.loggedIn = options.loggedIn ?? true;
    for (const a of options.accounts ?? []) {
      if (a.dayTradesRemaining !== undefined) this.dayTrades.set(a.accountId, a.dayTradesRemaining);
    }
    this.orderWarning = options.orderWarning ?? null;
    this.farmNotices = options.farmNotices ?? true;
    this.engine = new Engine(options, demoState());
  }

  setMarketDataBySymbol(bySymbol: Record<string, SimMarketData>): void {
    this.marketDataBySymbol = Object.fromEntries(
      Object.entries(bySymbol).map(([symbol, data]) => [symbol.trim().toUpperCase(), data]),
    );
  }

  warn(message: string): void {
    this.warningList.push(message);
    try {
      this.options.onWarning?.(message);
    } catch {
      /* a failing sink must not break the simulator */
    }
  }

  emit(event: SimGatewayEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (err) {
        this.warn(`event listener failed on ${event.type}: ${(err as Error).message}`);
      }
    }
  }

  /** Runs `fn` after `ms`; the timer is cleared on stop and a throw becomes a warning. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        fn();
      } catch (err) {
        this.warn(`internal error: ${(err as Error).message}`);
      }
    }, ms);
    this.timers.add(t);
  }

  send(conn: Conn, fields: Field[]): void {
    if (conn.phase === 'closed' || conn.socket.destroyed || !conn.socket.writable) return;
    if (conn.legacy) conn.socket.write(fields.map((f) => formatField(f) + '\0').join(''));
    else conn.socket.write(encodeFrame(fields));
  }

  error(conn: Conn, id: number, code: number, message: string): void {
    this.send(conn, M.errMsg(conn.sv, id, code, message));
  }

  /** Connections past START_API. */
  started(): Conn[] {
    return [...this.conns].filter((c) => c.clientId !== null && c.phase === 'framed');
  }

  connByClient(clientId: number): Conn | undefined {
    return this.started().find((c) => c.clientId === clientId);
  }

  /** The accounts announced in MANAGED_ACCTS: none while nobody is logged in. */
  managedAccountIds(): string[] {
    return this.loggedIn ? this.engine.accountIds() : [];
  }

  forget(conn: Conn): void {
    conn.phase = 'closed';
    if (conn.pacedTimer) clearTimeout(conn.pacedTimer);
    conn.pacedTimer = null;
    conn.mktData.clear();
    this.conns.delete(conn);
  }

  closeConn(conn: Conn): void {
    this.forget(conn);
    if (!conn.socket.destroyed) conn.socket.destroySoon();
  }

  dropConnections(): void {
    for (const c of [...this.conns]) this.closeConn(c);
  }
}
