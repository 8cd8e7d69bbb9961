/**
 * §17 bad-input corpus: malformed feed messages, HTTP API requests, allocation API answers, settings files and
 * hand-written queue records, each a data file under test/corpus/. Every case gets a clear error naming what is
 * wrong; the core keeps running (health still answers, events still complete); the good events queued before the
 * corpus ran are still there, unchanged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/core/config/secrets';
import { SettingsStore } from '../../src/core/config/settings-store';
import { createHttpApp } from '../../src/server/http-app';
import type { FeedLogEntry } from '../../src/shared/contract';
import type { EventRecord } from '../../src/shared/dto';
import { startFakeAbly, type FakeAbly } from '../../src/sim/ably/fake-ably';
import { startStack, type Stack } from '../support/stack';
import { sleep, waitUntil } from './support';

const CORPUS = join(import.meta.dirname, '../corpus');
const TOKEN = 'corpus-token';
const STRATEGY = 'corpus-a';
const TARGET = 'DU7000001';
const KEEPER = 'DU7000002';

function cases<T>(dir: string): { name: string; file: string; data: T }[] {
  return readdirSync(join(CORPUS, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: basename(f, '.json'),
      file: join(CORPUS, dir, f),
      data: JSON.parse(readFileSync(join(CORPUS, dir, f), 'utf8')) as T,
    }));
}

interface FeedCase {
  data: unknown;
  asString?: boolean;
  expect: { outcome: 'rejected'; reason: string };
}
interface HttpCase {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  /** Bearer token to send; absent = the right one, null = none. */
  token?: string | null;
  expect: { status: number; error?: string; message?: string; issuePath?: string };
}
interface AllocationCase {
  status: number;
  contentType: string;
  body?: unknown;
  bodyText?: string;
  expect: { kind: string; message: string };
}
interface RecordCase {
  description: string;
  state: 'pending' | 'held';
  /** Written to `rebalance_event:{id}`; `{{id}}` and `{{status}}` are filled in. */
  raw: string;
  expect: string;
}

const feedCases = cases<FeedCase>('feed-messages');
const httpCases = cases<HttpCase>('http-bodies');
const allocationCases = cases<AllocationCase>('allocation-answers');
const recordCases = cases<RecordCase>('queue-records');
const settingsIndex = JSON.parse(readFileSync(join(CORPUS, 'settings-files/expected.json'), 'utf8')) as Record<
  string,
  { path: string }
>;
const settingsCases = Object.entries(settingsIndex).map(([file, { path }]) => ({
  name: file,
  text: readFileSync(join(CORPUS, 'settings-files', file), 'utf8'),
  path,
}));

const VALID_ANSWER: AllocationCase = {
  status: 200,
  contentType: 'application/json',
  body: {
    status: 'success',
    data: {
      allocations: [
        { symbol: 'SPY', allocation: 0.5 },
        { symbol: 'IEF', allocation: 0.5 },
      ],
      name: 'Corpus A',
      as_of: '2026-02-01',
    },
  },
  expect: { kind: '', message: '' },
};

let stack: Stack;
let fake: FakeAbly;
let api: ServerType;
let apiUrl = '';
let allocationServer: Server;
let answer: AllocationCase = VALID_ANSWER;
let keepers: { id: string; record: EventRecord; historyLength: number }[] = [];
let tmp = '';
let redisConn: Redis;

async function call(c: Pick<HttpCase, 'method' | 'path' | 'query' | 'body' | 'bodyText' | 'token'>) {
  const url = new URL(c.path, apiUrl);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const token = c.token === undefined ? TOKEN : c.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (c.bodyText !== undefined) body = c.bodyText;
  else if (c.body !== undefined) body = JSON.stringify(c.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: c.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

async function waitForEvent(id: string, test: (e: EventRecord) => boolean, what: string): Promise<EventRecord> {
  return waitUntil(
    async () => {
      const e = (await stack.runtime.queue.get(id))?.event;
      return e && test(e) ? e : null;
    },
    `${id} ${what}`,
    15_000,
  );
}

/** Deletes an event that may be between attempts (an active one cannot be deleted: try again). */
async function deleteEvent(id: string): Promise<void> {
  await waitUntil(
    async () => {
      try {
        await stack.runtime.queue.delete(id);
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'conflict') return false;
        throw error;
      }
    },
    `delete of ${id}`,
    10_000,
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rd-corpus-'));
  allocationServer = createServer((req, res) => {
    const a = answer;
    const text = a.bodyText ?? JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => allocationServer.listen(0, '127.0.0.1', resolve));
  const allocationsUrl = `http://127.0.0.1:${(allocationServer.address() as AddressInfo).port}/api/v1/strategies`;
  fake = await startFakeAbly();
  stack = await startStack({
    strategies: { [STRATEGY]: { allocations: [{ symbol: 'SPY', weight: 1 }] } },
    accounts: [
      { accountId: TARGET, cash: 50_000, strategy: STRATEGY },
      { accountId: KEEPER, cash: 50_000, strategy: STRATEGY },
      { accountId: 'DU7000003', cash: 50_000, strategy: STRATEGY },
    ],
    settings: {
      zehnlabs: {
        allocationsUrl,
        realtimeApiKey: 'corpus.key:secret',
        realtime: { ...fake.endpointOptions(), logLevel: 0 } as Record<string, unknown>,
      },
      management: { token: TOKEN },
      queue: { retryDelayMs: 300 },
    },
  });
  const runtime = stack.runtime;
  redisConn = runtime.redis!.connect('corpus');
  const app = createHttpApp({
    handlers: runtime.handlers,
    token: TOKEN,
    subscribe: (listener) => runtime.subscribe(listener),
    staticRoot: null,
  });
  api = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;

  // Good events, held so they stay put while the corpus runs; compared with what they are at the end.
  const queue = runtime.queue;
  await queue.pause();
  const ids: string[] = [];
  for (const command of ['rebalance', 'print-equity', 'print-positions', 'cancel-orders'] as const) {
    const r = await queue.enqueue({
      accountId: KEEPER,
      command,
      source: 'api',
      payload: { note: `keeper ${command}` },
    });
    if (r.status !== 'queued') throw new Error('keeper not queued');
    ids.push(r.event.id);
  }
  for (const id of ids) await queue.hold(id, 'pending', 'kept aside by the corpus test');
  await queue.resume();
  stack.runtime.processor.wakeAll();
  keepers = await Promise.all(
    ids.map(async (id) => {
      const d = (await queue.get(id))!;
      return { id, record: d.event, historyLength: d.history.length };
    }),
  );
  await waitUntil(() => fake.attachedChannels().includes(STRATEGY), 'the feed to attach to the strategy channel');
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  await stack?.stop();
  await fake?.stop();
  await new Promise<void>((resolve) => (allocationServer ? allocationServer.close(() => resolve()) : resolve()));
  allocationServer?.closeAllConnections();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('bad-input corpus', () => {
  it('holds at least 50 cases', () => {
    const total =
      feedCases.length + httpCases.length + allocationCases.length + settingsCases.length + recordCases.length;
    expect(total).toBeGreaterThanOrEqual(50);
  });

  describe('feed messages', () => {
    it.each(feedCases)('$name is rejected with a reason and queues nothing', async ({ data: c }) => {
      const before = stack.runtime.feed.feedLog().length;
      const counts = await stack.runtime.queue.counts();
      fake.publish(STRATEGY, c.data, { asString: c.asString ?? false });
      const entry = await waitUntil<FeedLogEntry>(
        () =>
          stack.runtime.feed
            .feedLog()
            .slice(before)
            .find((e) => e.channel === STRATEGY) ?? null,
        'the feed log entry',
        5_000,
      );
      expect(entry.outcome).toBe(c.expect.outcome);
      expect(entry.reason).toContain(c.expect.reason);
      expect(await stack.runtime.queue.counts()).toEqual(counts);
    });

    it('still accepts a good message after all of them', async () => {
      const eventId = `corpus-good-${Date.now()}`;
      fake.publish(STRATEGY, { exec: 'print-orders', eventId });
      const done = await waitForEvent(`${eventId}:${TARGET}`, (e) => e.status === 'done', 'done');
      expect(done.source).toBe('zehnlabs');
    });
  });

  describe('HTTP API requests', () => {
    it.each(httpCases)('$name answers $data.expect.status', async ({ data: c }) => {
      const answer = await call(c);
      expect(answer.status, answer.text).toBe(c.expect.status);
      if (c.expect.status >= 400) {
        expect(answer.json, answer.text).not.toBeNull();
        expect(answer.json!.error).toBe(c.expect.error);
        expect(typeof answer.json!.message).toBe('string');
        if (c.expect.message) expect(answer.json!.message).toContain(c.expect.message);
        if (c.expect.issuePath) {
          const paths = ((answer.json!.issues ?? []) as { path: string }[]).map((i) => i.path);
          expect(paths, answer.text).toContain(c.expect.issuePath);
        }
      } else if (answer.json && typeof answer.json.id === 'string') {
        await deleteEvent(answer.json.id);
      }
    });
  });

  describe('allocation API answers', () => {
    it.each(allocationCases)('$name delays the event as $data.expect.kind naming the problem', async ({ data: c }) => {
      answer = c;
      let id: string | null = null;
      try {
        const r = await stack.runtime.queue.enqueue({ accountId: TARGET, command: 'print-rebalance', source: 'api' });
        if (r.status !== 'queued') throw new Error(`duplicate of ${r.existingId}`);
        id = r.event.id;
        const failed = await waitForEvent(id, (e) => e.lastError !== null, 'a failure');
        expect(failed.lastError?.kind).toBe(c.expect.kind);
        expect(failed.lastError?.message).toContain(c.expect.message);
      } finally {
        answer = VALID_ANSWER;
        if (id) await deleteEvent(id);
      }
    });

    it('plans again once the answer is good', async () => {
      const r = await stack.runtime.queue.enqueue({ accountId: TARGET, command: 'print-rebalance', source: 'api' });
      if (r.status !== 'queued') throw new Error('duplicate');
      const done = await waitForEvent(r.event.id, (e) => e.status === 'done', 'done');
      expect(done.lastError).toBeNull();
    });
  });

  describe('settings files', () => {
    it.each(settingsCases)('$name is reported at "$path" and the last good settings stay in force', async (c) => {
      const dir = await mkdtemp(join(tmp, 'settings-'));
      const file = join(dir, 'settings.json');
      const good = { accounts: [{ accountId: 'DU123456', strategy: 'good-strategy' }], logLevel: 'warn' as const };
      await new SettingsStore(file, new MemorySecretStore()).save(good);
      await writeFile(file, c.text);
      const store = new SettingsStore(file, new MemorySecretStore());
      const outcome = await store.load();
      expect(outcome.error).not.toBeNull();
      expect(outcome.error!.issues.map((i) => i.path)).toContain(c.path);
      expect(outcome.error!.message).toContain(file);
      expect(outcome.from).toBe('last-good');
      expect(store.settings.accounts.map((a) => a.strategy)).toEqual(['good-strategy']);

      // The same content sent to the running core is refused naming the same field, and changes nothing.
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(c.text);
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const before = stack.runtime.settings;
        const answer = await call({ method: 'PUT', path: '/api/config', body: { settings: parsed } });
        expect(answer.status, answer.text).toBe(400);
        expect(answer.json!.error).toBe('invalid');
        expect(((answer.json!.issues ?? []) as { path: string }[]).map((i) => i.path)).toContain(c.path);
        expect(stack.runtime.settings).toBe(before);
      }
    });
  });

  describe('queue records written by hand', () => {
    const ACCOUNT = 'DU7000003';
    it.each(recordCases)(
      '$name is shown with its problem, does not block its account, and can be deleted',
      async ({ data: c }) => {
        const queue = stack.runtime.queue;
        // A real event of the account, then its record overwritten by hand while it waits (pending) or is held.
        await queue.pause();
        let id: string;
        try {
          const r = await queue.enqueue({ accountId: ACCOUNT, command: 'print-equity', source: 'api' });
          if (r.status !== 'queued') throw new Error(`duplicate of ${r.existingId}`);
          id = r.event.id;
          if (c.state === 'held') await queue.hold(id, 'pending');
          await redisConn.set(
            `${queue.keys.eventPrefix}${id}`,
            c.raw.replaceAll('{{id}}', id).replaceAll('{{status}}', c.state),
          );
        } finally {
          await queue.resume();
          stack.runtime.processor.wakeAll();
        }

        // Shown (API and list) with the problem named, once the workers have had their go at it.
        await sleep(300);
        const shown = await waitForEvent(id, (e) => e.status !== 'active', 'to settle');
        expect(shown.lastError?.kind).toBe('invalid');
        expect(shown.lastError?.message).toContain(c.expect);
        expect(['pending', 'held']).toContain(shown.status);
        const viaApi = await call({ method: 'GET', path: `/api/queue/events/${id}` });
        expect(viaApi.status, viaApi.text).toBe(200);
        expect((viaApi.json!.event as EventRecord).lastError?.message ?? '').toContain(c.expect);
        const list = await call({ method: 'GET', path: '/api/queue/events', query: { accountId: ACCOUNT } });
        expect(list.status, list.text).toBe(200);
        expect(((list.json!.events ?? []) as EventRecord[]).map((e) => e.id)).toContain(id);

        // The account's other work goes on.
        const other = await call({ method: 'POST', path: `/api/accounts/${ACCOUNT}/commands/print-positions` });
        expect(other.status, other.text).toBe(201);
        await waitForEvent(other.json!.id as string, (e) => e.status === 'done', 'done');

        // The trader can delete it, which frees its account:command for a new event.
        const deleted = await call({ method: 'DELETE', path: `/api/queue/events/${id}` });
        expect(deleted.status, deleted.text).toBe(200);
        expect((await call({ method: 'GET', path: `/api/queue/events/${id}` })).status).toBe(404);
        expect(await redisConn.exists(`${queue.keys.eventPrefix}${id}`)).toBe(0);
        const again = await call({ method: 'POST', path: `/api/accounts/${ACCOUNT}/commands/print-equity` });
        expect(again.status, again.text).toBe(201);
        await waitForEvent(again.json!.id as string, (e) => e.status === 'done', 'done');
      },
    );
  });

  it('keeps running, with the good events exactly as they were', async () => {
    const health = await call({ method: 'GET', path: '/api/health' });
    expect(health.status).toBe(200);
    expect(health.json!.redis).toMatchObject({ state: 'green' });
    expect(health.json!.processor).toMatchObject({ state: 'green' });
    for (const k of keepers) {
      const now = (await stack.runtime.queue.get(k.id))!;
      expect(now.event).toEqual(k.record);
      expect(now.history, JSON.stringify(now.history, null, 1)).toHaveLength(k.historyLength);
    }
    const held = await call({ method: 'GET', path: '/api/queue/events', query: { state: 'held', accountId: KEEPER } });
    expect(((held.json!.events ?? []) as EventRecord[]).map((e) => e.id).sort()).toEqual(
      keepers.map((k) => k.id).sort(),
    );
    // Their account:command is still taken (no duplicate can slip in), and work still gets done.
    const dup = await call({
      method: 'POST',
      path: '/api/queue/events',
      body: { accountId: KEEPER, command: 'rebalance' },
    });
    expect(dup.status).toBe(409);
    expect(dup.json!.existingId).toBe(keepers[0]!.id);
    const fresh = await call({ method: 'POST', path: `/api/accounts/${TARGET}/commands/print-equity` });
    expect(fresh.status).toBe(201);
    await waitForEvent(fresh.json!.id as string, (e) => e.status === 'done', 'done');
    await sleep(0);
  });
});
