/**
 * A local fake of the Ably realtime endpoint (PRODUCT.md §3, docs: shared/reference/ably-realtime.md §3): a `ws`
 * server on 127.0.0.1 speaking the JSON protocol subset the official `ably` SDK needs to connect, attach, receive,
 * resume and publish. Tests and the demo point the real SDK at it with `endpointOptions(key)`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type * as Ably from 'ably';
import { WebSocketServer, WebSocket, type RawData } from 'ws';

/** Protocol message actions (ably-js `ProtocolMessage`). */
export const ACTION = {
  HEARTBEAT: 0,
  ACK: 1,
  NACK: 2,
  CONNECT: 3,
  CONNECTED: 4,
  DISCONNECT: 5,
  DISCONNECTED: 6,
  CLOSE: 7,
  CLOSED: 8,
  ERROR: 9,
  ATTACH: 10,
  ATTACHED: 11,
  DETACH: 12,
  DETACHED: 13,
  PRESENCE: 14,
  MESSAGE: 15,
  SYNC: 16,
  AUTH: 17,
} as const;

/** Protocol message flags and channel mode bits. */
export const FLAG = {
  HAS_PRESENCE: 1,
  HAS_BACKLOG: 2,
  RESUMED: 4,
  PRESENCE: 1 << 16,
  PUBLISH: 1 << 17,
  SUBSCRIBE: 1 << 18,
  PRESENCE_SUBSCRIBE: 1 << 19,
} as const;

/** Default accepted key shape: `appId.keyId:secret`. */
const KEY_SHAPE = /^[^.:\s]+\.[^.:\s]+:\S+$/;

export interface FakeAblyOptions {
  /** Accepted API keys; default: any key of the form `a.b:c`. */
  keys?: string[];
  /** Sent in `connectionDetails.connectionStateTtl`; the SDK goes `suspended` after this long disconnected. */
  connectionStateTtlMs?: number;
  /** How long after a drop a connection may still be resumed (and channel messages replayed). */
  resumeWindowMs?: number;
  /** Sent in `connectionDetails.maxIdleInterval`; ws pings go out three times as often. */
  maxIdleIntervalMs?: number;
  /** Channels the keys may not attach to (ERROR 40160 on ATTACH). */
  deniedChannels?: string[];
}

export interface FakePublishOptions {
  /** Message name. */
  name?: string;
  /** Send `data` as a plain string (objects are JSON-stringified first) instead of json-encoded object data. */
  asString?: boolean;
  /** Message id; default a fresh one. Re-publishing with the same id simulates a redelivery. */
  id?: string;
}

/** Client options for the fake, including the SDK's undocumented (untyped) timeouts. */
export type FakeAblyClientOptions = Ably.ClientOptions & {
  channelRetryTimeout?: number;
  webSocketConnectTimeout?: number;
};

export interface FakeAbly {
  readonly port: number;
  /** Ably client options that point the real SDK at this endpoint with short retry timeouts. */
  endpointOptions(key?: string): FakeAblyClientOptions;
  /** Publishes a message on a channel to every attached connection (buffered for resume). */
  publish(channel: string, data: unknown, opts?: FakePublishOptions): { id: string; channelSerial: string };
  /** Drops every client socket; the connections stay resumable within the resume window. */
  dropConnections(): void;
  /** An outage: drops every socket and refuses new ones for `ms`. */
  refuseFor(ms: number): void;
  /** Forgets the state of current connections: their next resume is rejected (80008), so channels lose continuity. */
  forgetConnections(): void;
  /** Number of open client sockets that completed the handshake. */
  connectionsCount(): number;
  /** Channels currently attached on at least one open connection, sorted. */
  attachedChannels(): string[];
  stop(): Promise<void>;
}

interface WireMessage {
  id: string;
  name?: string;
  data?: unknown;
  encoding?: string;
  timestamp?: number;
  clientId?: string;
}

interface StoredMessage {
  seq: number;
  channelSerial: string;
  at: number;
  protocolId: string;
  connectionId: string;
  message: WireMessage;
}

interface ChannelState {
  seq: number;
  buffer: StoredMessage[];
}

interface Connection {
  id: string;
  key: string;
  socket: WebSocket | null;
  echo: boolean;
  /** Channels attached before the last drop (decides RESUMED on re-attach). */
  attached: Set<string>;
  /** Channels the client has attached on the current socket (only these get live messages). */
  live: Set<string>;
  /** Channels whose continuity survives the current socket (the connection was resumed). */
  resumable: Set<string>;
  /** Last channel sequence delivered per channel. */
  delivered: Map<string, number>;
  disconnectedAt: number | null;
  forgotten: boolean;
}

/** Any JSON protocol message. */
type Frame = Record<string, unknown> & { action: number };

const MAX_BUFFER = 10_000;

/** Starts the fake endpoint on a free loopback port. */
export async function startFakeAbly(options: FakeAblyOptions = {}): Promise<FakeAbly> {
  const keys = options.keys ? new Set(options.keys) : null;
  const connectionStateTtl = options.connectionStateTtlMs ?? 120_000;
  const resumeWindowMs = options.resumeWindowMs ?? connectionStateTtl;
  const maxIdleInterval = options.maxIdleIntervalMs ?? 15_000;
  const denied = new Set(options.deniedChannels ?? []);
  const epoch = randomBytes(3).toString('hex');

  const connections = new Map<string, Connection>();
  const byKey = new Map<string, Connection>();
  const channels = new Map<string, ChannelState>();
  const sockets = new Set<WebSocket>();
  let refuseUntil = 0;
  let counter = 0;

  const http: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });

  const newId = (): string => `${epoch}${(++counter).toString(36)}${randomBytes(4).toString('hex')}`;
  const newKey = (conn: { id: string }): string => `${conn.id}!${randomBytes(6).toString('hex')}`;

  function channelState(name: string): ChannelState {
    let state = channels.get(name);
    if (!state) {
      state = { seq: 0, buffer: [] };
      channels.set(name, state);
    }
    return state;
  }

  function serialOf(seq: number): string {
    return `${epoch}@${seq}`;
  }

  function seqOf(serial: unknown): number | null {
    if (typeof serial !== 'string') return null;
    const at = serial.lastIndexOf('@');
    if (at < 0 || serial.slice(0, at) !== epoch) return null;
    const n = Number(serial.slice(at + 1));
    return Number.isInteger(n) ? n : null;
  }

  function prune(state: ChannelState, now: number): void {
    const oldest = now - resumeWindowMs - 1_000;
    let drop = 0;
    while (drop < state.buffer.length && (state.buffer[drop]?.at ?? now) < oldest) drop++;
    if (state.buffer.length - drop > MAX_BUFFER) drop = state.buffer.length - MAX_BUFFER;
    if (drop > 0) state.buffer.splice(0, drop);
  }

  function send(socket: WebSocket | null, frame: Frame): void {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function deliver(conn: Connection, channel: string, stored: StoredMessage): void {
    conn.delivered.set(channel, Math.max(conn.delivered.get(channel) ?? 0, stored.seq));
    send(conn.socket, {
      action: ACTION.MESSAGE,
      channel,
      channelSerial: stored.channelSerial,
      id: stored.protocolId,
      connectionId: stored.connectionId,
      timestamp: stored.at,
      messages: [stored.message],
    });
  }

  function store(
    channel: string,
    message: Omit<WireMessage, 'id'> & { id?: string },
    connectionId: string,
  ): StoredMessage {
    const state = channelState(channel);
    const now = Date.now();
    prune(state, now);
    const seq = ++state.seq;
    const protocolId = `${connectionId}:${seq}`;
    const stored: StoredMessage = {
      seq,
      channelSerial: serialOf(seq),
      at: now,
      protocolId,
      connectionId,
      message: { ...message, id: message.id ?? `${protocolId}:0`, timestamp: now },
    };
    state.buffer.push(stored);
    return stored;
  }

  function fanOut(channel: string, stored: StoredMessage, except?: Connection): void {
    for (const conn of connections.values()) {
      if (conn === except || !conn.socket || !conn.live.has(channel)) continue;
      deliver(conn, channel, stored);
    }
  }

  function detachSocket(conn: Connection, socket: WebSocket): void {
    if (conn.socket !== socket) return;
    conn.socket = null;
    conn.disconnectedAt = Date.now();
    for (const channel of conn.live) conn.attached.add(channel);
    conn.live.clear();
    conn.resumable.clear();
  }

  function onAttach(conn: Connection, frame: Frame): void {
    const channel = typeof frame.channel === 'string' ? frame.channel : '';
    if (!channel) return;
    if (denied.has(channel)) {
      send(conn.socket, {
        action: ACTION.ERROR,
        channel,
        error: {
          code: 40160,
          statusCode: 401,
          message: `Channel denied access based on given capability; channel = ${channel}`,
        },
      });
      return;
    }
    const state = channelState(channel);
    prune(state, Date.now());
    const clientSeq = seqOf(frame.channelSerial) ?? conn.delivered.get(channel) ?? null;
    const first = state.buffer[0];
    const continuous =
      conn.resumable.has(channel) && clientSeq !== null && (first === undefined || first.seq <= clientSeq + 1);
    conn.resumable.delete(channel);
    conn.live.add(channel);
    conn.attached.add(channel);
    let flags = FLAG.SUBSCRIBE | FLAG.PUBLISH;
    if (continuous) flags |= FLAG.RESUMED;
    send(conn.socket, {
      action: ACTION.ATTACHED,
      channel,
      channelSerial: continuous && clientSeq !== null ? serialOf(clientSeq) : serialOf(state.seq),
      flags,
    });
    if (continuous && clientSeq !== null) {
      for (const stored of state.buffer) if (stored.seq > clientSeq) deliver(conn, channel, stored);
    } else {
      conn.delivered.set(channel, state.seq);
    }
  }

  function onClientMessage(conn: Connection, frame: Frame): void {
    const channel = typeof frame.channel === 'string' ? frame.channel : '';
    const msgSerial = typeof frame.msgSerial === 'number' ? frame.msgSerial : 0;
    const messages = Array.isArray(frame.messages) ? (frame.messages as Record<string, unknown>[]) : [];
    const serials: string[] = [];
    messages.forEach((m, i) => {
      const stored = store(
        channel,
        {
          id: typeof m.id === 'string' ? m.id : `${conn.id}:${msgSerial}:${i}`,
          ...(typeof m.name === 'string' ? { name: m.name } : {}),
          ...(m.data !== undefined ? { data: m.data } : {}),
          ...(typeof m.encoding === 'string' ? { encoding: m.encoding } : {}),
        },
        conn.id,
      );
      serials.push(stored.channelSerial);
      fanOut(channel, stored, conn.echo ? undefined : conn);
    });
    send(conn.socket, { action: ACTION.ACK, msgSerial, count: 1, res: [{ serials }] });
  }

  function onFrame(conn: Connection, socket: WebSocket, frame: Frame): void {
    switch (frame.action) {
      case ACTION.HEARTBEAT:
        send(socket, { action: ACTION.HEARTBEAT, ...(frame.id !== undefined ? { id: frame.id } : {}) });
        break;
      case ACTION.ATTACH:
        onAttach(conn, frame);
        break;
      case ACTION.DETACH: {
        const channel = typeof frame.channel === 'string' ? frame.channel : '';
        conn.live.delete(channel);
        conn.attached.delete(channel);
        conn.resumable.delete(channel);
        send(socket, { action: ACTION.DETACHED, channel });
        break;
      }
      case ACTION.MESSAGE:
        onClientMessage(conn, frame);
        break;
      case ACTION.AUTH:
        sendConnected(conn, socket);
        break;
      case ACTION.DISCONNECT:
        socket.close();
        break;
      case ACTION.CLOSE:
        send(socket, { action: ACTION.CLOSED });
        connections.delete(conn.id);
        byKey.delete(conn.key);
        conn.socket = null;
        socket.close();
        break;
      default:
        break;
    }
  }

  function sendConnected(conn: Connection, socket: WebSocket, error?: Record<string, unknown>): void {
    send(socket, {
      action: ACTION.CONNECTED,
      connectionId: conn.id,
      connectionDetails: {
        connectionKey: conn.key,
        maxIdleInterval,
        connectionStateTtl,
        maxMessageSize: 65_536,
        serverId: `fake-ably-${epoch}`,
      },
      ...(error ? { error } : {}),
    });
  }

  function openConnection(socket: WebSocket, query: URLSearchParams): void {
    const resumeKey = query.get('resume');
    const echo = query.get('echo') !== 'false';
    let conn: Connection | undefined;
    let error: Record<string, unknown> | undefined;
    if (resumeKey) {
      const previous = byKey.get(resumeKey);
      const now = Date.now();
      const fresh =
        previous !== undefined &&
        !previous.forgotten &&
        (previous.disconnectedAt === null || now - previous.disconnectedAt <= resumeWindowMs);
      if (previous && fresh) {
        if (previous.socket) {
          const old = previous.socket;
          detachSocket(previous, old);
          old.terminate();
        }
        byKey.delete(previous.key);
        previous.key = newKey(previous);
        byKey.set(previous.key, previous);
        previous.resumable = new Set(previous.attached);
        conn = previous;
      } else {
        error = { code: 80008, statusCode: 400, message: 'Unable to resume connection: connection expired or unknown' };
      }
    }
    if (!conn) {
      const id = newId();
      conn = {
        id,
        key: '',
        socket: null,
        echo,
        attached: new Set(),
        live: new Set(),
        resumable: new Set(),
        delivered: new Map(),
        disconnectedAt: null,
        forgotten: false,
      };
      conn.key = newKey(conn);
      connections.set(id, conn);
      byKey.set(conn.key, conn);
    }
    const current = conn;
    current.socket = socket;
    current.echo = echo;
    current.disconnectedAt = null;
    current.live.clear();
    socket.on('message', (raw: RawData) => {
      let frame: unknown;
      try {
        frame = JSON.parse(rawText(raw));
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof (frame as Frame).action === 'number') {
        onFrame(current, socket, frame as Frame);
      }
    });
    socket.on('close', () => detachSocket(current, socket));
    sendConnected(current, socket, error);
  }

  function onConnection(socket: WebSocket, request: IncomingMessage): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const url = new URL(request.url ?? '/', 'ws://127.0.0.1');
    if (url.pathname !== '/') return; // connectivity check (`/ws-up`): open is all the SDK wants
    const query = url.searchParams;
    const format = query.get('format') ?? 'msgpack';
    if (format !== 'json') {
      console.error(
        `fake Ably endpoint: the client asked for format=${format}; only JSON is spoken here — set useBinaryProtocol: false in the client options`,
      );
      socket.close(1003, 'fake Ably endpoint speaks JSON only: set useBinaryProtocol false');
      return;
    }
    const key = query.get('key') ?? '';
    const accepted = keys ? keys.has(key) : KEY_SHAPE.test(key);
    if (!accepted) {
      send(socket, {
        action: ACTION.ERROR,
        error: { code: 40101, statusCode: 401, message: 'Invalid key in request (fake Ably endpoint)' },
      });
      socket.close();
      return;
    }
    openConnection(socket, query);
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (Date.now() < refuseUntil) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request));
  });

  const pingTimer = setInterval(
    () => {
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.ping();
    },
    Math.max(50, Math.floor(maxIdleInterval / 3)),
  );
  pingTimer.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;

  function dropConnections(): void {
    for (const conn of connections.values()) {
      if (conn.socket) {
        const socket = conn.socket;
        detachSocket(conn, socket);
        socket.terminate();
      }
    }
  }

  return {
    port,
    endpointOptions(key?: string): FakeAblyClientOptions {
      return {
        ...(key !== undefined ? { key } : {}),
        endpoint: '127.0.0.1',
        port,
        tls: false,
        useBinaryProtocol: false,
        disableConnectivityCheck: true,
        wsConnectivityCheckUrl: `ws://127.0.0.1:${port}/ws-up`,
        fallbackHosts: [],
        disconnectedRetryTimeout: 200,
        suspendedRetryTimeout: 500,
        realtimeRequestTimeout: 2_000,
        httpRequestTimeout: 2_000,
        channelRetryTimeout: 500,
        webSocketConnectTimeout: 2_000,
      };
    },
    publish(channel, data, opts = {}) {
      let message: Omit<WireMessage, 'id'> & { id?: string };
      const base = {
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        ...(opts.name !== undefined ? { name: opts.name } : {}),
      };
      if (typeof data === 'string') {
        message = { ...base, data };
      } else if (opts.asString) {
        message = { ...base, data: JSON.stringify(data) };
      } else if (Buffer.isBuffer(data)) {
        message = { ...base, data: data.toString('base64'), encoding: 'base64' };
      } else {
        message = { ...base, data: JSON.stringify(data), encoding: 'json' };
      }
      const stored = store(channel, message, `fake-publisher-${epoch}`);
      fanOut(channel, stored);
      return { id: stored.message.id, channelSerial: stored.channelSerial };
    },
    dropConnections,
    refuseFor(ms: number) {
      refuseUntil = Date.now() + ms;
      dropConnections();
    },
    forgetConnections() {
      for (const conn of connections.values()) conn.forgotten = true;
    },
    connectionsCount() {
      let n = 0;
      for (const conn of connections.values()) if (conn.socket && conn.socket.readyState === WebSocket.OPEN) n++;
      return n;
    },
    attachedChannels() {
      const names = new Set<string>();
      for (const conn of connections.values()) {
        if (!conn.socket) continue;
        for (const channel of conn.live) names.add(channel);
      }
      return [...names].sort();
    },
    async stop() {
      clearInterval(pingTimer);
      for (const socket of sockets) socket.terminate();
      sockets.clear();
      connections.clear();
      byKey.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}
