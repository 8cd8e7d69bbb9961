import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IbStatus } from './connection';
import { drawClientId } from './connection';
import { IbClient } from './ib-client';
import { IbError } from './ib-errors';
import {
  closeHarness,
  MemoryClientIdStore,
  rejectionOf,
  startHarness,
  until,
  type Harness,
} from './test-harness.test-support';

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await closeHarness(h);
});

describe('drawClientId', () => {
  it('draws in 1000–2999 and never the id it must avoid', () => {
    expect(drawClientId(() => 0)).toBe(1000);
    expect(drawClientId(() => 0.999999)).toBe(2999);
    expect(drawClientId(() => 0.5, 2000)).not.toBe(2000);
    let n = 0;
    const seq = [0.5, 0.5, 0.1];
    expect(drawClientId(() => seq[n++] ?? 0, 2000)).toBe(1200);
  });
});

describe('IbConnection', () => {
  it('draws a client id once per installation, saves it and uses it again on the next start', async () => {
    harness = await startHarness();
    const store = new MemoryClientIdStore();
    const states: IbStatus[] = [];
    const first = await harness.connect({ clientIdStore: store, random: () => 0.25 });
    expect(store.saved).toEqual([1500]);
    expect(first.clientId).toBe(1500);
    expect(first.status()).toMatchObject({ state: 'connected', clientId: 1500, accounts: ['DU1000001', 'DU1000002'] });
    expect(harness.gw.connectedClients()).toContain(1500);
    await first.stop();
    expect(first.state).toBe('disconnected');

    const second = await harness.connect({ clientIdStore: store, random: () => 0.9 });
    const unsubscribe = second.on('state', (s) => states.push(s));
    unsubscribe();
    harness.gw.dropConnections();
    await until(() => second.state !== 'connected', 1_000, 'the drop');
    await second.whenConnected(3_000);
    expect(states).toEqual([]);
    expect(second.clientId).toBe(1500);
    expect(store.saved).toEqual([1500]);
    await until(() => harness!.gw.connectedClients().includes(1500), 2_000, 'the gateway to see 1500');
  });

  it('fails a request at once with a transient error while the gateway is down, and keeps retrying', async () => {
    const client = new IbClient({
      host: '127.0.0.1',
      port: 1, // nothing listens there
      clientId: 1234,
      clientIdStore: new MemoryClientIdStore(),
      connectTimeoutMs: 500,
      reconnectDelayMs: 100,
    });
    const states: IbStatus[] = [];
    client.on('state', (s) => states.push(s));
    try {
      await client.start();
      await until(() => states.filter((s) => s.state === 'connecting').length >= 2, 2_000, 'a second attempt');
      const started = Date.now();
      const error = await rejectionOf(client.getEquity('DU1000001'));
      expect(Date.now() - started).toBeLessThan(50);
      expect(error).toBeInstanceOf(IbError);
      expect(error).toMatchObject({ kind: 'transient', code: 504 });
      await expect(client.whenConnected(100)).rejects.toMatchObject({ kind: 'transient', code: 504 });
      const down = states.find((s) => s.state === 'disconnected');
      expect(down?.reason).toMatch(/ECONNREFUSED|closed/);
    } finally {
      await client.stop();
    }
  });

  it('gives up an attempt after connectTimeoutMs when the gateway does not answer', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = new IbClient({
      host: '127.0.0.1',
      port,
      clientId: 1234,
      clientIdStore: new MemoryClientIdStore(),
      connectTimeoutMs: 300,
      reconnectDelayMs: 100,
    });
    const states: IbStatus[] = [];
    client.on('state', (s) => states.push(s));
    try {
      await client.start();
      await until(() => states.some((s) => s.state === 'disconnected'), 2_000, 'the connect timeout');
      expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(/within 300 ms/);
      await until(() => sockets.length >= 2, 2_000, 'a second attempt');
    } finally {
      await client.stop();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('fails pending requests quickly when the connection drops, then reconnects by itself', async () => {
    harness = await startHarness();
    // A request timeout far beyond the test's: a lookup that waited for it instead of failing with the drop would hang
    // the test, and the code 504 below says each failed because the connection went.
    const client = await harness.connect({ reconnectDelayMs: 300, requestTimeoutMs: 600_000 });
    const states: IbStatus[] = [];
    client.on('state', (s) => states.push(s));
    const symbols = Array.from({ length: 80 }, (_, i) => `X${i}`);
    for (const [i, symbol] of symbols.entries()) {
      harness.gw.addSymbol({
        symbol,
        conId: 700_000 + i,
        primaryExchange: 'ARCA',
        bid: 10,
        ask: 10.1,
        last: 10,
        close: 10,
      });
    }
    // 80 lookups take about two seconds at 40 messages/s: most are still pending when the gateway drops us.
    let answered = 0;
    const lookups = Promise.allSettled(symbols.map((s) => client.resolveContract(s).finally(() => (answered += 1))));
    // The gateway is answering (the requests are on the wire) while most lookups are still pending.
    await until(() => answered >= 5, 3_000, 'the first answers');
    harness.gw.dropConnections();
    const results = await lookups;
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures.length).toBeGreaterThan(10);
    for (const failure of failures) {
      expect(failure.reason).toBeInstanceOf(IbError);
      expect(failure.reason).toMatchObject({ kind: 'transient', code: 504 });
    }
    await client.whenConnected(3_000);
    expect(states.map((s) => s.state)).toEqual(['disconnected', 'connecting', 'connected']);
    const spy = await client.resolveContract('SPY');
    expect(spy.conId).toBe(756733);
  });

  it('switches to a new saved client id when the gateway says 326 (client id in use)', async () => {
    harness = await startHarness();
    await harness.connect({ clientId: 2222 });
    const store = new MemoryClientIdStore(2222);
    const second = await harness.connect({ clientIdStore: store, random: () => 0.1 });
    expect(second.clientId).toBe(1200);
    expect(store.value).toBe(1200);
    expect(store.saved).toEqual([1200]);
    expect(harness.messages.some((m) => m.code === 326)).toBe(true);
    expect(harness.gw.connectedClients().sort()).toEqual([1200, 2222]);
    expect((await second.getEquity('DU1000001')).netLiquidation).toBeGreaterThan(0);
  });

  it('paces a burst of 150 requests below 50 messages in any second', async () => {
    harness = await startHarness();
    const client = await harness.connect();
    const symbols = Array.from({ length: 75 }, (_, i) => `P${i}`);
    for (const [i, symbol] of symbols.entries()) {
      harness.gw.addSymbol({
        symbol,
        conId: 800_000 + i,
        primaryExchange: 'ARCA',
        bid: 20,
        ask: 20.1,
        last: 20,
        close: 20,
      });
    }
    const before = harness.gw.messageStats().total;
    // 75 contract lookups + 75 snapshots (+ one market-data type) in one burst.
    const quotes = await client.getQuotes(symbols);
    expect(quotes.size).toBe(75);
    const stats = harness.gw.messageStats();
    expect(stats.total - before).toBeGreaterThanOrEqual(150);
    expect(stats.peakPerSecond).toBeLessThanOrEqual(50);
    expect(stats.pacingViolations).toBe(0);
    expect(harness.messages.some((m) => m.code === 100)).toBe(false);
  });
});
