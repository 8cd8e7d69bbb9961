import { ConnectionState, EventName } from '@stoqey/ib';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, nextEvent, onEvent, until } from './test-helpers.test-support';

const h = new Harness();
afterEach(() => h.cleanup());

describe('sim gateway: connection', () => {
  it('handshakes with IBApi: server version 193, managed accounts, next valid id, farm infos', async () => {
    const gw = await h.gateway();
    const { api, codes } = h.classic(gw, 11);
    const accounts = nextEvent<[string]>(api, EventName.managedAccounts);
    const server = nextEvent<[number, string]>(api, EventName.server);
    const nextId = nextEvent<[number]>(api, EventName.nextValidId);
    api.connect();
    expect((await server)[0]).toBe(193);
    expect((await accounts)[0]).toBe('DU1000001,DU1000002');
    expect((await nextId)[0]).toBeGreaterThanOrEqual(1000);
    await until(() => codes.infos.length >= 3);
    expect(codes.infos.map((i) => i.code)).toEqual([2104, 2106, 2158]);
    expect(gw.connectedClients()).toEqual([11]);
    const time = nextEvent<[number]>(api, EventName.currentTime);
    api.reqCurrentTime();
    expect(Math.abs((await time)[0] - Date.now() / 1000)).toBeLessThan(5);
  });

  it('handshakes with IBApiNext: connected, managed accounts, next valid order id', async () => {
    const gw = await h.gateway();
    const { next } = await h.connectNext(gw, 12);
    expect(next.isConnected).toBe(true);
    expect(await next.getManagedAccounts()).toEqual(['DU1000001', 'DU1000002']);
    const id1 = await next.getNextValidOrderId();
    const id2 = await next.getNextValidOrderId();
    expect(id1).toBeGreaterThanOrEqual(1000);
    expect(id2).toBeGreaterThan(id1);
    expect(Math.abs((await next.getCurrentTime()) - Date.now() / 1000)).toBeLessThan(5);
    next.logLevel = 3;
    expect(await next.getCurrentTime()).toBeGreaterThan(0);
  });

  it('serves pre-V100 (legacy) clients at server version 76 for the fixed-length requests', async () => {
    const gw = await h.gateway();
    const { api, codes } = h.classic(gw, 13);
    api.disableUseV100Plus();
    const server = nextEvent<[number]>(api, EventName.server);
    const ready = nextEvent<[number]>(api, EventName.nextValidId);
    api.connect();
    expect((await server)[0]).toBe(76);
    expect((await ready)[0]).toBeGreaterThanOrEqual(1000);
    const positions: string[] = [];
    onEvent(api, EventName.position, (account, contract) =>
      positions.push(`${account as string}:${(contract as { symbol: string }).symbol}`),
    );
    const posEnd = nextEvent(api, EventName.positionEnd);
    api.reqPositions();
    await posEnd;
    expect(positions).toHaveLength(5);
    const time = nextEvent<[number]>(api, EventName.currentTime);
    api.reqCurrentTime();
    expect((await time)[0]).toBeGreaterThan(0);
    expect(codes.infos.map((i) => i.code)).toEqual([2104, 2106, 2158]);
  });

  it('answers 326 for a client id already connected and closes that socket', async () => {
    const gw = await h.gateway();
    await h.connectClassic(gw, 21);
    const second = h.classic(gw, 21);
    const disconnected = nextEvent(second.api, EventName.disconnected);
    second.api.connect();
    await disconnected;
    expect(second.codes.infos.map((i) => i.code)).toContain(326);
    expect(gw.connectedClients()).toEqual([21]);
  });

  it('pacing: a raw burst of 60 messages gives error 100 and drops the excess', async () => {
    const gw = await h.gateway();
    const raw = await h.raw(gw);
    expect(raw.frames[0]?.[0]).toBe('193');
    raw.send([71, 2, 31, '']);
    await until(() => raw.frames.some((f) => f[0] === '9'));
    const burst = Array.from({ length: 60 }, () => [49, 1]);
    raw.send(...burst);
    await until(
      () =>
        raw.frames.filter((f) => f[0] === '4' && f[3] === '100').length === 11 &&
        raw.frames.filter((f) => f[0] === '49').length === 49,
      2000,
      'error 100 and the accepted replies',
    );
    const times = raw.frames.filter((f) => f[0] === '49').length;
    const pacing = raw.frames.filter((f) => f[0] === '4' && f[3] === '100');
    expect(times).toBe(49);
    expect(pacing.length).toBe(11);
    expect(pacing[0]?.[2]).toBe('-1');
    const stats = gw.messageStats();
    expect(stats.pacingViolations).toBe(11);
    expect(stats.total).toBe(61);
    expect(stats.byMsgId[49]).toBe(60);
    expect(stats.peakPerSecond).toBe(61);
  });

  it('with +PACEAPI the burst is queued instead of rejected', async () => {
    const gw = await h.gateway({ maxMsgsPerSec: 10 });
    const raw = await h.raw(gw, 'v100..193 +PACEAPI');
    raw.send([71, 2, 32, '']);
    await until(() => raw.frames.some((f) => f[0] === '9'));
    raw.send(...Array.from({ length: 12 }, () => [49, 1]));
    await until(() => raw.frames.filter((f) => f[0] === '49').length === 12, 3000, 'all current times');
    expect(raw.frames.some((f) => f[0] === '4' && f[3] === '100')).toBe(false);
  });

  it('ignores unknown message ids and survives malformed input', async () => {
    const gw = await h.gateway();
    const raw = await h.raw(gw);
    raw.send([71, 2, 33, '']);
    await until(() => raw.frames.some((f) => f[0] === '9'));
    raw.send([999, 1, 'x'], ['abc'], [3, 'notanumber'], [62], [9, 8], [1, 11, 5], [14, 1, 5]);
    raw.send([49, 1]);
    await until(() => raw.frames.some((f) => f[0] === '49'));
    expect(raw.frames.filter((f) => f[0] === '4' && f[3] === '320').length).toBeGreaterThanOrEqual(3);
    expect(gw.warnings().some((w) => w.includes('unknown message id 999'))).toBe(true);
    raw.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await until(() => raw.socket.destroyed || raw.socket.readableEnded, 2000, 'socket closed');
    const { next } = await h.connectNext(gw, 34);
    expect(await next.getCurrentTime()).toBeGreaterThan(0);
  });

  it('dropConnections: clients see the disconnect; the gateway keeps listening', async () => {
    const gw = await h.gateway();
    const a = await h.connectClassic(gw, 41);
    const { next } = await h.connectNext(gw, 42);
    const down = nextEvent(a.api, EventName.disconnected);
    const nextDown = firstValueFrom(next.connectionState.pipe(filter((s) => s === ConnectionState.Disconnected)));
    gw.dropConnections();
    await down;
    await nextDown;
    expect(gw.connectedClients()).toEqual([]);
    const again = await h.connectClassic(gw, 41);
    expect(again.nextId).toBeGreaterThanOrEqual(1000);
  });

  it('refuseConnections: new connections fail for that long, then succeed', async () => {
    const gw = await h.gateway();
    gw.refuseConnections(300);
    const { api } = h.classic(gw, 51);
    let gotId = false;
    api.on(EventName.nextValidId, () => {
      gotId = true;
    });
    const down = nextEvent(api, EventName.disconnected);
    api.connect();
    await down;
    expect(gotId).toBe(false);
    expect(gw.connectedClients()).toEqual([]);
    await new Promise((r) => setTimeout(r, 320));
    const ok = await h.connectClassic(gw, 52);
    expect(ok.nextId).toBeGreaterThanOrEqual(1000);
  });
});
