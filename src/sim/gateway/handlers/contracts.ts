import { type Handler, type HandlerTable, contractOf } from '../context';
import { tradingSchedule } from '../market-hours';
import * as M from '../messages';

const onReqContractData: Handler = (ctx, conn, r) => {
  r.str();
  const reqId = r.int();
  const conId = r.int();
  const symbol = r.str();
  const secType = r.str().trim().toUpperCase();
  r.skip(12); // lastTradeDate … secId
  if (conn.sv >= 176 && r.remaining > 0) r.str(); // issuerId
  if (r.remaining > 0) ctx.warn(`reqContractDetails: ${r.remaining} unparsed trailing field(s)`);
  const s = secType === '' || secType === 'STK' ? ctx.engine.resolve(conId, symbol) : undefined;
  if (!s) {
    ctx.error(conn, reqId, 200, 'No security definition has been found for the request');
    return;
  }
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
