import type { WhatIfResult } from './engine';
import type { OrderTerms } from './place-order-parser';
import { type Field, UNSET_DOUBLE_STR } from './protocol';

/** Incoming (server → client) message ids. */
export const IN = {
  TICK_PRICE: 1,
  TICK_SIZE: 2,
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  ACCT_VALUE: 6,
  PORTFOLIO_VALUE: 7,
  ACCT_UPDATE_TIME: 8,
  NEXT_VALID_ID: 9,
  CONTRACT_DATA: 10,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  TICK_STRING: 46,
  CURRENT_TIME: 49,
  CONTRACT_DATA_END: 52,
  OPEN_ORDER_END: 53,
  ACCT_DOWNLOAD_END: 54,
  EXECUTION_DATA_END: 55,
  TICK_SNAPSHOT_END: 57,
  MARKET_DATA_TYPE: 58,
  COMMISSION_REPORT: 59,
  POSITION: 61,
  POSITION_END: 62,
  ACCOUNT_SUMMARY: 63,
  ACCOUNT_SUMMARY_END: 64,
  POSITION_MULTI: 71,
  POSITION_MULTI_END: 72,
  ACCOUNT_UPDATE_MULTI: 73,
  ACCOUNT_UPDATE_MULTI_END: 74,
  PNL: 94,
} as const;

/** Outgoing (client → server) message ids. */
export const OUT = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_ACCOUNT_DATA: 6,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  SET_SERVER_LOGLEVEL: 14,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_POSITIONS_MULTI: 74,
  CANCEL_POSITIONS_MULTI: 75,
  REQ_ACCOUNT_UPDATES_MULTI: 76,
  CANCEL_ACCOUNT_UPDATES_MULTI: 77,
  REQ_PNL: 92,
  CANCEL_PNL: 93,
} as const;

/** Tick types the simulator sends. */
export const TICK = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  VOLUME: 8,
  CLOSE: 9,
  LAST_TIMESTAMP: 45,
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68,
  DELAYED_BID_SIZE: 69,
  DELAYED_ASK_SIZE: 70,
  DELAYED_LAST_SIZE: 71,
  DELAYED_VOLUME: 74,
  DELAYED_CLOSE: 75,
  DELAYED_LAST_TIMESTAMP: 88,
} as const;

/** The stock contract fields the simulator reports. */
export interface ContractInfo {
  conId: number;
  symbol: string;
  exchange: string;
  primaryExch: string;
  currency: string;
}

/** Order attributes and state as carried by OPEN_ORDER. */
export interface OpenOrderInfo extends OrderTerms {
  contract: ContractInfo;
  clientId: number;
  permId: number;
  status: string;
  filledQuantity: number;
  margin?: Omit<WhatIfResult, 'commission'>;
  commission: number | null;
  minCommission?: number | null;
  maxCommission?: number | null;
  commissionCurrency?: string;
}

/** ERR_MSG (4). */
export function errMsg(sv: number, id: number, code: number, message: string): Field[] {
  const f: Field[] = [IN.ERR_MSG, 2, id, code, message.replace(/[^\x20-\x7e]/g, '?')];
  if (sv >= 166) f.push('');
  return f;
}

/** MANAGED_ACCTS (15). */
export function managedAccounts(accounts: readonly string[]): Field[] {
  return [IN.MANAGED_ACCTS, 1, accounts.join(',')];
}

/** NEXT_VALID_ID (9). */
export function nextValidId(orderId: number): Field[] {
  return [IN.NEXT_VALID_ID, 1, orderId];
}

/** CURRENT_TIME (49). */
export function currentTime(epochSeconds: number): Field[] {
  return [IN.CURRENT_TIME, 1, epochSeconds];
}

/** ACCOUNT_SUMMARY (63). */
export function accountSummary(reqId: number, account: string, tag: string, value: string, currency: string): Field[] {
  return [IN.ACCOUNT_SUMMARY, 1, reqId, account, tag, value, currency];
}

/** PNL (94): an account's daily, unrealized and realized P&L (server version ≥ 135 carries all three). */
export function pnl(reqId: number, daily: number, unrealized: number, realized: number): Field[] {
  return [IN.PNL, reqId, daily, unrealized, realized];
}

/** ACCOUNT_SUMMARY_END (64). */
export function accountSummaryEnd(reqId: number): Field[] {
  return [IN.ACCOUNT_SUMMARY_END, 1, reqId];
}

function stockContractFields(c: ContractInfo, exchange: string): Field[] {
  return [c.conId, c.symbol, 'STK', '', 0, '', '', exchange, c.currency, c.symbol, c.symbol];
}

/** POSITION (61); exchange is always empty, as in TWS. */
export function position(account: string, c: ContractInfo, pos: number, avgCost: number): Field[] {
  return [IN.POSITION, 3, account, ...stockContractFields(c, ''), pos, avgCost];
}

/** POSITION_END (62). */
export function positionEnd(): Field[] {
  return [IN.POSITION_END, 1];
}

/** POSITION_MULTI (71). */
export function positionMulti(
  reqId: number,
  account: string,
  c: ContractInfo,
  pos: number,
  avgCost: number,
  modelCode: string,
): Field[] {
  return [IN.POSITION_MULTI, 1, reqId, account, ...stockContractFields(c, ''), pos, avgCost, modelCode];
}

/** POSITION_MULTI_END (72). */
export function positionMultiEnd(reqId: number): Field[] {
  return [IN.POSITION_MULTI_END, 1, reqId];
}

/** ACCOUNT_UPDATE_MULTI (73). */
export function accountUpdateMulti(
  reqId: number,
  account: string,
  modelCode: string,
  key: string,
  value: string,
  currency: string,
): Field[] {
  return [IN.ACCOUNT_UPDATE_MULTI, 1, reqId, account, modelCode, key, value, currency];
}

/** ACCOUNT_UPDATE_MULTI_END (74). */
export function accountUpdateMultiEnd(reqId: number): Field[] {
  return [IN.ACCOUNT_UPDATE_MULTI_END, 1, reqId];
}

/** ACCT_VALUE (6). */
export function acctValue(key: string, value: string, currency: string, account: string): Field[] {
  return [IN.ACCT_VALUE, 2, key, value, currency, account];
}

/** PORTFOLIO_VALUE (7), version 8. */
export function portfolioValue(
  c: ContractInfo,
  pos: number,
  marketPrice: number,
  marketValue: number,
  avgCost: number,
  unrealizedPnl: number,
  realizedPnl: number,
  account: string,
): Field[] {
  return [
    IN.PORTFOLIO_VALUE,
    8,
    c.conId,
    c.symbol,
    'STK',
    '',
    0,
    '',
    '',
    c.primaryExch,
    c.currency,
    c.symbol,
    c.symbol,
    pos,
    marketPrice,
    marketValue,
    avgCost,
    unrealizedPnl,
    realizedPnl,
    account,
  ];
}

/** ACCT_UPDATE_TIME (8). */
export function acctUpdateTime(hhmm: string): Field[] {
  return [IN.ACCT_UPDATE_TIME, 1, hhmm];
}

/** ACCT_DOWNLOAD_END (54). */
export function acctDownloadEnd(account: string): Field[] {
  return [IN.ACCT_DOWNLOAD_END, 1, account];
}

/** Static contract-details attributes of a stock/ETF. */
export interface ContractDetailsInfo {
  contract: ContractInfo;
  minTick: number;
  longName: string;
  timeZoneId: string;
  tradingHours: string;
  liquidHours: string;
}

/** CONTRACT_DATA (10), gated by server version (42 fields for a stock at 193). */
export function contractData(sv: number, reqId: number, d: ContractDetailsInfo): Field[] {
  const c = d.contract;
  const f: Field[] = [IN.CONTRACT_DATA];
  if (sv < 164) f.push(8);
  f.push(reqId, c.symbol, 'STK', '');
  if (sv >= 182) f.push('');
  f.push(0, '', 'SMART', c.currency, c.symbol, c.symbol, c.symbol, c.conId, d.minTick);
  if (sv >= 110 && sv < 164) f.push(1);
  f.push(
    '',
    'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,DAY,GTC,IOC,LIT,LMT,LOC,MIT,MKT,MOC,MTL,OCA,REL,STP,STPLMT,TRAIL,WHATIF',
    `SMART,${c.primaryExch},ARCA,NYSE,NASDAQ,BATS,IEX`,
    1,
    0,
    d.longName,
    c.primaryExch,
    '',
    'Funds',
    'Equity Fund',
    'Exchange Traded Fund',
    d.timeZoneId,
    d.tradingHours,
    d.liquidHours,
    '',
    '',
    0,
  );
  if (sv >= 121) f.push(1);
  if (sv >= 122) f.push('', '');
  if (sv >= 126) f.push('26,26,26,26,26,26,26');
  if (sv >= 134) f.push('');
  if (sv >= 152) f.push('ETF');
  if (sv === 163) f.push('0.0001');
  if (sv >= 164) f.push('0.0001', '0.0001', 100);
  if (sv >= 186) f.push(0);
  return f;
}

/** CONTRACT_DATA_END (52). */
export function contractDataEnd(reqId: number): Field[] {
  return [IN.CONTRACT_DATA_END, 1, reqId];
}

/** MARKET_DATA_TYPE (58). */
export function marketDataType(reqId: number, type: number): Field[] {
  return [IN.MARKET_DATA_TYPE, 1, reqId, type];
}

/** TICK_PRICE (1), version 6 with size and attribute mask. */
export function tickPrice(reqId: number, tickType: number, price: number, size: number, attribMask = 0): Field[] {
  return [IN.TICK_PRICE, 6, reqId, tickType, price, size, attribMask];
}

/** TICK_SIZE (2). */
export function tickSize(reqId: number, tickType: number, size: number): Field[] {
  return [IN.TICK_SIZE, 6, reqId, tickType, size];
}

/** TICK_STRING (46). */
export function tickString(reqId: number, tickType: number, value: string): Field[] {
  return [IN.TICK_STRING, 6, reqId, tickType, value];
}

/** TICK_SNAPSHOT_END (57). */
export function tickSnapshotEnd(reqId: number): Field[] {
  return [IN.TICK_SNAPSHOT_END, 1, reqId];
}

/** ORDER_STATUS (3) without version field (server version ≥ 131). */
export function orderStatus(
  orderId: number,
  status: string,
  filled: number,
  remaining: number,
  avgFillPrice: number,
  permId: number,
  parentId: number,
  lastFillPrice: number,
  clientId: number,
  whyHeld = '',
): Field[] {
  return [
    IN.ORDER_STATUS,
    orderId,
    status,
    filled,
    remaining,
    avgFillPrice,
    permId,
    parentId,
    lastFillPrice,
    clientId,
    whyHeld,
    '',
  ];
}

/** OPEN_ORDER (5) mirroring EOrderDecoder for server versions 145–193 (133 fields at 193). */
export function openOrder(sv: number, o: OpenOrderInfo): Field[] {
  const c = o.contract;
  const f: Field[] = [IN.OPEN_ORDER, o.orderId];
  f.push(c.conId, c.symbol, 'STK', '', 0, '', '', c.exchange, c.currency, c.symbol, c.symbol);
  f.push(
    o.action,
    o.totalQuantity,
    o.orderType,
    o.lmtPrice,
    o.auxPrice,
    o.tif,
    o.ocaGroup,
    o.account,
    '',
    0,
    o.orderRef,
  );
  f.push(o.clientId, o.permId, o.outsideRth, false, 0, '');
  f.push(''); // deprecated sharesAllocation
  f.push('', '', ''); // faGroup, faMethod, faPercentage
  if (sv < 177) f.push(''); // faProfile
  f.push(''); // modelCode
  f.push(''); // goodTillDate
  f.push(''); // rule80A
  f.push(''); // percentOffset
  f.push(''); // settlingFirm
  f.push(0, '', -1); // shortSaleSlot, designatedLocation, exemptCode
  f.push(0); // auctionStrategy
  f.push('', '', ''); // startingPrice, stockRefPrice, delta
  f.push('', ''); // stockRangeLower, stockRangeUpper
  f.push(''); // displaySize
  f.push(false, false, false, '', 0, false, false, ''); // blockOrder … nbboPriceCap
  f.push(o.parentId, 0); // parentId, triggerMethod
  f.push('', 0, '', '', 0, 0); // volatility, volatilityType, dnOrderType, dnAuxPrice, continuousUpdate, referencePriceType
  f.push('', ''); // trailStopPrice, trailingPercent
  f.push('', ''); // basisPoints, basisPointsType
  f.push('', 0, 0); // comboLegsDescription, comboLegs, orderComboLegs
  f.push(0); // smartComboRoutingParams
  f.push('', '', ''); // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
  f.push(''); // hedgeType
  f.push(false); // optOutSmartRouting
  f.push('', ''); // clearingAccount, clearingIntent
  f.push(false); // notHeld
  f.push(false); // deltaNeutralContract
  f.push(''); // algoStrategy
  f.push(false); // solicited
  f.push(o.whatIf, o.status);
  const m = o.margin;
  if (sv >= 142) {
    f.push(m?.initBefore, m?.maintBefore, m?.equityBefore, m?.initChange, m?.maintChange, m?.equityChange);
  }
  f.push(m?.initAfter, m?.maintAfter, m?.equityAfter);
  f.push(o.commission ?? UNSET_DOUBLE_STR, o.minCommission ?? UNSET_DOUBLE_STR, o.maxCommission ?? UNSET_DOUBLE_STR);
  f.push(o.commissionCurrency ?? '', '');
  f.push(false, false); // randomizeSize, randomizePrice
  f.push(0); // conditions
  f.push('', '', '', '', '', '', '', 0); // adjusted order params
  f.push('', '', ''); // softDollarTier name, value, displayName
  f.push(''); // cashQty
  f.push(false); // dontUseAutoPriceForHedge
  f.push(false); // isOmsContainer
  f.push(false); // discretionaryUpToLimitPrice
  if (sv >= 151) f.push(false); // usePriceMgmtAlgo
  if (sv >= 158) f.push(0); // duration
  if (sv >= 160) f.push(''); // postToAts
  if (sv >= 162) f.push(false); // autoCancelParent
  if (sv >= 170) f.push('', '', '', '', '');
  if (sv >= 183) f.push(''); // customerAccount
  if (sv >= 184) f.push(false); // professionalCustomer
  if (sv >= 185) f.push(''); // bondAccruedInterest
  if (sv >= 189) f.push(false); // includeOvernight
  if (sv >= 193) f.push('', ''); // extOperator, manualOrderIndicator
  return f;
}

/** OPEN_ORDER_END (53). */
export function openOrderEnd(): Field[] {
  return [IN.OPEN_ORDER_END, 1];
}

/** One execution as carried by EXECUTION_DATA. */
export interface ExecutionInfo {
  reqId: number;
  orderId: number;
  contract: ContractInfo;
  execId: string;
  time: string;
  account: string;
  exchange: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  permId: number;
  clientId: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
}

/** EXECUTION_DATA (11) without version field (server version ≥ 136). */
export function executionData(sv: number, e: ExecutionInfo): Field[] {
  const f: Field[] = [IN.EXECUTION_DATA, e.reqId, e.orderId, ...stockContractFields(e.contract, e.exchange)];
  f.push(
    e.execId,
    e.time,
    e.account,
    e.exchange,
    e.side,
    e.shares,
    e.price,
    e.permId,
    e.clientId,
    0,
    e.cumQty,
    e.avgPrice,
    e.orderRef,
  );
  f.push('', ''); // evRule, evMultiplier
  f.push(''); // modelCode
  f.push(2); // lastLiquidity: removed liquidity
  if (sv >= 178) f.push(false);
  return f;
}

/** EXECUTION_DATA_END (55). */
export function executionDataEnd(reqId: number): Field[] {
  return [IN.EXECUTION_DATA_END, 1, reqId];
}

/** COMMISSION_REPORT (59); realized P&L DBL_MAX when nothing was realized. */
export function commissionReport(
  execId: string,
  commission: number,
  currency: string,
  realizedPnl: number | null,
): Field[] {
  return [IN.COMMISSION_REPORT, 1, execId, commission, currency, realizedPnl ?? UNSET_DOUBLE_STR, UNSET_DOUBLE_STR, ''];
}
