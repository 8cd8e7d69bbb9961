import net from 'node:net';
import { demoState } from './demo-state';
import {
  Engine,
  fillView,
  orderView,
  type FillRecord,
  type OrderRecord,
  type SymbolState,
  type WhatIfResult,
} from './engine';
import { easternHhmm, easternSortKey, easternTimestamp, tradingSchedule } from './market-hours';
import * as M from './messages';
import { parsePlaceOrder } from './place-order-parser';
import {
  type Field,
  FieldReader,
  MAX_SERVER_VERSION,
  MIN_SERVER_VERSION,
  UnderrunError,
  encodeFrame,
  formatField,
  parseHandshake,
  readFrame,
} from './protocol';
import type {
  ConnectivityCode,
  ForeignOrder,
  SimAccount,
  SimFill,
  SimGateway,
  SimGatewayEvent,
  SimGatewayOptions,
  SimMoney,
  SimMarketData,
  SimOrderView,
  SimPosition,
  SimRuntimeOptions,
  SimSymbol,
} from './types';

const MIN_SUPPORTED_SV = 157;
const LEGACY_SERVER_VERSION = 76;
const LEGACY_LENGTHS: Record<number, number> = { 71: 4, 49: 2, 17: 2, 8: 3, 61: 2, 64: 2, 62: 5, 63: 3, 59: 3 };

interface SummarySub {
  tags: string[];
}

interface MktDataSub {
  symbol: string;
  delayed: boolean;
}

interface Conn {
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
  summaries: Map<number, SummarySub>;
  positions: boolean;
  positionsMulti: Map<number, { account: string; modelCode: string }>;
  accountUpdates: string | null;
  accountUpdatesMulti: Map<number, { account: string; modelCode: string }>;
  mktData: Map<number, MktDataSub>;
  autoOpenOrders: boolean;
  /** reqPnL subscriptions: request id → account. */
  pnl: Map<number, string>;
}

const SUMMARY_TAGS = [
  'AccountType',
  'NetLiquidation',
  'TotalCashValue',
  'SettledCash',
  'AccruedCash',
  'BuyingPower',
  'EquityWithLoanValue',
  'PreviousEquityWithLoanValue',
  'GrossPositionValue',
  'RegTEquity',
  'RegTMargin',
  'SMA',
  'InitMarginReq',
  'MaintMarginReq',
  'AvailableFunds',
  'ExcessLiquidity',
  'Cushion',
  'FullInitMarginReq',
  'FullMaintMarginReq',
  'FullAvailableFunds',
  'FullExcessLiquidity',
  'LookAheadInitMarginReq',
  'LookAheadMaintMarginReq',
  'LookAheadAvailableFunds',
  'LookAheadExcessLiquidity',
  'HighestSeverity',
  'DayTradesRemaining',
  'Leverage',
];

const money = (n: number): string => n.toFixed(2);
const CONNECTIVITY_LOST_TEXT = 'Connectivity between IB and Trader Workstation has been lost.';

/** The simulated IB Gateway: a TCP server speaking the TWS API protocol plus the control API. */
/** IB's texts for the connection-level notices the simulator can send. */
const CONNECTIVITY_TEXT: Record<ConnectivityCode, string> = {
  1100: 'Connectivity between IB and Trader Workstation has been lost.',
  1101: 'Connectivity between IB and Trader Workstation has been restored - data lost.',
  1102: 'Connectivity between IB and Trader Workstation has been restored - data maintained.',
  2110: 'Connectivity between Trader Workstation and server is broken. It will be restored automatically.',
};
const COMPETING_SESSION_TEXT = 'No market data during competing live session';

export class SimGatewayServer implements SimGateway {
  host: string;
  port = 0;
  private readonly server: net.Server;
  private readonly engine: Engine;
  private readonly conns = new Set<Conn>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly warningList: string[] = [];
  private readonly stats = { total: 0, byMsgId: {} as Record<number, number>, peakPerSecond: 0, pacingViolations: 0 };
  /** reqMktData requests (streaming lines and snapshots) per symbol. */
  private readonly marketDataBySymbol = new Map<string, number>();
  private readonly maxMsgsPerSec: number;
  private readonly maxMktDataLines: number;
  private readonly serverVersion: number;
  private entitlement: 'live' | 'delayed-only';
  /** §29: market data per symbol (absent: `entitlement`) and the skew of the clock reqCurrentTime answers with. */
  private marketDataBySymbolSetting: Record<string, SimMarketData> = {};
  private clockSkewMs = 0;
  private readonly summaryPushes: boolean;
  private refuseUntil = 0;
  /** §21 gateway lifecycle: not logged in (no managed accounts), a competing live session (10197). */
  private loggedIn: boolean;
  private competingSession = false;
  /** `DayTradesRemaining` per account (PDT, §21); absent = −1, unlimited. */
  private readonly dayTrades = new Map<string, number>();
  private dropAfterFill: { side?: 'BUY' | 'SELL' } | null = null;
  private orderWarning: { symbols?: string[]; message?: string } | null;
  private farmNotices: boolean;
  private offlineAfterFill: { side: 'BUY' | 'SELL' } | null = null;
  private nextConnId = 1;
  private stopped = false;
  private readonly eventListeners = new Set<(event: SimGatewayEvent) => void>();

  constructor(private readonly options: SimGatewayOptions) {
    this.host = options.host ?? '127.0.0.1';
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
    this.engine.setListener({
      onFill: (o, f) => this.pushFill(o, f),
      onOrderStatus: (o) => this.pushOrderState(o),
      onAccountChanged: (id, symbols) => this.pushAccount(id, symbols),
      onQuote: (symbol, changed) => this.pushQuote(symbol, changed),
      onWarning: (m) => this.warn(m),
    });
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on('error', (err) => this.warn(`server error: ${err.message}`));
  }

  /** Starts listening; resolves once the port is bound. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port ?? 0, this.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        resolve();
      });
    });
  }

  // ---- helpers

  private warn(message: string): void {
    this.warningList.push(message);
    try {
      this.options.onWarning?.(message);
    } catch {
      /* a failing sink must not break the simulator */
    }
  }

  private emit(event: SimGatewayEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (err) {
        this.warn(`event listener failed on ${event.type}: ${(err as Error).message}`);
      }
    }
  }

  private later(ms: number, fn: () => void): void {
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

  private send(conn: Conn, fields: Field[]): void {
    if (conn.phase === 'closed' || conn.socket.destroyed || !conn.socket.writable) return;
    if (conn.legacy) conn.socket.write(fields.map((f) => formatField(f) + '\0').join(''));
    else conn.socket.write(encodeFrame(fields));
  }

  private error(conn: Conn, id: number, code: number, message: string): void {
    this.send(conn, M.errMsg(conn.sv, id, code, message));
  }

  private started(): Conn[] {
    return [...this.conns].filter((c) => c.clientId !== null && c.phase === 'framed');
  }

  private connByClient(clientId: number): Conn | undefined {
    return this.started().find((c) => c.clientId === clientId);
  }

  private contractOf(s: SymbolState, exchange = 'SMART'): M.ContractInfo {
    return { conId: s.conId, symbol: s.symbol, exchange, primaryExch: s.primaryExchange, currency: s.currency };
  }

  private orderContract(o: OrderRecord): M.ContractInfo {
    return { conId: o.conId, symbol: o.symbol, exchange: o.exchange, primaryExch: o.primaryExch, currency: o.currency };
  }

  private openOrderInfo(o: OrderRecord, status: string, whatIf?: WhatIfResult): M.OpenOrderInfo {
    return {
      orderId: o.orderId,
      contract: this.orderContract(o),
      action: o.action,
      totalQuantity: o.totalQuantity,
      orderType: o.orderType,
      lmtPrice: o.lmtPrice,
      auxPrice: o.auxPrice,
      tif: o.tif,
      ocaGroup: o.ocaGroup,
      account: o.accountId,
      orderRef: o.orderRef,
      clientId: o.clientId,
      permId: o.whatIf ? 0 : o.permId,
      outsideRth: o.outsideRth,
      parentId: o.parentId,
      whatIf: o.whatIf,
      status,
      filledQuantity: o.filled,
      margin: whatIf,
      commission: whatIf ? whatIf.commission : status === 'Filled' ? o.commission : null,
      minCommission: whatIf ? whatIf.commission : null,
      maxCommission: whatIf ? whatIf.commission : null,
      commissionCurrency: whatIf || status === 'Filled' ? 'USD' : '',
    };
  }

  private sendOpenOrder(conn: Conn, o: OrderRecord, status: string, whatIf?: WhatIfResult): void {
    this.send(conn, M.openOrder(conn.sv, this.openOrderInfo(o, status, whatIf)));
  }

  private sendOrderStatus(conn: Conn, o: OrderRecord, status = o.status): void {
    this.send(
      conn,
      M.orderStatus(
        o.orderId,
        status,
        o.filled,
        o.remaining,
        o.avgFillPrice,
        o.permId,
        o.parentId,
        o.lastFillPrice,
        o.clientId,
      ),
    );
  }

  // ---- connections

  private onConnection(socket: net.Socket): void {
    if (this.stopped || Date.now() < this.refuseUntil) {
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn: Conn = {
      id: this.nextConnId++,
      socket,
      buf: Buffer.alloc(0),
      phase: 'greeting',
      legacy: false,
      legacyHello: false,
      sv: this.serverVersion,
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
    this.conns.add(conn);
    socket.on('data', (data: Buffer) => {
      try {
        this.onData(conn, data);
      } catch (err) {
        this.warn(`connection ${conn.id}: internal error ${(err as Error).message}`);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.forget(conn));
  }

  private forget(conn: Conn): void {
    conn.phase = 'closed';
    if (conn.pacedTimer) clearTimeout(conn.pacedTimer);
    conn.pacedTimer = null;
    conn.mktData.clear();
    this.conns.delete(conn);
  }

  private closeConn(conn: Conn): void {
    this.forget(conn);
    if (!conn.socket.destroyed) conn.socket.destroySoon();
  }

  private onData(conn: Conn, data: Buffer): void {
    if (conn.phase === 'closed') return;
    conn.buf = conn.buf.length === 0 ? data : Buffer.concat([conn.buf, data]);
    if (conn.phase === 'greeting' && !conn.legacy && /^[0-9\0]/.test(conn.buf.toString('latin1', 0, 1))) {
      conn.legacy = true;
    }
    if (conn.legacy) {
      this.onLegacyData(conn);
      return;
    }
    if (conn.phase === 'greeting') {
      const hs = parseHandshake(conn.buf);
      if (hs.kind === 'need-more') return;
      if (hs.kind === 'invalid') {
        this.warn(`connection ${conn.id}: invalid handshake (${hs.reason}); closing`);
        this.closeConn(conn);
        return;
      }
      conn.buf = conn.buf.subarray(hs.consumed);
      conn.paceApi = /\+PACEAPI/i.test(hs.options);
      conn.sv = Math.min(hs.maxVersion, this.serverVersion);
      if (conn.sv < hs.minVersion || conn.sv < MIN_SERVER_VERSION) {
        this.warn(
          `connection ${conn.id}: client versions v${hs.minVersion}..${hs.maxVersion} do not overlap the simulator's`,
        );
      }
      conn.phase = 'framed';
      this.sendServerVersion(conn);
    }
    while (conn.phase === 'framed') {
      const fr = readFrame(conn.buf);
      if (fr.kind === 'need-more') break;
      if (fr.kind === 'invalid') {
        this.warn(`connection ${conn.id}: ${fr.reason}; closing`);
        this.closeConn(conn);
        return;
      }
      conn.buf = conn.buf.subarray(fr.consumed);
      this.onFrame(conn, fr.fields);
    }
  }

  private sendServerVersion(conn: Conn): void {
    const t = new Date().toISOString();
    this.send(conn, [conn.sv, `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)} ${t.slice(11, 19)} UTC`]);
  }

  /** Pre-V100 clients: unframed tokens, so only fixed-length requests can be delimited. */
  private onLegacyData(conn: Conn): void {
    const text = conn.buf.toString('utf8');
    const lastNul = text.lastIndexOf('\0');
    if (lastNul < 0) return;
    const tokens = text.slice(0, lastNul).split('\0');
    let used = 0;
    const take = (n: number): string[] | null => {
      if (tokens.length - used < n) return null;
      const out = tokens.slice(used, used + n);
      used += n;
      return out;
    };
    if (!conn.legacyHello) {
      const hello = take(2);
      if (!hello) return;
      conn.legacyHello = true;
      conn.sv = LEGACY_SERVER_VERSION;
      conn.phase = 'framed';
      this.sendServerVersion(conn);
    }
    for (;;) {
      const id = tokens[used];
      if (id === undefined) break;
      const len = LEGACY_LENGTHS[Number.parseInt(id, 10)];
      if (len === undefined) {
        this.warn(`connection ${conn.id}: legacy (pre-V100) message ${id} cannot be delimited; closing`);
        this.closeConn(conn);
        return;
      }
      const fields = take(len);
      if (!fields) break;
      this.onFrame(conn, fields);
      if (this.isClosed(conn)) return;
    }
    const consumed = tokens.slice(0, used).reduce((n, t) => n + Buffer.byteLength(t, 'utf8') + 1, 0);
    conn.buf = conn.buf.subarray(consumed);
  }

  private onFrame(conn: Conn, fields: string[]): void {
    const now = Date.now();
    const msgId = Number.parseInt(fields[0] ?? '', 10);
    this.stats.total++;
    if (Number.isFinite(msgId)) this.stats.byMsgId[msgId] = (this.stats.byMsgId[msgId] ?? 0) + 1;
    conn.seen.push(now);
    while (conn.seen.length > 0 && (conn.seen[0] ?? 0) <= now - 1000) conn.seen.shift();
    this.stats.peakPerSecond = Math.max(this.stats.peakPerSecond, conn.seen.length);

    if (conn.paced.length > 0) {
      conn.paced.push(fields);
      return;
    }
    this.pruneAccepted(conn, now);
    if (conn.accepted.length >= this.maxMsgsPerSec) {
      if (conn.paceApi) {
        conn.paced.push(fields);
        this.schedulePaced(conn);
        return;
      }
      this.stats.pacingViolations++;
      this.error(
        conn,
        -1,
        100,
        `Max rate of messages per second has been exceeded:max=${this.maxMsgsPerSec} rec=${conn.seen.length} (1)`,
      );
      return;
    }
    conn.accepted.push(now);
    this.dispatch(conn, fields, msgId);
  }

  private isClosed(conn: Conn): boolean {
    return conn.phase === 'closed';
  }

  private pruneAccepted(conn: Conn, now: number): void {
    while (conn.accepted.length > 0 && (conn.accepted[0] ?? 0) <= now - 1000) conn.accepted.shift();
  }

  private schedulePaced(conn: Conn): void {
    if (conn.pacedTimer || conn.phase === 'closed') return;
    const oldest = conn.accepted[0] ?? Date.now();
    const wait = Math.max(1, oldest + 1001 - Date.now());
    conn.pacedTimer = setTimeout(() => {
      conn.pacedTimer = null;
      if (conn.phase === 'closed') return;
      const now = Date.now();
      this.pruneAccepted(conn, now);
      while (conn.paced.length > 0 && conn.accepted.length < this.maxMsgsPerSec) {
        const fields = conn.paced.shift() ?? [];
        conn.accepted.push(now);
        this.dispatch(conn, fields, Number.parseInt(fields[0] ?? '', 10));
        if (this.isClosed(conn)) return;
      }
      if (conn.paced.length > 0) this.schedulePaced(conn);
    }, wait);
  }

  private dispatch(conn: Conn, fields: string[], msgId: number): void {
    const r = new FieldReader(fields);
    try {
      r.str();
      if (conn.clientId === null && msgId !== M.OUT.START_API) {
        this.warn(`connection ${conn.id}: message ${fields[0] ?? '?'} before START_API ignored`);
        return;
      }
      this.handle(conn, msgId, r);
    } catch (err) {
      if (err instanceof UnderrunError) {
        this.warn(`connection ${conn.id}: message ${msgId} could not be parsed (${err.message})`);
        const id = msgId === M.OUT.PLACE_ORDER ? Number.parseInt(fields[1] ?? '', 10) : -1;
        this.error(
          conn,
          Number.isFinite(id) ? id : -1,
          320,
          `Error reading request. Message id ${msgId}. Unable to parse data. ${err.message}`,
        );
      } else {
        this.warn(`connection ${conn.id}: internal error handling message ${msgId}: ${(err as Error).message}`);
      }
    }
  }

  private handle(conn: Conn, msgId: number, r: FieldReader): void {
    switch (msgId) {
      case M.OUT.START_API:
        return this.onStartApi(conn, r);
      case M.OUT.REQ_CURRENT_TIME:
        return this.send(conn, M.currentTime(Math.floor((Date.now() + this.clockSkewMs) / 1000)));
      case M.OUT.REQ_MANAGED_ACCTS:
        return this.send(conn, M.managedAccounts(this.managedAccountIds()));
      case M.OUT.REQ_IDS:
        return this.send(conn, M.nextValidId(this.engine.nextValidId(conn.clientId ?? 0)));
      case M.OUT.REQ_ACCOUNT_SUMMARY:
        return this.onReqAccountSummary(conn, r);
      case M.OUT.CANCEL_ACCOUNT_SUMMARY:
        r.str();
        conn.summaries.delete(r.int());
        return;
      case M.OUT.REQ_POSITIONS:
        conn.positions = true;
        for (const id of this.engine.accountIds()) {
          for (const p of this.engine.positionEntries(id))
            this.send(conn, M.position(id, this.contractOf(p.symbol), p.quantity, p.avgCost));
        }
        return this.send(conn, M.positionEnd());
      case M.OUT.CANCEL_POSITIONS:
        conn.positions = false;
        return;
      case M.OUT.REQ_POSITIONS_MULTI:
        return this.onReqPositionsMulti(conn, r);
      case M.OUT.REQ_PNL:
        return this.onReqPnl(conn, r);
      case M.OUT.CANCEL_PNL:
        conn.pnl.delete(r.int());
        return;
      case M.OUT.CANCEL_POSITIONS_MULTI:
        r.str();
        conn.positionsMulti.delete(r.int());
        return;
      case M.OUT.REQ_ACCOUNT_UPDATES_MULTI:
        return this.onReqAccountUpdatesMulti(conn, r);
      case M.OUT.CANCEL_ACCOUNT_UPDATES_MULTI:
        r.str();
        conn.accountUpdatesMulti.delete(r.int());
        return;
      case M.OUT.REQ_ACCOUNT_DATA:
        return this.onReqAccountData(conn, r);
      case M.OUT.REQ_CONTRACT_DATA:
        return this.onReqContractData(conn, r);
      case M.OUT.REQ_MARKET_DATA_TYPE: {
        r.str();
        const t = r.int(1);
        conn.marketDataType = t >= 1 && t <= 4 ? t : 1;
        return;
      }
      case M.OUT.REQ_MKT_DATA:
        return this.onReqMktData(conn, r);
      case M.OUT.CANCEL_MKT_DATA:
        r.str();
        conn.mktData.delete(r.int());
        return;
      case M.OUT.PLACE_ORDER:
        return this.onPlaceOrder(conn, r);
      case M.OUT.CANCEL_ORDER:
        return this.onCancelOrder(conn, r);
      case M.OUT.REQ_GLOBAL_CANCEL:
        for (const o of this.engine.globalCancel()) {
          const owner = this.connByClient(o.clientId);
          if (owner) this.sendCancelled(owner, o);
        }
        return;
      case M.OUT.REQ_OPEN_ORDERS:
        for (const o of this.engine.openOrders(conn.clientId ?? 0)) this.sendOrderSnapshot(conn, o);
        return this.send(conn, M.openOrderEnd());
      case M.OUT.REQ_ALL_OPEN_ORDERS:
        for (const o of this.engine.openOrders()) this.sendOrderSnapshot(conn, o);
        return this.send(conn, M.openOrderEnd());
      case M.OUT.REQ_AUTO_OPEN_ORDERS:
        r.str();
        conn.autoOpenOrders = r.bool() && conn.clientId === 0;
        return;
      case M.OUT.REQ_EXECUTIONS:
        return this.onReqExecutions(conn, r);
      case M.OUT.SET_SERVER_LOGLEVEL:
        return;
      default:
        this.warn(`connection ${conn.id}: unknown message id ${Number.isFinite(msgId) ? msgId : '?'} ignored`);
    }
  }

  private onStartApi(conn: Conn, r: FieldReader): void {
    if (conn.clientId !== null) {
      this.warn(`connection ${conn.id}: repeated START_API ignored`);
      return;
    }
    r.str();
    const clientId = r.int();
    if (this.connByClient(clientId)) {
      this.error(conn, -1, 326, 'Unable to connect as the client id is already in use. Retry with a unique client id.');
      this.closeConn(conn);
      return;
    }
    conn.clientId = clientId;
    this.send(conn, M.managedAccounts(this.managedAccountIds()));
    this.send(conn, M.nextValidId(this.engine.nextValidId(clientId)));
    if (this.farmNotices) this.sendFarmNotices(conn);
    if (this.engine.offline) this.error(conn, -1, 1100, CONNECTIVITY_LOST_TEXT);
  }

  /** What IB Gateway says right after a client connects: every data farm is OK (notices, not errors). */
  private sendFarmNotices(conn: Conn): void {
    this.error(conn, -1, 2104, 'Market data farm connection is OK:usfarm');
    this.error(conn, -1, 2106, 'HMDS data farm connection is OK:ushmds');
    this.error(conn, -1, 2158, 'Sec-def data farm connection is OK:secdefnj');
  }

  // ---- accounts

  private summaryRows(accountId: string, tags: string[]): Array<[tag: string, value: string, currency: string]> {
    const v = this.engine.values(accountId);
    const rows: Array<[string, string, string]> = [];
    const values: Record<string, [string, string]> = {
      AccountType: ['INDIVIDUAL', ''],
      NetLiquidation: [money(v.netLiquidation), 'USD'],
      TotalCashValue: [money(v.cash), 'USD'],
      SettledCash: [money(v.cash), 'USD'],
      AccruedCash: ['0.00', 'USD'],
      BuyingPower: [money(v.buyingPower), 'USD'],
      EquityWithLoanValue: [money(v.netLiquidation), 'USD'],
      PreviousEquityWithLoanValue: [money(v.netLiquidation), 'USD'],
      GrossPositionValue: [money(v.grossPositionValue), 'USD'],
      RegTEquity: [money(v.netLiquidation), 'USD'],
      RegTMargin: [money(v.initMargin), 'USD'],
      SMA: [money(Math.max(0, v.availableFunds)), 'USD'],
      InitMarginReq: [money(v.initMargin), 'USD'],
      MaintMarginReq: [money(v.maintMargin), 'USD'],
      AvailableFunds: [money(v.availableFunds), 'USD'],
      ExcessLiquidity: [money(v.excessLiquidity), 'USD'],
      Cushion: [v.netLiquidation > 0 ? (v.excessLiquidity / v.netLiquidation).toFixed(6) : '0', ''],
      FullInitMarginReq: [money(v.initMargin), 'USD'],
      FullMaintMarginReq: [money(v.maintMargin), 'USD'],
      FullAvailableFunds: [money(v.availableFunds), 'USD'],
      FullExcessLiquidity: [money(v.excessLiquidity), 'USD'],
      LookAheadInitMarginReq: [money(v.initMargin), 'USD'],
      LookAheadMaintMarginReq: [money(v.maintMargin), 'USD'],
      LookAheadAvailableFunds: [money(v.availableFunds), 'USD'],
      LookAheadExcessLiquidity: [money(v.excessLiquidity), 'USD'],
      HighestSeverity: ['0', ''],
      DayTradesRemaining: [String(this.dayTrades.get(accountId) ?? -1), ''],
      Leverage: [v.netLiquidation > 0 ? (v.grossPositionValue / v.netLiquidation).toFixed(4) : '0', ''],
    };
    for (const raw of tags) {
      const tag = raw.trim();
      if (tag.startsWith('$LEDGER')) {
        rows.push(
          ['CashBalance', money(v.cash), 'USD'],
          ['TotalCashBalance', money(v.cash), 'USD'],
          ['StockMarketValue', money(v.stockValue), 'USD'],
          ['NetLiquidationByCurrency', money(v.netLiquidation), 'USD'],
          ['UnrealizedPnL', money(v.unrealizedPnl), 'USD'],
          ['RealizedPnL', money(v.realizedPnl), 'USD'],
          ['ExchangeRate', '1.00', 'USD'],
        );
        continue;
      }
      const val = values[tag];
      if (val) rows.push([tag, val[0], val[1]]);
    }
    return rows;
  }

  private onReqAccountSummary(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    r.str(); // group
    const tagStr = r.str();
    if (conn.summaries.has(reqId)) {
      this.error(conn, reqId, 322, `Error processing request:-'bc' : cause - Duplicate ticker id`);
      return;
    }
    if (conn.summaries.size >= 2) {
      this.error(
        conn,
        reqId,
        322,
        `Error processing request:-'bc' : cause - Maximum number of account summary requests exceeded`,
      );
      return;
    }
    const tags = tagStr.split(',').filter((t) => t.trim() !== '');
    conn.summaries.set(reqId, { tags: tags.length > 0 ? tags : SUMMARY_TAGS });
    this.sendSummary(conn, reqId, this.engine.accountIds());
    this.send(conn, M.accountSummaryEnd(reqId));
  }

  /** reqPnL: the account's daily / unrealized / realized P&L now and again whenever the account changes. */
  private onReqPnl(conn: Conn, r: FieldReader): void {
    const reqId = r.int();
    const account = r.str();
    if (!this.engine.accountIds().includes(account)) {
      this.error(conn, reqId, 321, `Error validating request:-'bm' : cause - Invalid account: ${account}`);
      return;
    }
    conn.pnl.set(reqId, account);
    this.sendPnl(conn, reqId, account);
  }

  private sendPnl(conn: Conn, reqId: number, account: string): void {
    const v = this.engine.values(account);
    this.send(conn, M.pnl(reqId, v.dailyPnl, v.unrealizedPnl, v.realizedPnl));
  }

  private sendSummary(conn: Conn, reqId: number, accounts: string[]): void {
    const sub = conn.summaries.get(reqId);
    if (!sub) return;
    for (const id of accounts) {
      for (const [tag, value, cur] of this.summaryRows(id, sub.tags))
        this.send(conn, M.accountSummary(reqId, id, tag, value, cur));
    }
  }

  private accountValueRows(accountId: string): Array<[key: string, value: string, currency: string]> {
    const v = this.engine.values(accountId);
    return [
      ['AccountCode', accountId, ''],
      ['AccountType', 'INDIVIDUAL', ''],
      ['AccountReady', 'true', ''],
      ['Currency', 'USD', 'USD'],
      ['NetLiquidation', money(v.netLiquidation), 'USD'],
      ['TotalCashValue', money(v.cash), 'USD'],
      ['SettledCash', money(v.cash), 'USD'],
      ['CashBalance', money(v.cash), 'USD'],
      ['CashBalance', money(v.cash), 'BASE'],
      ['TotalCashBalance', money(v.cash), 'BASE'],
      ['StockMarketValue', money(v.stockValue), 'USD'],
      ['GrossPositionValue', money(v.grossPositionValue), 'USD'],
      ['EquityWithLoanValue', money(v.netLiquidation), 'USD'],
      ['InitMarginReq', money(v.initMargin), 'USD'],
      ['MaintMarginReq', money(v.maintMargin), 'USD'],
      ['AvailableFunds', money(v.availableFunds), 'USD'],
      ['ExcessLiquidity', money(v.excessLiquidity), 'USD'],
      ['BuyingPower', money(v.buyingPower), 'USD'],
      ['UnrealizedPnL', money(v.unrealizedPnl), 'USD'],
      ['RealizedPnL', money(v.realizedPnl), 'USD'],
    ];
  }

  private portfolioRow(accountId: string, symbol: string): Field[] | null {
    const s = this.engine.symbol(symbol);
    if (!s) return null;
    const p = this.engine.positionOf(accountId, symbol);
    const price = this.engine.mark(s);
    const mv = p.quantity * price;
    return M.portfolioValue(
      this.contractOf(s, ''),
      p.quantity,
      price,
      Math.round(mv * 100) / 100,
      p.avgCost,
      Math.round((mv - p.quantity * p.avgCost) * 100) / 100,
      p.realizedPnl,
      accountId,
    );
  }

  private onReqAccountData(conn: Conn, r: FieldReader): void {
    r.str();
    const subscribe = r.bool();
    const code = r.remaining > 0 ? r.str() : '';
    if (!subscribe) {
      conn.accountUpdates = null;
      return;
    }
    const accountId = code || this.engine.accountIds()[0] || '';
    if (!this.engine.hasAccount(accountId)) {
      this.error(conn, -1, 321, `Error validating request.-'bk' : cause - Invalid account code '${code}'`);
      return;
    }
    conn.accountUpdates = accountId;
    for (const [k, v, c] of this.accountValueRows(accountId)) this.send(conn, M.acctValue(k, v, c, accountId));
    for (const p of this.engine.positionEntries(accountId)) {
      const row = this.portfolioRow(accountId, p.symbol.symbol);
      if (row) this.send(conn, row);
    }
    this.send(conn, M.acctUpdateTime(easternHhmm(new Date())));
    this.send(conn, M.acctDownloadEnd(accountId));
  }

  private accountsFor(account: string): string[] {
    const all = this.engine.accountIds();
    if (!account || account.toUpperCase() === 'ALL') return all;
    return all.filter((a) => a === account);
  }

  private onReqPositionsMulti(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    const account = r.str();
    const modelCode = r.str();
    conn.positionsMulti.set(reqId, { account, modelCode });
    for (const id of this.accountsFor(account)) {
      for (const p of this.engine.positionEntries(id))
        this.send(conn, M.positionMulti(reqId, id, this.contractOf(p.symbol), p.quantity, p.avgCost, modelCode));
    }
    this.send(conn, M.positionMultiEnd(reqId));
  }

  private onReqAccountUpdatesMulti(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    const account = r.str();
    const modelCode = r.str();
    conn.accountUpdatesMulti.set(reqId, { account, modelCode });
    for (const id of this.accountsFor(account)) {
      for (const [k, v, c] of this.accountValueRows(id))
        this.send(conn, M.accountUpdateMulti(reqId, id, modelCode, k, v, c));
    }
    this.send(conn, M.accountUpdateMultiEnd(reqId));
  }

  // ---- contracts and market data

  private onReqContractData(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    const conId = r.int();
    const symbol = r.str();
    const secType = r.str().trim().toUpperCase();
    r.skip(12); // lastTradeDate … secId
    if (conn.sv >= 176 && r.remaining > 0) r.str(); // issuerId
    if (r.remaining > 0) this.warn(`reqContractDetails: ${r.remaining} unparsed trailing field(s)`);
    const s = secType === '' || secType === 'STK' ? this.engine.resolve(conId, symbol) : undefined;
    if (!s) {
      this.error(conn, reqId, 200, 'No security definition has been found for the request');
      return;
    }
    const hours = tradingSchedule(new Date(), this.engine.marketOpen);
    this.send(
      conn,
      M.contractData(conn.sv, reqId, {
        contract: this.contractOf(s),
        minTick: s.minTick,
        longName: `${s.symbol} ETF`,
        timeZoneId: 'US/Eastern',
        tradingHours: hours.tradingHours,
        liquidHours: hours.liquidHours,
      }),
    );
    this.send(conn, M.contractDataEnd(reqId));
  }

  private streamingLines(): number {
    let n = 0;
    for (const c of this.conns) n += c.mktData.size;
    return n;
  }

  private onReqMktData(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    const conId = r.int();
    const symbol = r.str();
    const secType = r.str().trim().toUpperCase();
    r.skip(9); // lastTradeDate … tradingClass
    if (secType === 'BAG') {
      const legs = r.int();
      r.skip(legs * 4);
    }
    if (r.bool()) r.skip(3);
    r.str(); // genericTicks
    const snapshot = r.bool();
    const regulatory = r.bool();
    r.str(); // mktDataOptions
    if (r.remaining > 0) this.warn(`reqMktData: ${r.remaining} unparsed trailing field(s)`);
    if (conn.mktData.has(reqId)) {
      this.error(conn, reqId, 322, `Error processing request:-'bc' : cause - Duplicate ticker id`);
      return;
    }
    const s = secType === '' || secType === 'STK' ? this.engine.resolve(conId, symbol) : undefined;
    if (!s) {
      this.error(conn, reqId, 200, 'No security definition has been found for the request');
      return;
    }
    this.marketDataBySymbol.set(s.symbol, (this.marketDataBySymbol.get(s.symbol) ?? 0) + 1);
    if (this.competingSession) {
      this.error(conn, reqId, 10197, COMPETING_SESSION_TEXT);
      return;
    }
    const wantsDelayed = conn.marketDataType === 3 || conn.marketDataType === 4;
    let delayed = false;
    const entitlement = this.marketDataBySymbolSetting[s.symbol] ?? this.entitlement;
    if (entitlement === 'none') {
      if (wantsDelayed)
        this.error(conn, reqId, 10168, 'Requested market data is not subscribed. Delayed market data is not enabled.');
      else this.error(conn, reqId, 354, 'Requested market data is not subscribed.');
      return;
    }
    if (entitlement === 'delayed-only') {
      if (!wantsDelayed) {
        this.error(conn, reqId, 354, 'Requested market data is not subscribed. Delayed market data is available.');
        return;
      }
      delayed = true;
    }
    const isSnapshot = snapshot || regulatory;
    if (!isSnapshot && this.streamingLines() >= this.maxMktDataLines) {
      this.error(conn, reqId, 101, `Max number of tickers has been reached`);
      return;
    }
    if (delayed)
      this.error(conn, reqId, 10167, 'Requested market data is not subscribed. Displaying delayed market data.');
    const type = delayed ? (conn.marketDataType === 4 ? 4 : 3) : conn.marketDataType === 2 ? 2 : 1;
    this.send(conn, M.marketDataType(reqId, type));
    this.sendTicks(conn, reqId, s, delayed, ['bid', 'ask', 'last', 'close']);
    if (isSnapshot) {
      this.send(conn, M.tickSnapshotEnd(reqId));
      return;
    }
    conn.mktData.set(reqId, { symbol: s.symbol, delayed });
  }

  private sendTicks(
    conn: Conn,
    reqId: number,
    s: SymbolState,
    delayed: boolean,
    fields: Array<'bid' | 'ask' | 'last' | 'close'>,
  ): void {
    const T = M.TICK;
    for (const f of fields) {
      switch (f) {
        case 'bid':
          this.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_BID : T.BID, s.bid, 100, 0));
          break;
        case 'ask':
          this.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_ASK : T.ASK, s.ask, 100, 0));
          break;
        case 'last':
          this.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_LAST : T.LAST, s.last, 100, 0));
          this.send(conn, M.tickSize(reqId, delayed ? T.DELAYED_VOLUME : T.VOLUME, Math.round(s.volume / 100)));
          this.send(
            conn,
            M.tickString(
              reqId,
              delayed ? T.DELAYED_LAST_TIMESTAMP : T.LAST_TIMESTAMP,
              String(Math.floor(Date.now() / 1000)),
            ),
          );
          break;
        case 'close':
          this.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_CLOSE : T.CLOSE, s.close, 0, 0));
          break;
      }
    }
  }

  private pushQuote(symbol: string, changed: Array<'bid' | 'ask' | 'last' | 'close'>): void {
    for (const c of this.started()) {
      for (const [reqId, sub] of c.mktData) {
        if (sub.symbol !== symbol) continue;
        const s = this.engine.symbol(symbol);
        if (s) this.sendTicks(c, reqId, s, sub.delayed, changed);
      }
    }
  }

  // ---- orders

  private onPlaceOrder(conn: Conn, r: FieldReader): void {
    const p = parsePlaceOrder(r, conn.sv);
    if (p.leftover > 0) this.warn(`placeOrder ${p.orderId}: ${p.leftover} unparsed trailing field(s)`);
    const clientId = conn.clientId ?? 0;
    const res = this.engine.placeOrder(clientId, p);
    switch (res.kind) {
      case 'error':
        this.error(conn, p.orderId, res.code, res.message);
        if (res.cancelStatus && res.order) this.sendOrderStatus(conn, res.order, 'Cancelled');
        return;
      case 'whatif':
        this.sendOpenOrder(conn, res.order, 'PreSubmitted', res.whatIf);
        return;
      case 'accepted': {
        const o = res.order;
        this.sendOrderWarning(conn, o);
        if (!res.modified && o.status === 'Submitted') this.sendOpenOrder(conn, o, 'PreSubmitted');
        this.sendOpenOrder(conn, o, o.status);
        this.sendOrderStatus(conn, o);
        if (!res.modified) this.emit({ type: 'order-received', order: orderView(o) });
        return;
      }
    }
  }

  /** With `orderWarning`: IB's 399 for an accepted order, sent before its openOrder (the order still works). */
  private sendOrderWarning(conn: Conn, o: OrderRecord): void {
    const w = this.orderWarning;
    if (!w || (w.symbols && !w.symbols.map((x) => x.toUpperCase()).includes(o.symbol))) return;
    const text =
      w.message ??
      `Order Message:\n${o.action} ${o.totalQuantity} ${o.symbol} SMART\nWarning: your order will not be placed at the exchange until ${new Date().toISOString().slice(0, 10)} 09:30:00 US/Eastern`;
    this.error(conn, o.orderId, 399, text);
  }

  private sendCancelled(conn: Conn, o: OrderRecord): void {
    this.sendOrderStatus(conn, o, 'Cancelled');
    this.error(conn, o.orderId, 202, 'Order Canceled - reason:');
  }

  private onCancelOrder(conn: Conn, r: FieldReader): void {
    if (conn.sv < 192) r.str();
    const orderId = r.int();
    const res = this.engine.cancelOrder(conn.clientId ?? 0, orderId);
    if (res.kind === 'unknown') {
      this.error(conn, orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`);
    } else if (res.kind === 'not-cancellable') {
      this.error(
        conn,
        orderId,
        10148,
        `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${res.order.status}.`,
      );
    } else {
      this.sendCancelled(conn, res.order);
    }
  }

  private sendOrderSnapshot(conn: Conn, o: OrderRecord): void {
    this.sendOpenOrder(conn, o, o.status);
    this.sendOrderStatus(conn, o);
  }

  private pushOrderState(o: OrderRecord): void {
    const owner = this.connByClient(o.clientId);
    if (owner) this.sendOrderSnapshot(owner, o);
  }

  private execInfo(reqId: number, f: FillRecord): M.ExecutionInfo {
    const s = this.engine.symbol(f.symbol);
    return {
      reqId,
      orderId: f.orderId,
      contract: s
        ? this.contractOf(s, f.exchange)
        : { conId: f.conId, symbol: f.symbol, exchange: f.exchange, primaryExch: f.exchange, currency: f.currency },
      execId: f.execId,
      time: easternTimestamp(new Date(f.time)),
      account: f.accountId,
      exchange: f.exchange,
      side: f.side,
      shares: f.shares,
      price: f.price,
      permId: f.permId,
      clientId: f.clientId,
      cumQty: f.cumQty,
      avgPrice: f.avgPrice,
      orderRef: f.orderRef,
    };
  }

  private pushFill(o: OrderRecord, f: FillRecord): void {
    const owner = this.connByClient(o.clientId);
    if (owner) {
      this.send(owner, M.executionData(owner.sv, this.execInfo(-1, f)));
      this.sendOrderStatus(owner, o);
      if (o.status === 'Filled') this.sendOpenOrder(owner, o, 'Filled');
      this.later(5, () => {
        if (owner.phase === 'framed')
          this.send(owner, M.commissionReport(f.execId, f.commission, 'USD', f.realizedPnl));
      });
    }
    if (o.remaining > 0) this.emit({ type: 'partial-fill', order: orderView(o), fill: fillView(f) });
    const drop = this.dropAfterFill;
    if (drop && (drop.side === undefined || drop.side === o.action)) {
      this.dropAfterFill = null;
      this.later(0, () => this.dropConnections());
    }
    const offline = this.offlineAfterFill;
    if (offline && offline.side === o.action) {
      this.offlineAfterFill = null;
      this.loseConnectivity();
    }
  }

  private onReqExecutions(conn: Conn, r: FieldReader): void {
    r.str();
    const reqId = r.int();
    const clientId = r.int();
    const acct = r.str();
    const time = r.str();
    const symbol = r.str().trim().toUpperCase();
    const secType = r.str().trim().toUpperCase();
    r.str(); // exchange
    const side = r.str().trim().toUpperCase();
    const timeKey = time.replace(/\D/g, '').slice(0, 14);
    for (const f of this.engine.fillRecords()) {
      if (clientId > 0 && f.clientId !== clientId) continue;
      if (acct && f.accountId !== acct) continue;
      if (symbol && f.symbol !== symbol) continue;
      if (secType && secType !== 'STK') continue;
      if (side && !(side === 'BUY' || side === 'BOT' ? f.side === 'BOT' : f.side === 'SLD')) continue;
      if (timeKey.length >= 8 && easternSortKey(new Date(f.time)) < timeKey.padEnd(14, '0')) continue;
      this.send(conn, M.executionData(conn.sv, this.execInfo(reqId, f)));
      this.send(conn, M.commissionReport(f.execId, f.commission, 'USD', f.realizedPnl));
    }
    this.send(conn, M.executionDataEnd(reqId));
  }

  // ---- live account pushes

  private pushAccount(accountId: string, symbols: string[]): void {
    for (const c of this.started()) {
      if (c.positions) {
        for (const sym of symbols) {
          const s = this.engine.symbol(sym);
          const p = this.engine.positionOf(accountId, sym);
          if (s) this.send(c, M.position(accountId, this.contractOf(s), p.quantity, p.avgCost));
        }
      }
      for (const [reqId, sub] of c.positionsMulti) {
        if (!this.accountsFor(sub.account).includes(accountId)) continue;
        for (const sym of symbols) {
          const s = this.engine.symbol(sym);
          const p = this.engine.positionOf(accountId, sym);
          if (s)
            this.send(c, M.positionMulti(reqId, accountId, this.contractOf(s), p.quantity, p.avgCost, sub.modelCode));
        }
      }
      if (this.summaryPushes) for (const reqId of c.summaries.keys()) this.sendSummary(c, reqId, [accountId]);
      for (const [reqId, account] of c.pnl) if (account === accountId) this.sendPnl(c, reqId, accountId);
      if (c.accountUpdates === accountId) {
        for (const [k, v, cur] of this.accountValueRows(accountId)) this.send(c, M.acctValue(k, v, cur, accountId));
        for (const sym of symbols) {
          const row = this.portfolioRow(accountId, sym);
          if (row) this.send(c, row);
        }
        this.send(c, M.acctUpdateTime(easternHhmm(new Date())));
      }
      for (const [reqId, sub] of c.accountUpdatesMulti) {
        if (!this.accountsFor(sub.account).includes(accountId)) continue;
        for (const [k, v, cur] of this.accountValueRows(accountId))
          this.send(c, M.accountUpdateMulti(reqId, accountId, sub.modelCode, k, v, cur));
      }
    }
  }

  // ---- SimGateway control API

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.engine.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of [...this.conns]) {
      this.forget(c);
      c.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  accounts(): string[] {
    return this.engine.accountIds();
  }

  cash(accountId: string): number {
    return this.engine.cash(accountId);
  }

  money(accountId: string): SimMoney {
    const v = this.engine.values(accountId);
    return {
      netLiquidation: v.netLiquidation,
      cash: v.cash,
      dailyPnl: v.dailyPnl,
      unrealizedPnl: v.unrealizedPnl,
      realizedPnl: v.realizedPnl,
    };
  }

  positions(accountId: string): SimPosition[] {
    return this.engine.positions(accountId);
  }

  orders(filter?: { accountId?: string; clientId?: number }): SimOrderView[] {
    return this.engine.orders(filter);
  }

  fills(filter?: { accountId?: string }): SimFill[] {
    return this.engine.fills(filter);
  }

  messageStats(): { total: number; byMsgId: Record<number, number>; peakPerSecond: number; pacingViolations: number } {
    return { ...this.stats, byMsgId: { ...this.stats.byMsgId } };
  }

  marketDataRequests(): Record<string, number> {
    return Object.fromEntries(this.marketDataBySymbol);
  }

  connectedClients(): number[] {
    return this.started()
      .map((c) => c.clientId ?? 0)
      .sort((a, b) => a - b);
  }

  warnings(): string[] {
    return [...this.warningList];
  }

  setQuote(symbol: string, quote: Partial<Pick<SimSymbol, 'bid' | 'ask' | 'last' | 'close'>>): void {
    this.engine.setQuote(symbol, quote);
  }

  addSymbol(symbol: SimSymbol): void {
    this.engine.addSymbol(symbol);
  }

  setCash(accountId: string, cash: number): void {
    this.engine.setCash(accountId, cash);
  }

  setPosition(accountId: string, position: SimPosition): void {
    this.engine.setPosition(accountId, position);
  }

  addForeignOrder(order: ForeignOrder): number {
    return this.engine.addForeignOrder(order);
  }

  configure(options: SimRuntimeOptions): void {
    if (options.entitlement !== undefined) this.entitlement = options.entitlement;
    if (options.marketDataBySymbol !== undefined) this.setMarketDataBySymbol(options.marketDataBySymbol);
    if (options.clockSkewMs !== undefined) this.clockSkewMs = options.clockSkewMs;
    if (options.orderWarning !== undefined) this.orderWarning = options.orderWarning;
    if (options.farmNotices !== undefined) this.farmNotices = options.farmNotices;
    this.engine.configure(options);
  }

  private setMarketDataBySymbol(bySymbol: Record<string, SimMarketData>): void {
    this.marketDataBySymbolSetting = Object.fromEntries(
      Object.entries(bySymbol).map(([symbol, data]) => [symbol.trim().toUpperCase(), data]),
    );
  }

  rejectNextOrder(options?: { symbol?: string; code?: number; message?: string }): void {
    this.engine.rejectNextOrder(options);
  }

  holdFills(hold: boolean): void {
    this.engine.holdFills(hold);
  }

  setMarketOpen(open: boolean): void {
    this.engine.setMarketOpen(open);
  }

  runClose(): void {
    this.engine.runClose();
  }

  dropConnections(): void {
    for (const c of [...this.conns]) this.closeConn(c);
  }

  refuseConnections(ms: number): void {
    this.refuseUntil = Date.now() + Math.max(0, ms);
  }

  dropAfterNextFill(side?: 'BUY' | 'SELL'): void {
    this.dropAfterFill = { side };
  }

  simulateRestart(options: { rollBackOrderIdsTo?: number } = {}): void {
    this.engine.restartOrderIds(options.rollBackOrderIdsTo);
    this.dropConnections();
  }

  // ---- gateway lifecycle (PRODUCT.md §21)

  emitConnectivity(code: ConnectivityCode): void {
    for (const c of this.started()) this.error(c, -1, code, CONNECTIVITY_TEXT[code]);
  }

  setCompetingSession(on: boolean): void {
    this.competingSession = on;
    if (on) for (const c of this.started()) this.error(c, -1, 10197, COMPETING_SESSION_TEXT);
  }

  setLoggedIn(loggedIn: boolean): void {
    this.loggedIn = loggedIn;
    for (const c of this.started()) this.send(c, M.managedAccounts(this.managedAccountIds()));
  }

  setDayTradesRemaining(accountId: string, remaining: number): void {
    this.dayTrades.set(accountId, remaining);
    // IB re-sends a changed summary value to its subscriptions (within its three minutes; here at once).
    if (!this.summaryPushes) return;
    for (const c of this.started()) for (const reqId of c.summaries.keys()) this.sendSummary(c, reqId, [accountId]);
  }

  /** The accounts announced in MANAGED_ACCTS: none while nobody is logged in. */
  private managedAccountIds(): string[] {
    return this.loggedIn ? this.engine.accountIds() : [];
  }

  // ---- IB's real behaviour (PRODUCT.md §17)

  loseConnectivity(options: { afterNextFill?: 'BUY' | 'SELL' } = {}): void {
    if (options.afterNextFill) {
      this.offlineAfterFill = { side: options.afterNextFill };
      return;
    }
    if (this.engine.offline) return;
    this.engine.setOffline(true);
    for (const c of this.started()) this.error(c, -1, 1100, CONNECTIVITY_LOST_TEXT);
  }

  restoreConnectivity(): void {
    this.offlineAfterFill = null;
    if (!this.engine.offline) return;
    for (const c of this.started()) {
      this.error(
        c,
        -1,
        1102,
        'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefnj.',
      );
    }
    this.engine.setOffline(false);
  }

  connectivityLost(): boolean {
    return this.engine.offline;
  }

  pendingFills(): number {
    return this.engine.pendingFills();
  }

  fillForeignOrder(orderId: number, clientId: number): void {
    this.engine.fillForeignOrder(clientId, orderId);
  }

  onEvent(listener: (event: SimGatewayEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /** Current state, e.g. to save it as a state file. */
  snapshot(): { accounts: SimAccount[]; symbols: SimSymbol[] } {
    return {
      accounts: this.engine.accountIds().map((id) => ({
        accountId: id,
        kind: this.engine.values(id).kind,
        cash: this.engine.cash(id),
        positions: this.engine.positions(id),
      })),
      symbols: this.engine.symbolList().map((s) => ({
        symbol: s.symbol,
        conId: s.conId,
        primaryExchange: s.primaryExchange,
        currency: s.currency,
        bid: s.bid,
        ask: s.ask,
        last: s.last,
        close: s.close,
        minTick: s.minTick,
      })),
    };
  }
}
