import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../../shared/dto';
import { queryKeys } from './query-keys';
import { StreamSync } from './stream-sync';

const line = (overrides: Partial<LogLine>): LogLine => ({
  time: '2025-01-02T15:00:00Z',
  level: 'info',
  msg: 'x',
  ...overrides,
});

describe('StreamSync', () => {
  it('invalidates the lists of the states an event left and entered, its detail and the queue status', async () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    new StreamSync(client).handle({
      type: 'queue',
      change: { id: 'e1', accountId: 'DU1', action: 'claimed', from: 'pending', to: 'active', at: '' },
    });
    await vi.waitFor(() => expect(invalidate).toHaveBeenCalledTimes(4));
    const keys = invalidate.mock.calls.map((c) => c[0]?.queryKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        queryKeys.events.listsOf('pending'),
        queryKeys.events.listsOf('active'),
        queryKeys.events.detail('e1'),
        queryKeys.queueStatus(),
      ]),
    );
  });

  it("reads the accounts' money again after a fill, without refetching their history or cash flows", async () => {
    const client = new QueryClient();
    const fetched: string[] = [];
    const observe = (queryKey: readonly unknown[]) =>
      new QueryObserver(client, {
        queryKey,
        queryFn: () => {
          fetched.push(JSON.stringify(queryKey));
          return {};
        },
        staleTime: Infinity,
      }).subscribe(() => {});
    const off = [queryKeys.accounts(), queryKeys.accountHistory('DU1', 'nav'), queryKeys.cashFlows()].map(observe);
    await vi.waitFor(() => expect(fetched).toHaveLength(3));
    fetched.length = 0;
    new StreamSync(client).handle({ type: 'trade', trade: {} as never });
    await vi.waitFor(() => expect(fetched).toContain(JSON.stringify(queryKeys.accounts())));
    expect(fetched).toEqual([JSON.stringify(queryKeys.accounts())]);
    // A finished event refreshes all of it (a rebalance adds a history sample).
    new StreamSync(client).handle({
      type: 'queue',
      change: { id: 'e1', accountId: 'DU1', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    await vi.waitFor(() => expect(fetched).toHaveLength(4));
    off.forEach((unsubscribe) => unsubscribe());
  });

  it('appends a log line to the cached lists it matches, bounded', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.logs.list({}), { lines: [line({ msg: 'old' })] });
    client.setQueryData(queryKeys.logs.list({ level: 'error' }), { lines: [] });
    client.setQueryData(queryKeys.logs.list({ accountId: 'DU2' }), { lines: [] });
    new StreamSync(client).handle({ type: 'log', line: line({ msg: 'new', accountId: 'DU1' }) });
    expect(client.getQueryData<{ lines: LogLine[] }>(queryKeys.logs.list({}))?.lines.map((l) => l.msg)).toEqual([
      'old',
      'new',
    ]);
    expect(client.getQueryData<{ lines: LogLine[] }>(queryKeys.logs.list({ level: 'error' }))?.lines).toEqual([]);
    expect(client.getQueryData<{ lines: LogLine[] }>(queryKeys.logs.list({ accountId: 'DU2' }))?.lines).toEqual([]);
  });

  it('batches a burst of changes into few refetch rounds', async () => {
    const client = new QueryClient();
    let rounds = 0;
    vi.spyOn(client, 'invalidateQueries').mockImplementation(async () => {
      rounds += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    const sync = new StreamSync(client);
    for (let i = 0; i < 100; i++) {
      sync.handle({ type: 'trade', trade: {} as never });
    }
    await vi.waitFor(() => expect(rounds).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // at most two rounds, each invalidating the trades and the accounts
    expect(rounds).toBeLessThanOrEqual(4);
  });

  it('fetches again a query whose first fetch was under way when its change came (it read the state before)', async () => {
    const client = new QueryClient();
    let status = 'active';
    let release: () => void = () => {};
    let fetches = 0;
    const observer = new QueryObserver(client, {
      queryKey: queryKeys.events.detail('e1'),
      queryFn: async () => {
        fetches += 1;
        const read = status; // the server answers with the state at the time it reads it
        if (fetches === 1) await new Promise<void>((resolve) => (release = resolve));
        return { status: read };
      },
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.waitFor(() => expect(fetches).toBe(1));
    status = 'done';
    new StreamSync(client).handle({
      type: 'queue',
      change: { id: 'e1', accountId: 'DU1', action: 'completed', from: 'active', to: 'done', at: '' },
    });
    release();
    await vi.waitFor(() => expect(client.getQueryData(queryKeys.events.detail('e1'))).toEqual({ status: 'done' }));
    unsubscribe();
  });
});
