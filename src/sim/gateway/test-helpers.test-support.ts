import net from 'node:net';
import { EventName, IBApi, IBApiNext } from '@stoqey/ib';
import { vi } from 'vitest';
import { startSimGateway } from './index';
import { encodeFrame, type Field, readFrame } from './protocol';
import type { SimGateway, SimGatewayOptions } from './types';

/** Errors and infos one client has seen. */
export interface Codes {
  errors: Array<{ code: number; id: number; message: string }>;
  infos: Array<{ code: number; message: string }>;
}

/** Attaches to EventName.error and EventName.info and collects codes. */
export function collectCodes(api: IBApi): Codes {
  const codes: Codes = { errors: [], infos: [] };
  api.on(EventName.error, (err: Error, code: number, reqId: number) => {
    codes.errors.push({ code, id: reqId, message: err?.message ?? String(err) });
  });
  api.on(EventName.info, (message: string, code: number) => {
    codes.infos.push({ code, message });
  });
  return codes;
}

/** Resolves with the first truthy value of `check` (polled by vi.waitFor), rejects after the timeout. */
export function until<T>(check: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  return vi.waitFor(
    () => {
      const v = check();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: timeoutMs, interval: 5 },
  );
}

type Listener = (...args: unknown[]) => void;
interface LooseEmitter {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/** Subscribes to any client event with an untyped listener. */
export function onEvent(api: IBApi, event: EventName, listener: Listener): () => void {
  const e = api as unknown as LooseEmitter;
  e.on(event, listener);
  return () => e.off(event, listener);
}

/** Waits for the next event of that name on a classic client (optionally matching a predicate). */
export function nextEvent<T extends unknown[]>(
  api: IBApi,
  event: EventName,
  predicate: (...args: T) => boolean = () => true,
  timeoutMs = 3000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const off = onEvent(api, event, (...args: unknown[]) => {
      if (!predicate(...(args as T))) return;
      clearTimeout(timer);
      off();
      resolve(args as T);
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
  });
}

/** The classic IBApi inside an IBApiNext (for error/info collection in tests). */
export function innerApi(next: IBApiNext): IBApi {
  return (next as unknown as { api: IBApi }).api;
}

/** Tracks gateways and clients of a test; `cleanup()` stops them and reports any decode error (505). */
export class Harness {
  private readonly gateways: SimGateway[] = [];
  private readonly classics: IBApi[] = [];
  private readonly nexts: IBApiNext[] = [];
  private readonly sockets: net.Socket[] = [];
  readonly allCodes: Codes[] = [];

  async gateway(options: SimGatewayOptions = {}): Promise<SimGateway> {
    const gw = await startSimGateway({ port: 0, ...options });
    this.gateways.push(gw);
    return gw;
  }

  /** A classic client, not yet connected. */
  classic(gw: SimGateway, clientId: number): { api: IBApi; codes: Codes } {
    const api = new IBApi({ host: gw.host, port: gw.port, clientId });
    this.classics.push(api);
    const codes = collectCodes(api);
    this.allCodes.push(codes);
    return { api, codes };
  }

  /** A classic client connected up to nextValidId. */
  async connectClassic(gw: SimGateway, clientId: number): Promise<{ api: IBApi; codes: Codes; nextId: number }> {
    const c = this.classic(gw, clientId);
    const ready = nextEvent<[number]>(c.api, EventName.nextValidId);
    c.api.connect();
    const [nextId] = await ready;
    return { ...c, nextId };
  }

  /** An IBApiNext client connected with this client id. */
  async connectNext(gw: SimGateway, clientId: number): Promise<{ next: IBApiNext; codes: Codes }> {
    const next = new IBApiNext({ host: gw.host, port: gw.port, reconnectInterval: 0 });
    this.nexts.push(next);
    const codes = collectCodes(innerApi(next));
    this.allCodes.push(codes);
    const ready = nextEvent<[number]>(innerApi(next), EventName.nextValidId);
    next.connect(clientId);
    await ready;
    return { next, codes };
  }

  /** A raw socket that completed the handshake; `frames` collects every decoded reply. */
  async raw(
    gw: SimGateway,
    versions = 'v100..193',
  ): Promise<{ socket: net.Socket; frames: string[][]; send: (...messages: Field[][]) => void }> {
    const socket = net.connect({ host: gw.host, port: gw.port });
    this.sockets.push(socket);
    const frames: string[][] = [];
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const fr = readFrame(buf);
        if (fr.kind !== 'frame') break;
        buf = buf.subarray(fr.consumed);
        frames.push(fr.fields);
      }
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const v = Buffer.from(versions, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(v.length, 0);
    socket.write(Buffer.concat([Buffer.from('API\0', 'latin1'), len, v]));
    await until(() => frames.length >= 1, 2000, 'server version');
    const send = (...messages: Field[][]): void => {
      socket.write(Buffer.concat(messages.map((m) => encodeFrame(m))));
    };
    return { socket, frames, send };
  }

  /** Disconnects every client, stops every gateway, and throws if any client saw error 505. */
  async cleanup(): Promise<void> {
    for (const api of this.classics) {
      try {
        api.disconnect();
      } catch {
        /* already gone */
      }
    }
    for (const n of this.nexts) {
      try {
        n.disconnect();
      } catch {
        /* already gone */
      }
    }
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.gateways.map((g) => g.stop()));
    this.classics.length = 0;
    this.nexts.length = 0;
    this.sockets.length = 0;
    this.gateways.length = 0;
    const decodeErrors = this.allCodes.flatMap((c) => c.errors.filter((e) => e.code === 505));
    this.allCodes.length = 0;
    if (decodeErrors.length > 0)
      throw new Error(`decode errors (505): ${decodeErrors.map((e) => e.message).join(' | ')}`);
  }
}
