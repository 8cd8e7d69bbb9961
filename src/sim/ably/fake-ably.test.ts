import * as Ably from 'ably';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeAbly, type FakeAbly } from './fake-ably';

const KEY = 'app.key:secret';

/** Conditions are polled by vi.waitFor; the timeout bounds a hang on a loaded machine, it times nothing. */
const WAIT = { timeout: 5_000, interval: 10 };

describe('fake Ably endpoint', () => {
  let fake: FakeAbly | undefined;
  const clients: Ably.Realtime[] = [];

  function client(key = KEY, extra: Partial<Ably.ClientOptions> = {}): Ably.Realtime {
    const c = new Ably.Realtime({ ...fake!.endpointOptions(key), logLevel: 0, ...extra });
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await fake?.stop();
    fake = undefined;
  });

  it('connects the real SDK, attaches with the subscribe mode and delivers object and string data', async () => {
    fake = await startFakeAbly();
    const c = client();
    await c.connection.once('connected');
    const channel = c.channels.get('etf-blend');
    const got: unknown[] = [];
    await channel.subscribe((m) => got.push(m.data));
    expect(channel.state).toBe('attached');
    expect(channel.modes).toContain('subscribe');
    expect(fake.attachedChannels()).toEqual(['etf-blend']);
    fake.publish('etf-blend', { exec: 'rebalance', eventId: 'e1' });
    fake.publish('etf-blend', { exec: 'rebalance', eventId: 'e2' }, { asString: true });
    fake.publish('other', { exec: 'rebalance' });
    await vi.waitFor(() => expect(got).toHaveLength(2), WAIT);
    expect(got).toEqual([{ exec: 'rebalance', eventId: 'e1' }, '{"exec":"rebalance","eventId":"e2"}']);
    expect(fake.connectionsCount()).toBe(1);
  });

  it('answers ping, publish (ACK and echo) and detach', async () => {
    fake = await startFakeAbly();
    const c = client();
    await c.connection.once('connected');
    expect(await c.connection.ping()).toBeGreaterThanOrEqual(0);
    const channel = c.channels.get('s1');
    const got: unknown[] = [];
    await channel.subscribe((m) => got.push(m.data));
    await channel.publish('signal', { exec: 'print-equity' });
    await vi.waitFor(() => expect(got).toHaveLength(1), WAIT);
    expect(got[0]).toEqual({ exec: 'print-equity' });
    await channel.detach();
    expect(channel.state).toBe('detached');
    expect(fake.attachedChannels()).toEqual([]);
  });

  it('resumes a dropped connection with the same id and replays what was missed', async () => {
    fake = await startFakeAbly();
    const c = client();
    await c.connection.once('connected');
    const id = c.connection.id;
    const channel = c.channels.get('s1');
    const got: unknown[] = [];
    const resumes: boolean[] = [];
    await channel.subscribe((m) => got.push(m.data));
    channel.on('attached', (change) => resumes.push(change.resumed));
    fake.refuseFor(300);
    fake.publish('s1', { n: 1 });
    await vi.waitFor(() => expect([got.length, channel.state, resumes.length]).toEqual([1, 'attached', 1]), WAIT);
    expect(resumes).toEqual([true]);
    expect(c.connection.id).toBe(id);
    expect(got).toEqual([{ n: 1 }]);
    fake.publish('s1', { n: 2 });
    await vi.waitFor(() => expect(got).toHaveLength(2), WAIT);
  });

  it('rejects a resume of a forgotten connection with 80008 and a new id', async () => {
    fake = await startFakeAbly();
    const c = client();
    await c.connection.once('connected');
    const id = c.connection.id;
    const channel = c.channels.get('s1');
    await channel.subscribe(() => undefined);
    const resumes: boolean[] = [];
    channel.on('attached', (change) => resumes.push(change.resumed));
    const reconnected = new Promise<Ably.ConnectionStateChange>((resolve) =>
      c.connection.on('connected', (change) => resolve(change)),
    );
    fake.forgetConnections();
    fake.dropConnections();
    const change = await reconnected;
    expect(change.reason?.code).toBe(80008);
    expect(c.connection.id).not.toBe(id);
    await vi.waitFor(() => expect(resumes).toHaveLength(1), WAIT);
    expect(resumes).toEqual([false]);
  });

  it('fails a wrong key with 40101 and no retry', async () => {
    fake = await startFakeAbly({ keys: [KEY] });
    const c = client('app.key:wrong');
    const change = await c.connection.once('failed');
    expect(change.reason?.code).toBe(40101);
    await new Promise((r) => setTimeout(r, 400));
    expect(c.connection.state).toBe('failed');
  });
});
