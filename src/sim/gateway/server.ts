import net from 'node:net';
import { type Conn, type GatewayContext, type HandlerTable, newConn } from './context';
import * as M from './messages';
import { FieldReader, MIN_SERVER_VERSION, UnderrunError, parseHandshake, readFrame } from './protocol';

const LEGACY_SERVER_VERSION = 76;
const LEGACY_LENGTHS: Record<number, number> = { 71: 4, 49: 2, 17: 2, 8: 3, 61: 2, 64: 2, 62: 5, 63: 3, 59: 3 };

/**
 * The simulated IB Gateway's server core: the TCP listener, the handshake, framing (V100+ and legacy), IB's message
 * pacing, and dispatch of each message to its handler (src/sim/gateway/handlers). The control API is in controls.ts.
 */
export class GatewayServer {
  readonly host: string;
  port = 0;
  private readonly server: net.Server;
  private refuseUntil = 0;
  private nextConnId = 1;
  private stopped = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly handlers: HandlerTable,
  ) {
    this.host = ctx.options.host ?? '127.0.0.1';
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on('error', (err) => ctx.warn(`server error: ${err.message}`));
  }

  /** Starts listening; resolves once the port is bound. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.ctx.options.port ?? 0, this.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        resolve();
      });
    });
  }

  /** Stops the engine and its timers, closes every connection and stops listening. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const ctx = this.ctx;
    ctx.engine.stop();
    for (const t of ctx.timers) clearTimeout(t);
    ctx.timers.clear();
    for (const c of [...ctx.conns]) {
      ctx.forget(c);
      c.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** New connections are reset at once for `ms`. */
  refuseConnections(ms: number): void {
    this.refuseUntil = Date.now() + Math.max(0, ms);
  }

  // ---- connections, handshake and framing

  private onConnection(socket: net.Socket): void {
    if (this.stopped || Date.now() < this.refuseUntil) {
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn = newConn(this.nextConnId++, socket, this.ctx.serverVersion);
    this.ctx.conns.add(conn);
    socket.on('data', (data: Buffer) => {
      try {
        this.onData(conn, data);
      } catch (err) {
        this.ctx.warn(`connection ${conn.id}: internal error ${(err as Error).message}`);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.ctx.forget(conn));
  }

  private onData(conn: Conn, data: Buffer): void {
    if (conn.phase === 'closed') return;
    conn.buf = conn.buf.length === 0 ? data : Buffer.concat([conn.buf, data]);
    if (conn.phase === 'greeting' && !conn.legacy && /^[0-9\0]/.test(conn.buf.toString('latin1', 0, 1))) {
      conn.legacy = true;
    }
    if (conn.legacy) {
      this.onLegacyData(conn);
      return;
    }
    if (conn.phase === 'greeting') {
      const hs = parseHandshake(conn.buf);
      if (hs.kind === 'need-more') return;
      if (hs.kind === 'invalid') {
        this.ctx.warn(`connection ${conn.id}: invalid handshake (${hs.reason}); closing`);
        this.ctx.closeConn(conn);
        return;
      }
      conn.buf = conn.buf.subarray(hs.consumed);
      conn.paceApi = /\+PACEAPI/i.test(hs.options);
      conn.sv = Math.min(hs.maxVersion, this.ctx.serverVersion);
      if (conn.sv < hs.minVersion || conn.sv < MIN_SERVER_VERSION) {
        this.ctx.warn(
          `connection ${conn.id}: client versions v${hs.minVersion}..${hs.maxVersion} do not overlap the simulator's`,
        );
      }
      conn.phase = 'framed';
      this.sendServerVersion(conn);
    }
    while (conn.phase === 'framed') {
      const fr = readFrame(conn.buf);
      if (fr.kind === 'need-more') break;
      if (fr.kind === 'invalid') {
        this.ctx.warn(`connection ${conn.id}: ${fr.reason}; closing`);
        this.ctx.closeConn(conn);
        return;
      }
      conn.buf = conn.buf.subarray(fr.consumed);
      this.onFrame(conn, fr.fields);
    }
  }

  private sendServerVersion(conn: Conn): void {
    const t = new Date().toISOString();
    this.ctx.send(conn, [conn.sv, `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)} ${t.slice(11, 19)} UTC`]);
  }

  /** Pre-V100 clients: unframed tokens, so only fixed-length requests can be delimited. */
  private onLegacyData(conn: Conn): void {
    const text = conn.buf.toString('utf8');
    const lastNul = text.lastIndexOf('\0');
    if (lastNul < 0) return;
    const tokens = text.slice(0, lastNul).split('\0');
    let used = 0;
    const take = (n: number): string[] | null => {
      if (tokens.length - used < n) return null;
      const out = tokens.slice(used, used + n);
      used += n;
      return out;
    };
    if (!conn.legacyHello) {
      const hello = take(2);
      if (!hello) return;
      conn.legacyHello = true;
      conn.sv = LEGACY_SERVER_VERSION;
      conn.phase = 'framed';
      this.sendServerVersion(conn);
    }
    for (;;) {
      const id = tokens[used];
      if (id === undefined) break;
      const len = LEGACY_LENGTHS[Number.parseInt(id, 10)];
      if (len === undefined) {
        this.ctx.warn(`connection ${conn.id}: legacy (pre-V100) message ${id} cannot be delimited; closing`);
        this.ctx.closeConn(conn);
        return;
      }
      const fields = take(len);
      if (!fields) break;
      this.onFrame(conn, fields);
      if (isClosed(conn)) return;
    }
    const consumed = tokens.slice(0, used).reduce((n, t) => n + Buffer.byteLength(t, 'utf8') + 1, 0);
    conn.buf = conn.buf.subarray(consumed);
  }

  // ---- pacing (IB's 50 messages a second: error 100, or queued with +PACEAPI)

  private onFrame(conn: Conn, fields: string[]): void {
    const { stats } = this.ctx;
    const now = Date.now();
    const msgId = Number.parseInt(fields[0] ?? '', 10);
    stats.total++;
    if (Number.isFinite(msgId)) stats.byMsgId[msgId] = (stats.byMsgId[msgId] ?? 0) + 1;
    conn.seen.push(now);
    while (conn.seen.length > 0 && (conn.seen[0] ?? 0) <= now - 1000) conn.seen.shift();
    stats.peakPerSecond = Math.max(stats.peakPerSecond, conn.seen.length);

    if (conn.paced.length > 0) {
      conn.paced.push(fields);
      return;
    }
    pruneAccepted(conn, now);
    if (conn.accepted.length >= this.ctx.maxMsgsPerSec) {
      if (conn.paceApi) {
        conn.paced.push(fields);
        this.schedulePaced(conn);
        return;
      }
      stats.pacingViolations++;
      this.ctx.error(
        conn,
        -1,
        100,
        `Max rate of messages per second has been exceeded:max=${this.ctx.maxMsgsPerSec} rec=${conn.seen.length} (1)`,
      );
      return;
    }
    conn.accepted.push(now);
    this.dispatch(conn, fields, msgId);
  }

  private schedulePaced(conn: Conn): void {
    if (conn.pacedTimer || conn.phase === 'closed') return;
    const oldest = conn.accepted[0] ?? Date.now();
    const wait = Math.max(1, oldest + 1001 - Date.now());
    conn.pacedTimer = setTimeout(() => {
      conn.pacedTimer = null;
      if (conn.phase === 'closed') return;
      const now = Date.now();
      pruneAccepted(conn, now);
      while (conn.paced.length > 0 && conn.accepted.length < this.ctx.maxMsgsPerSec) {
        const fields = conn.paced.shift() ?? [];
        conn.accepted.push(now);
        this.dispatch(conn, fields, Number.parseInt(fields[0] ?? '', 10));
        if (isClosed(conn)) return;
      }
      if (conn.paced.length > 0) this.schedulePaced(conn);
    }, wait);
  }

  // ---- dispatch

  private dispatch(conn: Conn, fields: string[], msgId: number): void {
    const r = new FieldReader(fields);
    try {
      r.str();
      if (conn.clientId === null && msgId !== M.OUT.START_API) {
        this.ctx.warn(`connection ${conn.id}: message ${fields[0] ?? '?'} before START_API ignored`);
        return;
      }
      const handler = this.handlers[msgId];
      if (!handler) {
        this.ctx.warn(`connection ${conn.id}: unknown message id ${Number.isFinite(msgId) ? msgId : '?'} ignored`);
        return;
      }
      handler(this.ctx, conn, r);
    } catch (err) {
      if (err instanceof UnderrunError) {
        this.ctx.warn(`connection ${conn.id}: message ${msgId} could not be parsed (${err.message})`);
        const id = msgId === M.OUT.PLACE_ORDER ? Number.parseInt(fields[1] ?? '', 10) : -1;
        this.ctx.error(
          conn,
          Number.isFinite(id) ? id : -1,
          320,
          `Error reading request. Message id ${msgId}. Unable to parse data. ${err.message}`,
        );
      } else {
        this.ctx.warn(`connection ${conn.id}: internal error handling message ${msgId}: ${(err as Error).message}`);
      }
    }
  }
}

function pruneAccepted(conn: Conn, now: number): void {
  while (conn.accepted.length > 0 && (conn.accepted[0] ?? 0) <= now - 1000) conn.accepted.shift();
}

/** A handler may close the connection (e.g. 326); a separate check so the compiler does not narrow `phase` away. */
function isClosed(conn: Conn): boolean {
  return conn.phase === 'closed';
}
