import type { GatewayContext } from './context';
import { pushSummaries } from './handlers/account';
import {
  emitConnectivity,
  loseConnectivity,
  restoreConnectivity,
  setCompetingSession,
  setLoggedIn,
} from './handlers/session';
import type { GatewayServer } from './server';
import type {
  ConnectivityCode,
  ForeignOrder,
  SimAccount,
  SimFill,
  SimGateway,
  SimGatewayEvent,
  SimMoney,
  SimOrderView,
  SimPosition,
  SimRuntimeOptions,
  SimSymbol,
} from './types';

/**
 * The simulated gateway's control surface (the {@link SimGateway} API tests, demo and bench drive it through): state
 * inspection and control, gateway lifecycle and IB's real behaviour. Each method reads or sets the shared context,
 * or asks the engine, the server core or a handler family's push.
 */
export class SimGatewayControls implements SimGateway {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly server: GatewayServer,
  ) {}

  get host(): string {
    return this.server.host;
  }

  get port(): number {
    return this.server.port;
  }

  /** Starts listening; resolves once the port is bound. */
  listen(): Promise<void> {
    return this.server.listen();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  // ---- state inspection

  accounts(): string[] {
    return this.ctx.engine.accountIds();
  }

  cash(accountId: string): number {
    return this.ctx.engine.cash(accountId);
  }

  money(accountId: string): SimMoney {
    const v = this.ctx.engine.values(accountId);
    return {
      netLiquidation: v.netLiquidation,
      cash: v.cash,
      dailyPnl: v.dailyPnl,
      unrealizedPnl: v.unrealizedPnl,
      realizedPnl: v.realizedPnl,
    };
  }

  positions(accountId: string): SimPosition[] {
    return this.ctx.engine.positions(accountId);
  }

  orders(filter?: { accountId?: string; clientId?: number }): SimOrderView[] {
    return this.ctx.engine.orders(filter);
  }

  fills(filter?: { accountId?: string }): SimFill[] {
    return this.ctx.engine.fills(filter);
  }

  messageStats(): { total: number; byMsgId: Record<number, number>; peakPerSecond: number; pacingViolations: number } {
    return { ...this.ctx.stats, byMsgId: { ...this.ctx.stats.byMsgId } };
  }

  marketDataRequests(): Record<string, number> {
    return Object.fromEntries(this.ctx.marketDataRequests);
  }

  connectedClients(): number[] {
    return this.ctx
      .started()
      .map((c) => c.clientId ?? 0)
      .sort((a, b) => a - b);
  }

  warnings(): string[] {
    return [...this.ctx.warningList];
  }

  /** Current state, e.g. to save it as a state file. */
  snapshot(): { accounts: SimAccount[]; symbols: SimSymbol[] } {
    const { engine } = this.ctx;
    return {
      accounts: engine.accountIds().map((id) => ({
        accountId: id,
        kind: engine.values(id).kind,
        cash: engine.cash(id),
        positions: engine.positions(id),
      })),
      symbols: engine.symbolList().map((s) => ({
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

  // ---- state control

  setQuote(symbol: string, quote: Partial<Pick<SimSymbol, 'bid' | 'ask' | 'last' | 'close'>>): void {
    this.ctx.engine.setQuote(symbol, quote);
  }

  addSymbol(symbol: SimSymbol): void {
    this.ctx.engine.addSymbol(symbol);
  }

  setCash(accountId: string, cash: number): void {
    this.ctx.engine.setCash(accountId, cash);
  }

  setPosition(accountId: string, position: SimPosition): void {
    this.ctx.engine.setPosition(accountId, position);
  }

  addForeignOrder(order: ForeignOrder): number {
    return this.ctx.engine.addForeignOrder(order);
  }

  configure(options: SimRuntimeOptions): void {
    const { ctx } = this;
    if (options.entitlement !== undefined) ctx.entitlement = options.entitlement;
    if (options.marketDataBySymbol !== undefined) ctx.setMarketDataBySymbol(options.marketDataBySymbol);
    if (options.clockSkewMs !== undefined) ctx.clockSkewMs = options.clockSkewMs;
    if (options.orderWarning !== undefined) ctx.orderWarning = options.orderWarning;
    if (options.farmNotices !== undefined) ctx.farmNotices = options.farmNotices;
    ctx.engine.configure(options);
  }

  rejectNextOrder(options?: { symbol?: string; code?: number; message?: string }): void {
    this.ctx.engine.rejectNextOrder(options);
  }

  holdFills(hold: boolean): void {
    this.ctx.engine.holdFills(hold);
  }

  setMarketOpen(open: boolean): void {
    this.ctx.engine.setMarketOpen(open);
  }

  runClose(): void {
    this.ctx.engine.runClose();
  }

  dropConnections(): void {
    this.ctx.dropConnections();
  }

  refuseConnections(ms: number): void {
    this.server.refuseConnections(ms);
  }

  dropAfterNextFill(side?: 'BUY' | 'SELL'): void {
    this.ctx.dropAfterFill = { side };
  }

  simulateRestart(options: { rollBackOrderIdsTo?: number } = {}): void {
    this.ctx.engine.restartOrderIds(options.rollBackOrderIdsTo);
    this.ctx.dropConnections();
  }

  // ---- gateway lifecycle (PRODUCT.md §21)

  emitConnectivity(code: ConnectivityCode): void {
    emitConnectivity(this.ctx, code);
  }

  setCompetingSession(on: boolean): void {
    setCompetingSession(this.ctx, on);
  }

  setLoggedIn(loggedIn: boolean): void {
    setLoggedIn(this.ctx, loggedIn);
  }

  setDayTradesRemaining(accountId: string, remaining: number): void {
    this.ctx.dayTrades.set(accountId, remaining);
    // IB re-sends a changed summary value to its subscriptions (within its three minutes; here at once).
    pushSummaries(this.ctx, accountId);
  }

  // ---- IB's real behaviour (PRODUCT.md §17)

  loseConnectivity(options: { afterNextFill?: 'BUY' | 'SELL' } = {}): void {
    loseConnectivity(this.ctx, options);
  }

  restoreConnectivity(): void {
    restoreConnectivity(this.ctx);
  }

  connectivityLost(): boolean {
    return this.ctx.engine.offline;
  }

  pendingFills(): number {
    return this.ctx.engine.pendingFills();
  }

  fillForeignOrder(orderId: number, clientId: number): void {
    this.ctx.engine.fillForeignOrder(clientId, orderId);
  }

  onEvent(listener: (event: SimGatewayEvent) => void): () => void {
    this.ctx.eventListeners.add(listener);
    return () => {
      this.ctx.eventListeners.delete(listener);
    };
  }
}
