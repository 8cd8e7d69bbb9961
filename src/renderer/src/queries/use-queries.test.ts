import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { EventList, StreamMessage } from '../../../shared/contract';
import { EVENT_STATUSES } from '../../../shared/dto';
import type { ApiClient } from '../api/api-client';
import { withEarlyCalls } from '../api/early-calls';
import { QUEUE_PAGE_CALLS, queuePageCall } from './queue-page-calls';
import { queryKeys } from './query-keys';
import { StreamSync } from './stream-sync';
import { EVENT_PAGE_SIZE, prefetchQueuePage, queries } from './use-queries';

/** An API whose answers wait until `answerAll`; listEvents for 'held' fails. */
function slowApi() {
  const waiting: (() => void)[] = [];
  const calls: string[] = [];
  const api = {
    call: (name: string, input?: { state?: string }) => {
      calls.push(input?.state ? `${name}:${input.state}` : name);
      return new Promise((resolve, reject) =>
        waiting.push(() =>
          name === 'listEvents' && input?.state === 'held'
            ? reject(new Error('Redis is down'))
            : resolve(name === 'listEvents' ? ({ events: [], total: 0 } satisfies EventList) : {}),
        ),
      );
    },
    subscribe: () => () => undefined,
  } as unknown as ApiClient;
  return { api, calls, answerAll: () => waiting.splice(0).forEach((answer) => answer()) };
}

describe('prefetchQueuePage', () => {
  it('asks for everything the Queue page shows at once and resolves when all have answered, a failure included', async () => {
    const client = new QueryClient();
    const { api, calls, answerAll } = slowApi();
    let done = false;
    const prefetched = prefetchQueuePage(api, client).then(() => (done = true));
    expect(calls).toEqual(['health', 'queueStatus', ...EVENT_STATUSES.map((s) => `listEvents:${s}`)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    answerAll();
    await prefetched;
    expect(client.getQueryData(queryKeys.events.list('pending', '', EVENT_PAGE_SIZE))).toEqual({
      events: [],
      total: 0,
    });
    expect(client.getQueryState(queryKeys.events.list('held', '', EVENT_PAGE_SIZE))?.status).toBe('error');
  });

  it('finds every request the entry module started early under way: none is made twice, and a later one is made', async () => {
    const client = new QueryClient();
    const { api, calls, answerAll } = slowApi();
    const early = withEarlyCalls(api, QUEUE_PAGE_CALLS);
    expect(calls).toHaveLength(QUEUE_PAGE_CALLS.length);
    const prefetched = prefetchQueuePage(early, client);
    answerAll();
    await prefetched;
    expect(calls).toEqual(['health', 'queueStatus', ...EVENT_STATUSES.map((s) => `listEvents:${s}`)]);
    expect(client.getQueryData(queryKeys.events.list('pending', '', EVENT_PAGE_SIZE))).toEqual({
      events: [],
      total: 0,
    });
    expect(client.getQueryState(queryKeys.events.list('held', '', EVENT_PAGE_SIZE))?.status).toBe('error');
    // The early answer is used once: a refetch (a pushed change) asks the server again.
    const again = early.call('health');
    answerAll();
    await again;
    expect(calls.filter((c) => c === 'health')).toHaveLength(2);
  });
});

describe('the Queue page in one answer (queuePage, §16)', () => {
  const page = {
    health: { status: 'ok' },
    status: { paused: false },
    lists: Object.fromEntries(EVENT_STATUSES.map((s) => [s, { events: [], total: s === 'done' ? 3 : 0 }])),
    setup: null,
  };

  it('answers every request of the Queue page from the one call, and nothing is asked for twice', async () => {
    const client = new QueryClient();
    const calls: string[] = [];
    const api = {
      call: (name: string) => {
        calls.push(name);
        return Promise.resolve(name === 'queuePage' ? page : {});
      },
      subscribe: () => () => undefined,
    } as unknown as ApiClient;
    const early = withEarlyCalls(api, [], [queuePageCall(true)]);
    await prefetchQueuePage(early, client);
    expect(client.getQueryData(queryKeys.events.list('done', '', EVENT_PAGE_SIZE))).toEqual({ events: [], total: 3 });
    expect(client.getQueryData(queryKeys.health())).toEqual({ status: 'ok' });
    // a core that could not say (setup: null) is asked for the checklist on its own, once
    await early.call('setupProgress');
    expect(calls).toEqual(['queuePage', 'setupProgress']);
  });

  it('asks for each part alone when the one call fails, and for the setup when the answer has none', async () => {
    const client = new QueryClient();
    const calls: string[] = [];
    const api = {
      call: (name: string, input?: { state?: string }) => {
        calls.push(input?.state ? `${name}:${input.state}` : name);
        if (name === 'queuePage') return Promise.reject(new Error('404 not-found'));
        return Promise.resolve(name === 'listEvents' ? { events: [], total: 0 } : {});
      },
      subscribe: () => () => undefined,
    } as unknown as ApiClient;
    const early = withEarlyCalls(api, [], [queuePageCall(true)]);
    await prefetchQueuePage(early, client);
    await early.call('setupProgress');
    expect(calls.sort()).toEqual(
      ['queuePage', 'health', 'queueStatus', 'setupProgress', ...EVENT_STATUSES.map((s) => `listEvents:${s}`)].sort(),
    );
    expect(client.getQueryState(queryKeys.events.list('held', '', EVENT_PAGE_SIZE))?.status).toBe('success');
  });
});

describe('queries', () => {
  const api = { call: () => Promise.resolve({}), subscribe: () => () => undefined } as unknown as ApiClient;
  const pushed: [message: StreamMessage, shown: { queryKey: readonly unknown[] }[]][] = [
    [
      {
        type: 'queue',
        change: { id: 'e1', accountId: 'DU1', action: 'completed', from: 'active', to: 'done', at: '' },
      },
      [
        queries.eventList(api, 'active', '', EVENT_PAGE_SIZE),
        queries.eventList(api, 'done', 'DU1', 400),
        queries.eventDetail(api, 'e1'),
        queries.queueStatus(api),
        queries.accounts(api),
        queries.reports(api),
      ],
    ],
    [{ type: 'trade', trade: {} as never }, [queries.trades(api)]],
    [{ type: 'accounts' }, [queries.accounts(api)]],
    [{ type: 'config' }, [queries.config(api), queries.accounts(api), queries.strategies(api)]],
    [{ type: 'feed', entry: {} as never }, [queries.feedLog(api)]],
  ];

  it.each(pushed)('are fetched again after a pushed %j', async (message, shown) => {
    const client = new QueryClient();
    for (const query of [...shown, queries.health(api)]) client.setQueryData(query.queryKey, {});
    new StreamSync(client).handle(message);
    await vi.waitFor(() => {
      for (const query of shown)
        expect(client.getQueryState(query.queryKey)?.isInvalidated, String(query.queryKey)).toBe(true);
    });
    expect(client.getQueryState(queries.health(api).queryKey)?.isInvalidated).toBe(false);
  });
});
