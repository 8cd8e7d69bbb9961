import type { Conn, GatewayContext, Handler, HandlerTable } from '../context';
import { type FillRecord, type OrderRecord, type WhatIfResult, fillView, orderView } from '../engine';
import * as M from '../messages';
import { parsePlaceOrder } from '../place-order-parser';
import { execInfo } from './executions';
import { loseConnectivity } from './session';

function openOrderInfo(o: OrderRecord, status: string, whatIf?: WhatIfResult): M.OpenOrderInfo {
  return {
    orderId: o.orderId,
    contract: {
      conId: o.conId,
      symbol: o.symbol,
      exchange: o.exchange,
      primaryExch: o.primaryExch,
      currency: o.currency,
    },
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

function sendOpenOrder(ctx: GatewayContext, conn: Conn, o: OrderRecord, status: string, whatIf?: WhatIfResult): void {
  ctx.send(conn, M.openOrder(conn.sv, openOrderInfo(o, status, whatIf)));
}

function sendOrderStatus(ctx: GatewayContext, conn: Conn, o: OrderRecord, status = o.status): void {
  ctx.send(
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

function sendOrderSnapshot(ctx: GatewayContext, conn: Conn, o: OrderRecord): void {
  sendOpenOrder(ctx, conn, o, o.status);
  sendOrderStatus(ctx, conn, o);
}

function sendCancelled(ctx: GatewayContext, conn: Conn, o: OrderRecord): void {
  sendOrderStatus(ctx, conn, o, 'Cancelled');
  ctx.error(conn, o.orderId, 202, 'Order Canceled - reason:');
}

/** With `orderWarning`: IB's 399 for an accepted order, sent before its openOrder (the order still works). */
function sendOrderWarning(ctx: GatewayContext, conn: Conn, o: OrderRecord): void {
  const w = ctx.orderWarning;
  if (!w || (w.symbols && !w.symbols.map((x) => x.toUpperCase()).includes(o.symbol))) return;
  const text =
    w.message ??
    `Order Message:\n${o.action} ${o.totalQuantity} ${o.symbol} SMART\nWarning: your order will not be placed at the exchange until ${new Date().toISOString().slice(0, 10)} 09:30:00 US/Eastern`;
  ctx.error(conn, o.orderId, 399, text);
}

const onPlaceOrder: Handler = (ctx, conn, r) => {
  const p = parsePlaceOrder(r, conn.sv);
  if (p.leftover > 0) ctx.warn(`placeOrder ${p.orderId}: ${p.leftover} unparsed trailing field(s)`);
  const clientId = conn.clientId ?? 0;
  const res = ctx.engine.placeOrder(clientId, p);
  switch (res.kind) {
    case 'error':
      ctx.error(conn, p.orderId, res.code, res.message);
      if (res.cancelStatus && res.order) sendOrderStatus(ctx, conn, res.order, 'Cancelled');
      return;
    case 'whatif':
      sendOpenOrder(ctx, conn, res.order, 'PreSubmitted', res.whatIf);
      return;
    case 'accepted': {
      const o = res.order;
      sendOrderWarning(ctx, conn, o);
      if (!res.modified && o.status === 'Submitted') sendOpenOrder(ctx, conn, o, 'PreSubmitted');
      sendOpenOrder(ctx, conn, o, o.status);
      sendOrderStatus(ctx, conn, o);
      if (!res.modified) ctx.emit({ type: 'order-received', order: orderView(o) });
      return;
    }
  }
};

const onCancelOrder: Handler = (ctx, conn, r) => {
  if (conn.sv < 192) r.str();
  const orderId = r.int();
  const res = ctx.engine.cancelOrder(conn.clientId ?? 0, orderId);
  if (res.kind === 'unknown') {
    ctx.error(conn, orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`);
  } else if (res.kind === 'not-cancellable') {
    ctx.error(
      conn,
      orderId,
      10148,
      `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${res.order.status}.`,
    );
  } else {
    sendCancelled(ctx, conn, res.order);
  }
};

/** Orders: place (what-if, new, modify), cancel, global cancel, open orders. */
export const orderHandlers: HandlerTable = {
  [M.OUT.PLACE_ORDER]: onPlaceOrder,
  [M.OUT.CANCEL_ORDER]: onCancelOrder,
  [M.OUT.REQ_GLOBAL_CANCEL]: (ctx) => {
    for (const o of ctx.engine.globalCancel()) {
      const owner = ctx.connByClient(o.clientId);
      if (owner) sendCancelled(ctx, owner, o);
    }
  },
  [M.OUT.REQ_OPEN_ORDERS]: (ctx, conn) => {
    for (const o of ctx.engine.openOrders(conn.clientId ?? 0)) sendOrderSnapshot(ctx, conn, o);
    ctx.send(conn, M.openOrderEnd());
  },
  [M.OUT.REQ_ALL_OPEN_ORDERS]: (ctx, conn) => {
    for (const o of ctx.engine.openOrders()) sendOrderSnapshot(ctx, conn, o);
    ctx.send(conn, M.openOrderEnd());
  },
  [M.OUT.REQ_AUTO_OPEN_ORDERS]: (_ctx, conn, r) => {
    r.str();
    conn.autoOpenOrders = r.bool() && conn.clientId === 0;
  },
};

/** An order's state changed in the engine: its owner gets openOrder and orderStatus. */
export function pushOrderState(ctx: GatewayContext, o: OrderRecord): void {
  const owner = ctx.connByClient(o.clientId);
  if (owner) sendOrderSnapshot(ctx, owner, o);
}

/** A fill: execution, status and (shortly after) commission to its owner; then the after-fill controls fire. */
export function pushFill(ctx: GatewayContext, o: OrderRecord, f: FillRecord): void {
  const owner = ctx.connByClient(o.clientId);
  if (owner) {
    ctx.send(owner, M.executionData(owner.sv, execInfo(ctx, -1, f)));
    sendOrderStatus(ctx, owner, o);
    if (o.status === 'Filled') sendOpenOrder(ctx, owner, o, 'Filled');
    ctx.later(5, () => {
      if (owner.phase === 'framed') ctx.send(owner, M.commissionReport(f.execId, f.commission, 'USD', f.realizedPnl));
    });
  }
  if (o.remaining > 0) ctx.emit({ type: 'partial-fill', order: orderView(o), fill: fillView(f) });
  const drop = ctx.dropAfterFill;
  if (drop && (drop.side === undefined || drop.side === o.action)) {
    ctx.dropAfterFill = null;
    ctx.later(0, () => ctx.dropConnections());
  }
  const offline = ctx.offlineAfterFill;
  if (offline && offline.side === o.action) {
    ctx.offlineAfterFill = null;
    loseConnectivity(ctx);
  }
}
