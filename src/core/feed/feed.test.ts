import * as Ably from 'ably';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AllocationSet, EnqueueResult, EventRecord, NewEvent } from '../../shared/dto';
import { settingsSchema, type Settings, type SettingsInput } from '../config/schema';
import { startFakeAbly, type FakeAbly } from '../../sim/ably/fake-ably';
import { Feed, type FeedLogEntry } from './feed';
import type { FeedState } from './feed-state';

const KEY = 'app.key:secret';

/** Dedup like the real queue (§5 rule 1): an id seen before, or an active `accountId:command`, is a duplicate. */
class MemorySink {
  readonly events = new Map<string, { event: NewEvent; by: string | undefined }>();
  readonly active = new Map<string, string>();
  failNext = 0;

  async enqueue(event: NewEvent, by?: string): Promise<EnqueueResult> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('queue unavailable');
    }
    const id = event.id ?? `${event.eventId}:${event.accountId}`;
    const slot = `${event.accountId}:${event.command}`;
    const existing = this.events.has(id) ? id : this.active.get(slot);
    if (existing !== undefined) return { status: 'duplicate', existingId: existing };
    this.events.set(id, { event, by });
    this.active.set(slot, id);
    return { status: 'queued', event: { id } as EventRecord };
  }

  /** Every event done: frees the `accountId:command` slots (ids stay known). */
  finishAll(): void {
    this.active.clear();
  }

  ids(): string[] {
    return [...this.events.keys()].sort();
  }
}

function allocations(asOf: Record<string, string | null>) {
  const table = { ...asOf };
  return {
    table,
    fail: false,
    async getAllocations(strategy: string): Promise<AllocationSet> {
      if (this.fail) throw new Error('allocation API returned 503');
      return {
        strategy,
        allocations: [{ symbol: 'SPY', weight: 1 }],
        asOf: table[strategy] ?? null,
        lastRebalanceOn: null,
        name: null,
        longName: null,
      };
    },
  };
}

function memory(last: Record<string, string | null>) {
  return {
    last: { ...last },
    async lastAsOf(accountId: string): Promise<string | null> {
      return this.last[accountId] ?? null;
    },
  };
}

const ACCOUNTS: SettingsInput['accounts'] = [
  { accountId: 'U1001', type: 'live', strategy: 'strat-a' },
  { accountId: 'U1002', type: 'live', strategy: 'strat-a' },
  { accountId: 'U1003', type: 'live', strategy: 'strat-b' },
  { accountId: 'DU1004', type: 'paper', strategy: 'strat-a' },
  { accountId: 'U1005', type: 'live', strategy: 'strat-c', enabled: false },
];

function settings(
  fake: FakeAbly | null,
  over: Partial<SettingsInput> & { key?: string; autoCatchUp?: boolean } = {},
): Settings {
  const { key = KEY, autoCatchUp = false, ...rest } = over;
  return settingsSchema.parse({
    tradingMode: 'live',
    accounts: ACCOUNTS,
    zehnlabs: {
      realtimeApiKey: key,
      realtime: fake ? { ...fake.endpointOptions(), logLevel: 0 } : {},
      autoCatchUp,
    },
    ...rest,
  });
}

/** Conditions are polled by vi.waitFor; the timeout bounds a hang on a loaded machine, it times nothing. */
const WAIT = { timeout: 8_000, interval: 10 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Feed', () => {
  let fake: FakeAbly | null = null;
  let feed: Feed | null = null;

  afterEach(async () => {
    await feed?.stop();
    feed = null;
    await fake?.stop();
    fake = null;
  });

  function makeFeed(
    opts: {
      sink?: MemorySink;
      alloc?: ReturnType<typeof allocations>;
      mem?: ReturnType<typeof memory>;
      createRealtime?: (o: Ably.ClientOptions) => Ably.Realtime;
    } = {},
  ) {
    const sink = opts.sink ?? new MemorySink();
    const alloc = opts.alloc ?? allocations({ 'strat-a': '2024-05-01', 'strat-b': '2024-05-01' });
    const mem = opts.mem ?? memory({ U1001: '2024-05-01', U1002: '2024-05-01', U1003: '2024-05-01' });
    const states: FeedState[] = [];
    const logs: FeedLogEntry[] = [];
    feed = new Feed({
      sink,
      allocations: alloc,
      rebalanceMemory: mem,
      enqueueRetryDelaysMs: [10, 10],
      ...(opts.createRealtime ? { createRealtime: opts.createRealtime } : {}),
    });
    feed.on('state', (s) => states.push(s));
    feed.on('log', (e) => logs.push(e));
    return { feed, sink, alloc, mem, states, logs };
  }

  async function connected(f: Feed, channels: string[]): Promise<void> {
    await vi.waitFor(() => {
      const state = f.state();
      expect(state.state, 'feed connected').toBe('connected');
      expect(state.channels.map((c) => [c.channel, c.state])).toEqual(
        [...channels].sort().map((c) => [c, 'connected']),
      );
    }, WAIT);
    await vi.waitFor(() => expect(fake?.attachedChannels(), 'channels attached').toEqual(channels), WAIT);
  }

  it('fans each message out to exactly the accounts of its strategy in the current mode', async () => {
    fake = await startFakeAbly();
    const { feed, sink, logs } = makeFeed();
    await feed.start(settings(fake));
    await connected(feed, ['strat-a', 'strat-b']);
    expect(feed.health()).toEqual({ state: 'green', detail: 'connected — 2 channels' });

    fake.publish('strat-a', { exec: 'rebalance', eventId: 'e1' });
    fake.publish('strat-b', { exec: 'print-equity', eventId: 'e2' }, { asString: true });
    fake.publish('strat-c', { exec: 'rebalance', eventId: 'e3' });
    await vi.waitFor(() => expect(sink.events.size, 'three events').toBe(3), WAIT);
    await feed.idle();
    expect(sink.ids()).toEqual(['e1:U1001', 'e1:U1002', 'e2:U1003']);
    expect(sink.events.get('e1:U1001')).toEqual({
      event: {
        id: 'e1:U1001',
        eventId: 'e1',
        accountId: 'U1001',
        command: 'rebalance',
        strategy: 'strat-a',
        source: 'zehnlabs',
        payload: { exec: 'rebalance', eventId: 'e1' },
      },
      by: 'feed',
    });
    expect(sink.events.get('e2:U1003')?.event.payload).toEqual({ exec: 'print-equity', eventId: 'e2' });
    const accepted = logs.filter((e) => e.outcome === 'accepted');
    expect(accepted.map((e) => [e.channel, e.eventId, e.accounts])).toEqual([
      ['strat-a', 'e1', ['U1001', 'U1002']],
      ['strat-b', 'e2', ['U1003']],
    ]);
    expect(accepted[0]?.messageId).toEqual(expect.any(String));
  });

  it('ignores a paper account in live mode and subscribes only to strategies of enabled accounts', async () => {
    fake = await startFakeAbly();
    const { feed, sink } = makeFeed();
    await feed.start(settings(fake, { accounts: [ACCOUNTS[3]!, ACCOUNTS[4]!, ACCOUNTS[2]!] }));
    await connected(feed, ['strat-b']);
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'p1' });
    fake.publish('strat-b', { exec: 'rebalance', eventId: 'p2' });
    await vi.waitFor(() => expect(sink.events.size, 'one event').toBe(1), WAIT);
    await sleep(50);
    expect(sink.ids()).toEqual(['p2:U1003']);
  });

  it('turns the same message delivered twice into one event per account', async () => {
    fake = await startFakeAbly();
    const { feed, sink, logs } = makeFeed();
    await feed.start(settings(fake));
    await connected(feed, ['strat-a', 'strat-b']);
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'dup' }, { id: 'm-1' });
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'dup' }, { id: 'm-1' });
    sink.finishAll();
    // without eventId: the message id decides, so a redelivery is still a duplicate after the first is done
    fake.publish('strat-b', { exec: 'print-positions' }, { id: 'm-2' });
    await vi.waitFor(() => expect(logs.filter((e) => e.outcome !== 'state').length, 'three outcomes').toBe(3), WAIT);
    sink.finishAll();
    fake.publish('strat-b', { exec: 'print-positions' }, { id: 'm-2' });
    await vi.waitFor(() => expect(logs.filter((e) => e.outcome !== 'state').length, 'four outcomes').toBe(4), WAIT);
    expect(sink.events.size).toBe(3);
    const outcomes = logs.filter((e) => e.outcome !== 'state').map((e) => e.outcome);
    expect(outcomes).toEqual(['accepted', 'duplicate', 'accepted', 'duplicate']);
    const noId = [...sink.events.values()].find((v) => v.event.accountId === 'U1003')?.event;
    expect(noId?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('rejects each malformed message with its reason, queues nothing and keeps working', async () => {
    fake = await startFakeAbly();
    const { feed, sink, logs } = makeFeed();
    await feed.start(settings(fake));
    await connected(feed, ['strat-a', 'strat-b']);
    const corpus: [unknown, RegExp][] = [
      [{ eventId: 'x1' }, /missing "exec"/],
      [{ exec: 'dance', eventId: 'x2' }, /unknown exec "dance"/],
      ['not json {', /not valid JSON/],
      ['[1,2,3]', /JSON object.*got an array/],
      [[{ exec: 'rebalance' }], /JSON object.*got an array/],
      [{ exec: 'rebalance', eventId: 'x6', pad: 'x'.repeat(70_000) }, /larger than 64 KiB/],
      [{ exec: 5 }, /"exec" must be a string, got a number/],
      [null, /got null/],
      [42, /got a number/],
      ['null', /got null/],
      ['"rebalance"', /got a string/],
      [{ exec: 'rebalance', eventId: { nested: 'id' } }, /"eventId" must be a string, got an object/],
      [{ exec: 'rebalance', eventId: 17 }, /"eventId" must be a string, got a number/],
      [{ exec: ['rebalance'] }, /"exec" must be a string, got an array/],
      [{ exec: 'rebalance', eventId: '' }, /"eventId" must not be empty/],
      ['', /empty string/],
    ];
    for (const [data] of corpus) fake.publish('strat-a', data);
    await vi.waitFor(
      () => expect(logs.filter((e) => e.outcome === 'rejected').length, 'all rejected').toBe(corpus.length),
      WAIT,
    );
    const rejected = logs.filter((e) => e.outcome === 'rejected');
    corpus.forEach(([, reason], i) => expect(rejected[i]?.reason).toMatch(reason));
    expect(rejected[1]?.eventId).toBe('x2');
    expect(sink.events.size).toBe(0);
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'ok' });
    await vi.waitFor(() => expect(sink.events.size, 'valid message after the corpus').toBe(2), WAIT);
    expect(feed.state().state).toBe('connected');
  });

  it('resumes a dropped connection and still receives what was published meanwhile and later', async () => {
    fake = await startFakeAbly();
    const { feed, sink, logs, states } = makeFeed();
    await feed.start(settings(fake));
    await connected(feed, ['strat-a', 'strat-b']);
    const id = feed.state().connectionId;
    fake.refuseFor(300);
    fake.publish('strat-b', { exec: 'rebalance', eventId: 'during' });
    await vi.waitFor(
      () => expect([...sink.events.keys()], 'message published while disconnected').toContain('during:U1003'),
      WAIT,
    );
    await connected(feed, ['strat-a', 'strat-b']);
    fake.publish('strat-b', { exec: 'print-equity', eventId: 'after' });
    await vi.waitFor(() => expect([...sink.events.keys()], 'message after resume').toContain('after:U1003'), WAIT);
    expect(feed.state().connectionId).toBe(id);
    expect(states.some((s) => s.state === 'disconnected')).toBe(true);
    expect(logs.some((e) => e.outcome === 'gap')).toBe(false);
  });

  it('flags a possible gap after an outage longer than the resume window and catches up', async () => {
    fake = await startFakeAbly({ resumeWindowMs: 200 });
    const alloc = allocations({ 'strat-a': '2024-05-01', 'strat-b': '2024-05-01' });
    const { feed, sink, logs, states } = makeFeed({ alloc });
    const missedEvents: number[] = [];
    feed.on('missed', (m) => missedEvents.push(m.size));
    await feed.start(settings(fake, { autoCatchUp: true }));
    await connected(feed, ['strat-a', 'strat-b']);
    await feed.idle();
    expect(feed.missedSignals().size).toBe(0);

    fake.refuseFor(700);
    alloc.table['strat-a'] = '2024-06-03';
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'lost' });
    await vi.waitFor(
      () => expect(logs.filter((e) => e.outcome === 'gap').length, 'gap on both channels').toBe(2),
      WAIT,
    );
    await vi.waitFor(() => expect(sink.events.size, 'catch-up events').toBe(2), WAIT);
    await feed.idle();

    expect(states.some((s) => s.channels.some((c) => c.possibleGap))).toBe(true);
    expect(sink.ids()).toEqual(['catch-up:2024-06-03:U1001', 'catch-up:2024-06-03:U1002']);
    expect(sink.events.get('catch-up:2024-06-03:U1001')).toMatchObject({
      by: 'catch-up',
      event: { eventId: 'catch-up:2024-06-03', source: 'catch-up', command: 'rebalance', strategy: 'strat-a' },
    });
    expect(Object.fromEntries(feed.missedSignals())).toEqual({
      U1001: { strategy: 'strat-a', asOf: '2024-06-03', lastAsOf: '2024-05-01' },
      U1002: { strategy: 'strat-a', asOf: '2024-06-03', lastAsOf: '2024-05-01' },
    });
    expect(missedEvents.at(-1)).toBe(2);
    expect(feed.state().channels.every((c) => !c.possibleGap)).toBe(true);
    expect(feed.health().state).toBe('green');

    // the lost message was not replayed; the feed still works
    fake.publish('strat-b', { exec: 'print-orders', eventId: 'later' });
    await vi.waitFor(() => expect([...sink.events.keys()], 'message after the gap').toContain('later:U1003'), WAIT);

    // a recorded rebalance clears the mark; a second catch-up for the same as_of is a duplicate
    feed.noteRebalanced('U1001', '2024-06-03');
    expect([...feed.missedSignals().keys()]).toEqual(['U1002']);
    expect((await feed.enqueueCatchUp('U1002')).status).toBe('duplicate');
  });

  it('marks missed signals at start, enqueues catch-up on one click, and survives an allocation API failure', async () => {
    const alloc = allocations({ 'strat-a': '2024-06-03', 'strat-b': '2024-05-01' });
    const mem = memory({ U1001: '2024-05-01', U1003: '2024-05-01' }); // U1002 never rebalanced
    const created = vi.fn();
    const { feed, sink, logs } = makeFeed({ alloc, mem, createRealtime: created });
    await feed.start(settings(null, { key: '' }));
    await feed.idle();
    expect(created).not.toHaveBeenCalled();
    expect(feed.health()).toEqual({
      state: 'amber',
      detail: 'no API key set — Zehnlabs signals will not arrive; add it in Settings',
    });
    expect(Object.fromEntries(feed.missedSignals())).toEqual({
      U1001: { strategy: 'strat-a', asOf: '2024-06-03', lastAsOf: '2024-05-01' },
      U1002: { strategy: 'strat-a', asOf: '2024-06-03', lastAsOf: null },
    });
    expect(sink.events.size).toBe(0);

    expect((await feed.enqueueCatchUp('U1001')).status).toBe('queued');
    expect(sink.events.get('catch-up:2024-06-03:U1001')?.by).toBe('operator');
    expect((await feed.enqueueCatchUp('U1001')).status).toBe('duplicate');
    await expect(feed.enqueueCatchUp('U9999')).rejects.toMatchObject({ code: 'invalid' });

    mem.last.U1002 = '2024-06-03';
    expect([...(await feed.refreshMissed()).keys()]).toEqual(['U1001']);
    feed.clearMissed('U1001');
    expect(feed.missedSignals().size).toBe(0);

    alloc.fail = true;
    await feed.update(
      settings(null, { key: '', accounts: [...ACCOUNTS, { accountId: 'U1006', type: 'live', strategy: 'strat-b' }] }),
    );
    await feed.idle();
    expect(logs.at(-1)?.reason).toMatch(/could not read the allocations of strat-b: allocation API returned 503/);
    expect(feed.missedSignals().size).toBe(0);
  });

  it('fails a wrong key with a clear reason, keeps the feed object usable and recovers with the right key', async () => {
    fake = await startFakeAbly({ keys: [KEY] });
    const { feed, sink, logs } = makeFeed();
    await feed.start(settings(fake, { key: 'app.key:wrong' }));
    await vi.waitFor(() => expect(feed.state().state, 'failed state').toBe('failed'), WAIT);
    expect(feed.state().reason).toBe('Zehnlabs rejected the realtime API key (40101)');
    expect(feed.health()).toEqual({ state: 'red', detail: 'failed: Zehnlabs rejected the realtime API key (40101)' });
    expect(logs.some((e) => e.outcome === 'state' && /40101/.test(e.reason ?? ''))).toBe(true);
    await feed.idle();
    expect(feed.feedLog().length).toBeGreaterThan(0);
    expect(feed.missedSignals().size).toBe(0);

    await feed.update(settings(fake));
    await connected(feed, ['strat-a', 'strat-b']);
    fake.publish('strat-a', { exec: 'rebalance', eventId: 'k1' });
    await vi.waitFor(() => expect(sink.events.size, 'events with the right key').toBe(2), WAIT);
  });

  it('a wrong key can be stopped cleanly', async () => {
    fake = await startFakeAbly({ keys: [KEY] });
    const { feed } = makeFeed();
    await feed.start(settings(fake, { key: 'app.key:wrong' }));
    await vi.waitFor(() => expect(feed.state().state, 'failed state').toBe('failed'), WAIT);
    await feed.stop();
    expect(feed.state().state).toBe('off');
  });

  it('attaches a strategy added at run time and detaches one whose last account is removed', async () => {
    fake = await startFakeAbly();
    const { feed, sink } = makeFeed();
    await feed.start(settings(fake, { accounts: [ACCOUNTS[0]!] }));
    await connected(feed, ['strat-a']);

    await feed.update(settings(fake, { accounts: [ACCOUNTS[0]!, ACCOUNTS[2]!] }));
    await connected(feed, ['strat-a', 'strat-b']);
    expect(fake.connectionsCount()).toBe(1);
    fake.publish('strat-b', { exec: 'rebalance', eventId: 'new' });
    await vi.waitFor(() => expect([...sink.events.keys()], 'event for the added account').toContain('new:U1003'), WAIT);

    await feed.update(settings(fake, { accounts: [ACCOUNTS[0]!] }));
    await connected(feed, ['strat-a']);
    expect(feed.state().channels.map((c) => c.channel)).toEqual(['strat-a']);
    fake.publish('strat-b', { exec: 'print-equity', eventId: 'gone' });
    fake.publish('strat-a', { exec: 'print-equity', eventId: 'still' });
    await vi.waitFor(
      () => expect([...sink.events.keys()], 'event on the remaining channel').toContain('still:U1001'),
      WAIT,
    );
    await feed.idle();
    expect(sink.ids()).toEqual(['new:U1003', 'still:U1001']);

    await feed.update(settings(fake, { accounts: [] }));
    await vi.waitFor(() => expect(fake?.attachedChannels().length, 'no channels').toBe(0), WAIT);
    expect(feed.health()).toEqual({ state: 'amber', detail: 'no enabled live accounts — nothing to subscribe to' });
  });

  it('reports client options the SDK refuses as failed, without throwing', async () => {
    const { feed } = makeFeed();
    const s = settings(null);
    s.zehnlabs.realtime = { endpoint: '127.0.0.1', realtimeHost: '127.0.0.1' };
    await feed.start(s);
    expect(feed.state()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/\(40106\)$/) });
    expect(feed.health().state).toBe('red');
  });

  it('applies quick successive key changes in order with a single live client', async () => {
    fake = await startFakeAbly();
    const created: Ably.Realtime[] = [];
    const { feed, sink } = makeFeed({
      createRealtime: (o) => {
        const client = new Ably.Realtime(o);
        created.push(client);
        return client;
      },
    });
    await feed.start(settings(fake, { key: 'app.key:one' }));
    void feed.update(settings(fake, { key: 'app.key:two' }));
    await feed.update(settings(fake, { key: 'app.key:three' }));
    await connected(feed, ['strat-a', 'strat-b']);
    expect(created).toHaveLength(3);
    expect(created.map((c) => c.connection.state)).toEqual(['closed', 'closed', 'connected']);
    expect(fake.connectionsCount()).toBe(1);
    fake.publish('strat-b', { exec: 'rebalance', eventId: 'k3' });
    await vi.waitFor(() => expect([...sink.events.keys()], 'event on the last client').toContain('k3:U1003'), WAIT);
  });

  it('retries an enqueue the queue refused and records what happened', async () => {
    fake = await startFakeAbly();
    const { feed, sink, logs } = makeFeed();
    await feed.start(settings(fake, { accounts: [ACCOUNTS[2]!] }));
    await connected(feed, ['strat-b']);
    sink.failNext = 2;
    fake.publish('strat-b', { exec: 'rebalance', eventId: 'r1' });
    await vi.waitFor(() => expect([...sink.events.keys()], 'queued after retries').toContain('r1:U1003'), WAIT);
    sink.failNext = 5;
    fake.publish('strat-b', { exec: 'print-equity', eventId: 'r2' });
    await vi.waitFor(
      () =>
        expect(
          logs.map((e) => e.eventId),
          'r2 outcome',
        ).toContain('r2'),
      WAIT,
    );
    expect(logs.find((e) => e.eventId === 'r2')).toMatchObject({
      outcome: 'rejected',
      reason: 'could not be queued for U1003 (queue unavailable)',
    });
  });
});
