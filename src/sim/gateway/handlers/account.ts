import { type Conn, type GatewayContext, type Handler, type HandlerTable, contractOf } from '../context';
import { easternHhmm } from '../market-hours';
import * as M from '../messages';
import type { Field } from '../protocol';

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

function summaryRows(
  ctx: GatewayContext,
  accountId: string,
  tags: string[],
): Array<[tag: string, value: string, currency: string]> {
  const v = ctx.engine.values(accountId);
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
    DayTradesRemaining: [String(ctx.dayTrades.get(accountId) ?? -1), ''],
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

const onReqAccountSummary: Handler = (ctx, conn, r) => {
  r.str();
  const reqId = r.int();
  r.str(); // group
  const tagStr = r.str();
  if (conn.summaries.has(reqId)) {
    ctx.error(conn, reqId, 322, `Error processing request:-'bc' : cause - Duplicate ticker id`);
    return;
  }
  if (conn.summaries.size >= 2) {
    ctx.error(
      conn,
      reqId,
      322,
      `Error processing request:-'bc' : cause - Maximum number of account summary requests exceeded`,
    );
    return;
  }
  const tags = tagStr.split(',').filter((t) => t.trim() !== '');
  conn.summaries.set(reqId, { tags: tags.length > 0 ? tags : SUMMARY_TAGS });
  sendSummary(ctx, conn, reqId, ctx.engine.accountIds());
  ctx.send(conn, M.accountSummaryEnd(reqId));
};

/** reqPnL: the account's daily / unrealized / realized P&L now and again whenever the account changes. */
const onReqPnl: Handler = (ctx, conn, r) => {
  const reqId = r.int();
  const account = r.str();
  if (!ctx.engine.accountIds().includes(account)) {
    ctx.error(conn, reqId, 321, `Error validating request:-'bm' : cause - Invalid account: ${account}`);
    return;
  }
  conn.pnl.set(reqId, account);
  sendPnl(ctx, conn, reqId, account);
};

function sendPnl(ctx: GatewayContext, conn: Conn, reqId: number, account: string): void {
  const v = ctx.engine.values(account);
  ctx.send(conn, M.pnl(reqId, v.dailyPnl, v.unrealizedPnl, v.realizedPnl));
}

function sendSummary(ctx: GatewayContext, conn: Conn, reqId: number, accounts: string[]): void {
  const sub = conn.summaries.get(reqId);
  if (!sub) return;
  for (const id of accounts) {
    for (const [tag, value, cur] of summaryRows(ctx, id, sub.tags))
      ctx.send(conn, M.accountSummary(reqId, id, tag, value, cur));
  }
}

function accountValueRows(
  ctx: GatewayContext,
  accountId: string,
): Array<[key: string, value: string, currency: string]> {
  const v = ctx.engine.values(accountId);
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

function portfolioRow(ctx: GatewayContext, accountId: string, symbol: string): Field[] | null {
  const s = ctx.engine.symbol(symbol);
  if (!s) return null;
  const p = ctx.engine.positionOf(accountId, symbol);
  const price = ctx.engine.mark(s);
  const mv = p.quantity * price;
  return M.portfolioValue(
    contractOf(s, ''),
    p.quantity,
    price,
    Math.round(mv * 100) / 100,
    p.avgCost,
    Math.round((mv - p.quantity * p.avgCost) * 100) / 100,
    p.realizedPnl,
    accountId,
  );
}

const onReqAccountData: Handler = (ctx, conn, r) => {
  r.str();
  const subscribe = r.bool();
  const code = r.remaining > 0 ? r.str() : '';
  if (!subscribe) {
    conn.accountUpdates = null;
    return;
  }
  const accountId = code || ctx.engine.accountIds()[0] || '';
  if (!ctx.engine.hasAccount(accountId)) {
    ctx.error(conn, -1, 321, `Error validating request.-'bk' : cause - Invalid account code '${code}'`);
    return;
  }
  conn.accountUpdates = accountId;
  for (const [k, v, c] of accountValueRows(ctx, accountId)) ctx.send(conn, M.acctValue(k, v, c, accountId));
  for (const p of ctx.engine.positionEntries(accountId)) {
    const row = portfolioRow(ctx, accountId, p.symbol.symbol);
    if (row) ctx.send(conn, row);
  }
  ctx.send(conn, M.acctUpdateTime(easternHhmm(new Date())));
  ctx.send(conn, M.acctDownloadEnd(accountId));
};

function accountsFor(ctx: GatewayContext, account: string): string[] {
  const all = ctx.engine.accountIds();
  if (!account || account.toUpperCase() === 'ALL') return all;
  return all.filter((a) => a === account);
}

const onReqPositions: Handler = (ctx, conn) => {
  conn.positions = true;
  for (const id of ctx.engine.accountIds()) {
    for (const p of ctx.engine.positionEntries(id))
      ctx.send(conn, M.position(id, contractOf(p.symbol), p.quantity, p.avgCost));
  }
  ctx.send(conn, M.positionEnd());
};

type MultiSubs = Map<number, { account: string; modelCode: string }>;

/**
 * reqPositionsMulti / reqAccountUpdatesMulti: keeps the subscription (an account or ALL, a model code), then sends
 * every covered account's rows and the end marker.
 */
function multiRequest(
  subs: (conn: Conn) => MultiSubs,
  rows: (ctx: GatewayContext, reqId: number, accountId: string, modelCode: string) => Field[][],
  end: (reqId: number) => Field[],
): Handler {
  return (ctx, conn, r) => {
    r.str();
    const reqId = r.int();
    const account = r.str();
    const modelCode = r.str();
    subs(conn).set(reqId, { account, modelCode });
    for (const id of accountsFor(ctx, account)) for (const row of rows(ctx, reqId, id, modelCode)) ctx.send(conn, row);
    ctx.send(conn, end(reqId));
  };
}

const onReqPositionsMulti = multiRequest(
  (conn) => conn.positionsMulti,
  (ctx, reqId, id, modelCode) =>
    ctx.engine
      .positionEntries(id)
      .map((p) => M.positionMulti(reqId, id, contractOf(p.symbol), p.quantity, p.avgCost, modelCode)),
  M.positionMultiEnd,
);

function accountUpdateMultiRows(ctx: GatewayContext, reqId: number, id: string, modelCode: string): Field[][] {
  return accountValueRows(ctx, id).map(([k, v, c]) => M.accountUpdateMulti(reqId, id, modelCode, k, v, c));
}

const onReqAccountUpdatesMulti = multiRequest(
  (conn) => conn.accountUpdatesMulti,
  accountUpdateMultiRows,
  M.accountUpdateMultiEnd,
);

/** Accounts: summaries, positions, P&L and account updates, each with its cancel. */
export const accountHandlers: HandlerTable = {
  [M.OUT.REQ_ACCOUNT_SUMMARY]: onReqAccountSummary,
  [M.OUT.CANCEL_ACCOUNT_SUMMARY]: (_ctx, conn, r) => {
    r.str();
    conn.summaries.delete(r.int());
  },
  [M.OUT.REQ_POSITIONS]: onReqPositions,
  [M.OUT.CANCEL_POSITIONS]: (_ctx, conn) => {
    conn.positions = false;
  },
  [M.OUT.REQ_POSITIONS_MULTI]: onReqPositionsMulti,
  [M.OUT.CANCEL_POSITIONS_MULTI]: (_ctx, conn, r) => {
    r.str();
    conn.positionsMulti.delete(r.int());
  },
  [M.OUT.REQ_PNL]: onReqPnl,
  [M.OUT.CANCEL_PNL]: (_ctx, conn, r) => {
    conn.pnl.delete(r.int());
  },
  [M.OUT.REQ_ACCOUNT_UPDATES_MULTI]: onReqAccountUpdatesMulti,
  [M.OUT.CANCEL_ACCOUNT_UPDATES_MULTI]: (_ctx, conn, r) => {
    r.str();
    conn.accountUpdatesMulti.delete(r.int());
  },
  [M.OUT.REQ_ACCOUNT_DATA]: onReqAccountData,
};

/** Re-sends the account's summary rows to every summary subscription (IB does within its three minutes). */
export function pushSummaries(ctx: GatewayContext, accountId: string): void {
  if (!ctx.summaryPushes) return;
  for (const c of ctx.started()) for (const reqId of c.summaries.keys()) sendSummary(ctx, c, reqId, [accountId]);
}

/** An account's cash or positions changed: tell every subscription that covers it. */
export function pushAccount(ctx: GatewayContext, accountId: string, symbols: string[]): void {
  for (const c of ctx.started()) {
    if (c.positions) {
      for (const sym of symbols) {
        const s = ctx.engine.symbol(sym);
        const p = ctx.engine.positionOf(accountId, sym);
        if (s) ctx.send(c, M.position(accountId, contractOf(s), p.quantity, p.avgCost));
      }
    }
    for (const [reqId, sub] of c.positionsMulti) {
      if (!accountsFor(ctx, sub.account).includes(accountId)) continue;
      for (const sym of symbols) {
        const s = ctx.engine.symbol(sym);
        const p = ctx.engine.positionOf(accountId, sym);
        if (s) ctx.send(c, M.positionMulti(reqId, accountId, contractOf(s), p.quantity, p.avgCost, sub.modelCode));
      }
    }
    if (ctx.summaryPushes) for (const reqId of c.summaries.keys()) sendSummary(ctx, c, reqId, [accountId]);
    for (const [reqId, account] of c.pnl) if (account === accountId) sendPnl(ctx, c, reqId, accountId);
    if (c.accountUpdates === accountId) {
      for (const [k, v, cur] of accountValueRows(ctx, accountId)) ctx.send(c, M.acctValue(k, v, cur, accountId));
      for (const sym of symbols) {
        const row = portfolioRow(ctx, accountId, sym);
        if (row) ctx.send(c, row);
      }
      ctx.send(c, M.acctUpdateTime(easternHhmm(new Date())));
    }
    for (const [reqId, sub] of c.accountUpdatesMulti) {
      if (!accountsFor(ctx, sub.account).includes(accountId)) continue;
      for (const row of accountUpdateMultiRows(ctx, reqId, accountId, sub.modelCode)) ctx.send(c, row);
    }
  }
}
