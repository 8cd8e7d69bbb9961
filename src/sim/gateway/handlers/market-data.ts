import type { Conn, GatewayContext, Handler, HandlerTable } from '../context';
import type { SymbolState } from '../engine';
import * as M from '../messages';
import { readRequestHead, requestedStock } from './contracts';
import { COMPETING_SESSION_TEXT } from './session';

type Quote = 'bid' | 'ask' | 'last' | 'close';

function streamingLines(ctx: GatewayContext): number {
  let n = 0;
  for (const c of ctx.conns) n += c.mktData.size;
  return n;
}

const onReqMktData: Handler = (ctx, conn, r) => {
  const head = readRequestHead(r);
  const { reqId, secType } = head;
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
  if (r.remaining > 0) ctx.warn(`reqMktData: ${r.remaining} unparsed trailing field(s)`);
  if (conn.mktData.has(reqId)) {
    ctx.error(conn, reqId, 322, `Error processing request:-'bc' : cause - Duplicate ticker id`);
    return;
  }
  const s = requestedStock(ctx, conn, reqId, head);
  if (!s) return;
  ctx.marketDataRequests.set(s.symbol, (ctx.marketDataRequests.get(s.symbol) ?? 0) + 1);
  if (ctx.competingSession) {
    ctx.error(conn, reqId, 10197, COMPETING_SESSION_TEXT);
    return;
  }
  const wantsDelayed = conn.marketDataType === 3 || conn.marketDataType === 4;
  let delayed = false;
  const entitlement = ctx.marketDataBySymbol[s.symbol] ?? ctx.entitlement;
  if (entitlement === 'none') {
    if (wantsDelayed)
      ctx.error(conn, reqId, 10168, 'Requested market data is not subscribed. Delayed market data is not enabled.');
    else ctx.error(conn, reqId, 354, 'Requested market data is not subscribed.');
    return;
  }
  if (entitlement === 'delayed-only') {
    if (!wantsDelayed) {
      ctx.error(conn, reqId, 354, 'Requested market data is not subscribed. Delayed market data is available.');
      return;
    }
    delayed = true;
  }
  const isSnapshot = snapshot || regulatory;
  if (!isSnapshot && streamingLines(ctx) >= ctx.maxMktDataLines) {
    ctx.error(conn, reqId, 101, `Max number of tickers has been reached`);
    return;
  }
  if (delayed)
    ctx.error(conn, reqId, 10167, 'Requested market data is not subscribed. Displaying delayed market data.');
  const type = delayed ? (conn.marketDataType === 4 ? 4 : 3) : conn.marketDataType === 2 ? 2 : 1;
  ctx.send(conn, M.marketDataType(reqId, type));
  sendTicks(ctx, conn, reqId, s, delayed, ['bid', 'ask', 'last', 'close']);
  if (isSnapshot) {
    ctx.send(conn, M.tickSnapshotEnd(reqId));
    return;
  }
  conn.mktData.set(reqId, { symbol: s.symbol, delayed });
};

function sendTicks(
  ctx: GatewayContext,
  conn: Conn,
  reqId: number,
  s: SymbolState,
  delayed: boolean,
  fields: Quote[],
): void {
  const T = M.TICK;
  for (const f of fields) {
    switch (f) {
      case 'bid':
        ctx.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_BID : T.BID, s.bid, 100, 0));
        break;
      case 'ask':
        ctx.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_ASK : T.ASK, s.ask, 100, 0));
        break;
      case 'last':
        ctx.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_LAST : T.LAST, s.last, 100, 0));
        ctx.send(conn, M.tickSize(reqId, delayed ? T.DELAYED_VOLUME : T.VOLUME, Math.round(s.volume / 100)));
        ctx.send(
          conn,
          M.tickString(
            reqId,
            delayed ? T.DELAYED_LAST_TIMESTAMP : T.LAST_TIMESTAMP,
            String(Math.floor(Date.now() / 1000)),
          ),
        );
        break;
      case 'close':
        ctx.send(conn, M.tickPrice(reqId, delayed ? T.DELAYED_CLOSE : T.CLOSE, s.close, 0, 0));
        break;
    }
  }
}

/** Market data: the data type, snapshots and streaming lines (live, delayed or refused per entitlement). */
export const marketDataHandlers: HandlerTable = {
  [M.OUT.REQ_MARKET_DATA_TYPE]: (_ctx, conn, r) => {
    r.str();
    const t = r.int(1);
    conn.marketDataType = t >= 1 && t <= 4 ? t : 1;
  },
  [M.OUT.REQ_MKT_DATA]: onReqMktData,
  [M.OUT.CANCEL_MKT_DATA]: (_ctx, conn, r) => {
    r.str();
    conn.mktData.delete(r.int());
  },
};

/** A quote moved: the changed ticks to every streaming line on the symbol. */
export function pushQuote(ctx: GatewayContext, symbol: string, changed: Quote[]): void {
  for (const c of ctx.started()) {
    for (const [reqId, sub] of c.mktData) {
      if (sub.symbol !== symbol) continue;
      const s = ctx.engine.symbol(symbol);
      if (s) sendTicks(ctx, c, reqId, s, sub.delayed, changed);
    }
  }
}
