/**
 * The control API of the simulated IB Gateway (src/sim/gateway). Tests, the demo and the benchmarks drive the
 * simulator only through this interface; the gateway itself speaks the real TWS socket protocol on its port.
 */

export interface SimSymbol {
  symbol: string;
  conId: number;
  primaryExchange: string;
  currency?: string;
  /** Quote the simulator starts with. */
  bid: number;
  ask: number;
  last: number;
  close: number;
  /** Minimum tick, default 0.01. */
  minTick?: number;
}

export interface SimPosition {
  symbol: string;
  quantity: number;
  avgCost: number;
}

export interface SimAccount {
  accountId: string;
  /** Margin accounts may borrow (buying power 2× cash); cash accounts may not. Default 'margin'. */
  kind?: 'margin' | 'cash';
  cash: number;
  positions?: SimPosition[];
  /** `DayTradesRemaining` in the account summary (PDT, §21); default −1 (unlimited). */
  dayTradesRemaining?: number;
}

export interface SimOrderView {
  orderId: number;
  clientId: number;
  permId: number;
  accountId: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | null;
  tif: string;
  outsideRth: boolean;
  orderRef: string;
  transmit: boolean;
  whatIf: boolean;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  /** ms since epoch. */
  placedAt: number;
}

export interface SimFill {
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  accountId: string;
  symbol: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  orderRef: string;
  commission: number;
  time: number;
}

/** An open order owned by another client id (e.g. a TWS manual order, clientId 0), resting in the book. */
export interface ForeignOrder {
  clientId: number;
  accountId: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType?: 'LMT' | 'MKT';
  lmtPrice?: number;
}

export interface SimGatewayOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 or undefined: a free port. */
  port?: number;
  accounts?: SimAccount[];
  symbols?: SimSymbol[];
  /** Server version announced (max 193, the default). */
  serverVersion?: number;
  /** Default 50; more messages in a sliding second → error 100 and the message is dropped. */
  maxMsgsPerSec?: number;
  /** Default 100 streaming market-data lines → error 101. */
  maxMktDataLines?: number;
  /** 'live' (default) answers market-data type 1; 'delayed-only' answers 354 for type 1 and serves type 3. */
  entitlement?: 'live' | 'delayed-only';
  /**
   * Default true: an account change re-sends the account summary to its subscribers at once. false acts as IB does,
   * which re-sends it only every three minutes (here: never); a subscriber sees new values by subscribing again.
   */
  summaryPushes?: boolean;
  /** Delay before an order fills, ms (default 0 = at once). */
  fillDelayMs?: number;
  /** When set, a marketable order fills in this many parts. Default 1. */
  partialFills?: number;
  /** Delay before MOC/LOC fill at `last`; null = only on runClose(). Default 0. */
  mocFillDelayMs?: number | null;
  /** Market open (liquid hours include now). Default true. */
  marketOpen?: boolean;
  /** Commission per share, default 0.005, min 1.0 per order. */
  commissionPerShare?: number;
  /** False: the gateway is up but nobody is logged in (no managed accounts). Default true. */
  loggedIn?: boolean;
  /** Optional log sink for protocol warnings (leftover fields, unknown messages). */
  onWarning?: (message: string) => void;

  // ---- IB's real behaviour (PRODUCT.md §17), each off by default so other tests stay fast
  /**
   * An accepted order rests `PreSubmitted` (openOrder and orderStatus) this long before it turns `Submitted` and can
   * fill, as IB does while it routes the order. Default 0: straight to Submitted.
   */
  preSubmittedMs?: number;
  /** With `partialFills` > 1: the time between two parts of one order's fill (default max(fillDelayMs, 5)). */
  fillIntervalMs?: number;
  /**
   * Every accepted order (or only those of `symbols`) first gets IB warning 399 ("Order Message: … Warning: …") for
   * its id, and then fills as usual. Default null: no warning.
   */
  orderWarning?: { symbols?: string[]; message?: string } | null;
  /** The farm notices 2104 / 2106 / 2158 after START_API, as IB Gateway sends them. Default true. */
  farmNotices?: boolean;

  // ---- set-up mistakes (PRODUCT.md §29 Check setup), each off by default
  /** Configure › Settings › API › Settings › Read-Only API ticked: every placeOrder (what-if too) gets 321. */
  readOnlyApi?: boolean;
  /**
   * Precautionary Settings' Total Value Limit, USD: an order (what-if too) worth more at the ask / bid gets 451, as
   * IB Gateway does unless *Bypass Order Precautions for API Orders* is ticked. null (default): no limit.
   */
  totalValueLimit?: number | null;
  /**
   * Market-data subscriptions per symbol: 'live', 'delayed-only' (354 for live, delayed served) or 'none' (354 for
   * live, 10168 for delayed). A symbol not listed follows `entitlement`.
   */
  marketDataBySymbol?: Record<string, SimMarketData>;
  /** Added to the gateway's clock in its reqCurrentTime answers, ms (a workstation whose clock is off). Default 0. */
  clockSkewMs?: number;
}

/** What market data a symbol's subscriptions give (see `SimGatewayOptions.marketDataBySymbol`). */
export type SimMarketData = 'live' | 'delayed-only' | 'none';

/** Options of {@link SimGateway.configure}. */
export type SimRuntimeOptions = Partial<
  Pick<
    SimGatewayOptions,
    | 'fillDelayMs'
    | 'partialFills'
    | 'mocFillDelayMs'
    | 'entitlement'
    | 'preSubmittedMs'
    | 'fillIntervalMs'
    | 'orderWarning'
    | 'farmNotices'
    | 'readOnlyApi'
    | 'totalValueLimit'
    | 'marketDataBySymbol'
    | 'clockSkewMs'
  >
>;

export interface SimGateway {
  readonly host: string;
  readonly port: number;
  /** Stop listening and close every connection. */
  stop(): Promise<void>;

  // ---- state inspection
  accounts(): string[];
  cash(accountId: string): number;
  /** Net liquidation, cash and P&L as the account summary and reqPnL report them now. */
  money(accountId: string): SimMoney;
  positions(accountId: string): SimPosition[];
  /** Every order ever placed (what-if included), in placement order. */
  orders(filter?: { accountId?: string; clientId?: number }): SimOrderView[];
  fills(filter?: { accountId?: string }): SimFill[];
  /** Messages received from clients so far, and the peak seen in any sliding 1-second window. */
  messageStats(): { total: number; byMsgId: Record<number, number>; peakPerSecond: number; pacingViolations: number };
  /** reqMktData requests (streaming lines and snapshots) received so far, per symbol. */
  marketDataRequests(): Record<string, number>;
  /** Currently connected client ids. */
  connectedClients(): number[];
  /** Protocol warnings (e.g. leftover or missing fields) seen so far. */
  warnings(): string[];

  // ---- state control
  setQuote(symbol: string, quote: Partial<Pick<SimSymbol, 'bid' | 'ask' | 'last' | 'close'>>): void;
  addSymbol(symbol: SimSymbol): void;
  setCash(accountId: string, cash: number): void;
  setPosition(accountId: string, position: SimPosition): void;
  /** Adds an open order owned by another client id (e.g. TWS manual order, clientId 0) that rests. */
  addForeignOrder(order: ForeignOrder): number;
  /** Change fill behaviour at run time. */
  configure(options: SimRuntimeOptions): void;
  /** Next order (placed or what-if) for this symbol or any symbol gets this rejection (201 by default). */
  rejectNextOrder(options?: { symbol?: string; code?: number; message?: string }): void;
  /** Orders stop filling (rest as Submitted) until resumed; used for fill timeouts. */
  holdFills(hold: boolean): void;
  setMarketOpen(open: boolean): void;
  /** Fill resting MOC/LOC orders at `last`. */
  runClose(): void;
  /** Close every client socket now (the gateway keeps listening). */
  dropConnections(): void;
  /** Refuse (close at once) new connections for this long. */
  refuseConnections(ms: number): void;
  /** Drop all connections right after the next fill of this side ('SELL' → after the sells). */
  dropAfterNextFill(side?: 'BUY' | 'SELL'): void;
  /**
   * IB Gateway's daily restart: drops every client connection. With `rollBackOrderIdsTo`, the nextValidId answers
   * from then on start from that id regardless of the ids already used (as a restarted gateway may answer), while an
   * order with an id already used is still refused with 103 "Duplicate order id".
   */
  simulateRestart(options?: { rollBackOrderIdsTo?: number }): void;

  // ---- gateway lifecycle (PRODUCT.md §21)
  /** Sends a connection-level notice to every client: 1100 lost, 1101 / 1102 restored, 2110 server link broken. */
  emitConnectivity(code: ConnectivityCode): void;
  /** While on, market-data requests are answered with 10197 (a competing live session); 10197 is also sent at once. */
  setCompetingSession(on: boolean): void;
  /** False: up but not logged in (managed accounts empty, at connect and when asked); sent to every client now. */
  setLoggedIn(loggedIn: boolean): void;
  /** `DayTradesRemaining` reported for the account from now on (−1 = unlimited). */
  setDayTradesRemaining(accountId: string, remaining: number): void;
  // ---- IB's real behaviour (PRODUCT.md §17)
  /**
   * IB Gateway loses its own connection to IB (error 1100 to every client, sockets kept): orders are still accepted
   * but nothing fills until {@link restoreConnectivity}. With `afterNextFill` it happens right after the next fill of
   * that side ('SELL' → mid-rebalance, between the sells and the buys) instead of now.
   */
  loseConnectivity(options?: { afterNextFill?: 'BUY' | 'SELL' }): void;
  /** Connectivity back (1102 "data maintained" to every client); held orders fill. */
  restoreConnectivity(): void;
  /** True between 1100 and 1102. */
  connectivityLost(): boolean;
  /**
   * Executions already due but not yet made (fill timers running, PreSubmitted orders about to submit). With
   * `connectedClients()` it tells when everything a killed client sent has been executed.
   */
  pendingFills(): number;
  /** Fills the rest of another client's resting order at the current quote (the other client's order executes). */
  fillForeignOrder(orderId: number, clientId: number): void;

  // ---- the simulator's own events (PRODUCT.md §17)
  /**
   * Calls `listener` synchronously on each {@link SimGatewayEvent}; answers the function that unsubscribes it. A
   * listener that throws is logged as a warning and does not disturb the gateway.
   */
  onEvent(listener: (event: SimGatewayEvent) => void): () => void;
}

/**
 * What the gateway reports of its own work as it happens (PRODUCT.md §17: the torture places kills on them).
 * - `order-received`: a client's real order (not a what-if, not a modification) was accepted, right after the
 *   gateway answered it;
 * - `partial-fill`: part of an order filled (some remains), right after the execution was sent to its client.
 */
export type SimGatewayEvent =
  { type: 'order-received'; order: SimOrderView } | { type: 'partial-fill'; order: SimOrderView; fill: SimFill };

/** What the simulated gateway reports of an account's money (USD, to the cent). */
export interface SimMoney {
  netLiquidation: number;
  cash: number;
  dailyPnl: number;
  unrealizedPnl: number;
  realizedPnl: number;
}

/** The connection-level IB notices `emitConnectivity` can send. */
export type ConnectivityCode = 1100 | 1101 | 1102 | 2110;
