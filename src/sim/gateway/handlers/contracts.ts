import { type Conn, type GatewayContext, type Handler, type HandlerTable, contractOf } from '../context';
import type { SymbolState } from '../engine';
import { tradingSchedule } from '../market-hours';
import * as M from '../messages';
import type { FieldReader } from '../protocol';

/** The start every contract request shares: version, request id, then the contract's conId, symbol, secType. */
export function readRequestHead(r: FieldReader): { reqId: number; conId: number; symbol: string; secType: string } {
  r.str();
  const reqId = r.int();
  const conId = r.int();
  const symbol = r.str();
  const secType = r.str().trim().toUpperCase();
  return { reqId, conId, symbol, secType };
}

/**
 * The stock a request's contract names (by conId, else symbol); anything else, or an unknown stock, is answered
 * with IB's 200 and gives undefined. Only stocks are simulated.
 */
export function requestedStock(
  ctx: GatewayContext,
  conn: Conn,
  reqId: number,
  contract: { conId: number; symbol: string; secType: string },
): SymbolState | undefined {
  const { conId, symbol, secType } = contract;
  const s = secType === '' || secType === 'STK' ? ctx.engine.resolve(conId, symbol) : undefined;
  if (!s) ctx.error(conn, reqId, 200, 'No security definition has been found for the request');
  return s;
}

const onReqContractData: Handler = (ctx, conn, r) => {
  const head = readRequestHead(r);
  const { reqId } = head;
  r.skip(12); // lastTradeDate … secId
  if (conn.sv >= 176 && r.remaining > 0) r.str(); // issuerId
  if (r.remaining > 0) ctx.warn(`reqContractDetails: ${r.remaining} unparsed trailing field(s)`);
  const s = requestedStock(ctx, conn, reqId, head);
  if (!s) return;
  const hours = tradingSchedule(new Date(), ctx.engine.marketOpen);
  ctx.send(
    conn,
    M.contractData(conn.sv, reqId, {
      contract: contractOf(s),
      minTick: s.minTick,
      longName: `${s.symbol} ETF`,
      timeZoneId: 'US/Eastern',
      tradingHours: hours.tradingHours,
      liquidHours: hours.liquidHours,
    }),
  );
  ctx.send(conn, M.contractDataEnd(reqId));
};

/** Contract details, with the trading and liquid hours of the simulated market. */
export const contractHandlers: HandlerTable = {
  [M.OUT.REQ_CONTRACT_DATA]: onReqContractData,
};
