import { type GatewayContext, type Handler, type HandlerTable, contractOf } from '../context';
import type { FillRecord } from '../engine';
import { easternSortKey, easternTimestamp } from '../market-hours';
import * as M from '../messages';

/** The executionData fields of one fill, for request `reqId` (−1: pushed as it happens). */
export function execInfo(ctx: GatewayContext, reqId: number, f: FillRecord): M.ExecutionInfo {
  const s = ctx.engine.symbol(f.symbol);
  return {
    reqId,
    orderId: f.orderId,
    contract: s
      ? contractOf(s, f.exchange)
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

const onReqExecutions: Handler = (ctx, conn, r) => {
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
  for (const f of ctx.engine.fillRecords()) {
    if (clientId > 0 && f.clientId !== clientId) continue;
    if (acct && f.accountId !== acct) continue;
    if (symbol && f.symbol !== symbol) continue;
    if (secType && secType !== 'STK') continue;
    if (side && !(side === 'BUY' || side === 'BOT' ? f.side === 'BOT' : f.side === 'SLD')) continue;
    if (timeKey.length >= 8 && easternSortKey(new Date(f.time)) < timeKey.padEnd(14, '0')) continue;
    ctx.send(conn, M.executionData(conn.sv, execInfo(ctx, reqId, f)));
    ctx.send(conn, M.commissionReport(f.execId, f.commission, 'USD', f.realizedPnl));
  }
  ctx.send(conn, M.executionDataEnd(reqId));
};

/** reqExecutions, filtered by client, account, symbol, side and time as IB filters them. */
export const executionHandlers: HandlerTable = {
  [M.OUT.REQ_EXECUTIONS]: onReqExecutions,
};
