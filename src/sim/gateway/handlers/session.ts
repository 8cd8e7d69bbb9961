import type { Conn, GatewayContext, Handler, HandlerTable } from '../context';
import * as M from '../messages';
import type { ConnectivityCode } from '../types';

/** IB's texts for the connection-level notices the simulator can send. */
const CONNECTIVITY_TEXT: Record<ConnectivityCode, string> = {
  1100: 'Connectivity between IB and Trader Workstation has been lost.',
  1101: 'Connectivity between IB and Trader Workstation has been restored - data lost.',
  1102: 'Connectivity between IB and Trader Workstation has been restored - data maintained.',
  2110: 'Connectivity between Trader Workstation and server is broken. It will be restored automatically.',
};

/** IB's 10197, on market-data requests and once when the competing session starts. */
export const COMPETING_SESSION_TEXT = 'No market data during competing live session';

const onStartApi: Handler = (ctx, conn, r) => {
  if (conn.clientId !== null) {
    ctx.warn(`connection ${conn.id}: repeated START_API ignored`);
    return;
  }
  r.str();
  const clientId = r.int();
  if (ctx.connByClient(clientId)) {
    ctx.error(conn, -1, 326, 'Unable to connect as the client id is already in use. Retry with a unique client id.');
    ctx.closeConn(conn);
    return;
  }
  conn.clientId = clientId;
  ctx.send(conn, M.managedAccounts(ctx.managedAccountIds()));
  ctx.send(conn, M.nextValidId(ctx.engine.nextValidId(clientId)));
  if (ctx.farmNotices) sendFarmNotices(ctx, conn);
  if (ctx.engine.offline) ctx.error(conn, -1, 1100, CONNECTIVITY_TEXT[1100]);
};

/** What IB Gateway says right after a client connects: every data farm is OK (notices, not errors). */
function sendFarmNotices(ctx: GatewayContext, conn: Conn): void {
  ctx.error(conn, -1, 2104, 'Market data farm connection is OK:usfarm');
  ctx.error(conn, -1, 2106, 'HMDS data farm connection is OK:ushmds');
  ctx.error(conn, -1, 2158, 'Sec-def data farm connection is OK:secdefnj');
}

/** The session: START_API, the clock, managed accounts, order ids. */
export const sessionHandlers: HandlerTable = {
  [M.OUT.START_API]: onStartApi,
  [M.OUT.REQ_CURRENT_TIME]: (ctx, conn) =>
    ctx.send(conn, M.currentTime(Math.floor((Date.now() + ctx.clockSkewMs) / 1000))),
  [M.OUT.REQ_MANAGED_ACCTS]: (ctx, conn) => ctx.send(conn, M.managedAccounts(ctx.managedAccountIds())),
  [M.OUT.REQ_IDS]: (ctx, conn) => ctx.send(conn, M.nextValidId(ctx.engine.nextValidId(conn.clientId ?? 0))),
  [M.OUT.SET_SERVER_LOGLEVEL]: () => undefined,
};

// ---- gateway lifecycle (PRODUCT.md §21) and IB's real behaviour (§17), pushed to every started client

export function emitConnectivity(ctx: GatewayContext, code: ConnectivityCode): void {
  for (const c of ctx.started()) ctx.error(c, -1, code, CONNECTIVITY_TEXT[code]);
}

export function setCompetingSession(ctx: GatewayContext, on: boolean): void {
  ctx.competingSession = on;
  if (on) for (const c of ctx.started()) ctx.error(c, -1, 10197, COMPETING_SESSION_TEXT);
}

export function setLoggedIn(ctx: GatewayContext, loggedIn: boolean): void {
  ctx.loggedIn = loggedIn;
  for (const c of ctx.started()) ctx.send(c, M.managedAccounts(ctx.managedAccountIds()));
}

export function loseConnectivity(ctx: GatewayContext, options: { afterNextFill?: 'BUY' | 'SELL' } = {}): void {
  if (options.afterNextFill) {
    ctx.offlineAfterFill = { side: options.afterNextFill };
    return;
  }
  if (ctx.engine.offline) return;
  ctx.engine.setOffline(true);
  for (const c of ctx.started()) ctx.error(c, -1, 1100, CONNECTIVITY_TEXT[1100]);
}

export function restoreConnectivity(ctx: GatewayContext): void {
  ctx.offlineAfterFill = null;
  if (!ctx.engine.offline) return;
  for (const c of ctx.started()) {
    ctx.error(
      c,
      -1,
      1102,
      'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefnj.',
    );
  }
  ctx.engine.setOffline(false);
}
