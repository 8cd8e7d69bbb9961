import { describe, expect, it, vi } from 'vitest';
import type { StreamMessage } from '../../../shared/contract';
import { ApiError } from './api-client';
import { buildRequest, createHttpApi } from './http-transport';
import { takeToken } from './token';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('buildRequest', () => {
  it('fills path parameters from the input and sends the rest as a JSON body', () => {
    expect(buildRequest('retry', { id: 'sig 1:DU123456', expectedStatus: 'delayed' })).toEqual({
      method: 'POST',
      url: '/api/queue/events/sig%201%3ADU123456/retry',
      body: JSON.stringify({ expectedStatus: 'delayed' }),
    });
    expect(buildRequest('runCommand', { accountId: 'DU123456', command: 'print-rebalance', source: 'manual' })).toEqual(
      {
        method: 'POST',
        url: '/api/accounts/DU123456/commands/print-rebalance',
        body: JSON.stringify({ source: 'manual' }),
      },
    );
  });

  it('sends GET inputs as a query string, leaving out what is unset', () => {
    expect(buildRequest('listEvents', { state: 'delayed', q: undefined, limit: 10_000 })).toEqual({
      method: 'GET',
      url: '/api/queue/events?state=delayed&limit=10000',
    });
    expect(buildRequest('health', {})).toEqual({ method: 'GET', url: '/api/health' });
  });

  it('uses the method of the contract for delete and putConfig', () => {
    expect(buildRequest('delete', { id: 'a', expectedStatus: 'held' })).toMatchObject({
      method: 'DELETE',
      url: '/api/queue/events/a',
    });
    expect(buildRequest('putConfig', { settings: {}, confirmLive: true })).toMatchObject({
      method: 'PUT',
      url: '/api/config',
    });
  });
});

describe('HTTP transport', () => {
  it('sends the bearer token and returns the JSON answer', async () => {
    const fetch = vi.fn(async () => jsonResponse({ events: [], total: 0 }));
    const api = createHttpApi({ token: 't0k', fetch });
    await expect(api.call('listEvents', { state: 'pending', limit: 5 })).resolves.toEqual({ events: [], total: 0 });
    expect(fetch).toHaveBeenCalledWith('/api/queue/events?state=pending&limit=5', {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: 'Bearer t0k' },
      body: undefined,
    });
  });

  it('posts a JSON body for operations with input', async () => {
    const fetch = vi.fn(async () => jsonResponse({ id: 'x' }, 201));
    const api = createHttpApi({ token: 't0k', fetch });
    await api.call('hold', { id: 'x', expectedStatus: 'pending' });
    expect(fetch).toHaveBeenCalledWith('/api/queue/events/x/hold', {
      method: 'POST',
      headers: { Accept: 'application/json', Authorization: 'Bearer t0k', 'Content-Type': 'application/json' },
      body: '{"expectedStatus":"pending"}',
    });
  });

  it('throws an ApiError carrying the error body', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse({ error: 'duplicate', message: 'already queued', existingId: 'e-1' }, 409),
    );
    const api = createHttpApi({ token: 't0k', fetch });
    const error = await api.call('enqueue', { accountId: 'DU123456', command: 'rebalance' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).body).toEqual({ error: 'duplicate', message: 'already queued', existingId: 'e-1' });
  });

  it('reports an unreachable service as unavailable', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = createHttpApi({ token: 't0k', fetch });
    await expect(api.call('health')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('delivers SSE messages of every type and reports reconnecting', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource extends EventTarget {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSED = 2;
      readonly CONNECTING = 0;
      readonly OPEN = 1;
      readonly CLOSED = 2;
      readyState = 0;
      constructor(readonly url: string) {
        super();
        sources.push(this);
      }
      close() {
        this.readyState = 2;
      }
    }
    const api = createHttpApi({
      token: 'a b',
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const states: string[] = [];
    api.onConnection?.((state) => states.push(state));
    const received: StreamMessage[] = [];
    const unsubscribe = api.subscribe((m) => received.push(m));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/stream?token=a%20b');
    const source = sources[0]!;
    source.dispatchEvent(new MessageEvent('ready', { data: '{"type":"ready"}' }));
    source.dispatchEvent(new MessageEvent('accounts', { data: '{"type":"accounts"}' }));
    source.dispatchEvent(new MessageEvent('queue', { data: '{"type":"queue","change":{"id":"x"}}' }));
    source.dispatchEvent(new MessageEvent('queue', { data: 'not json' }));
    source.dispatchEvent(new Event('error'));
    source.dispatchEvent(new Event('open'));
    expect(received.map((m) => m.type)).toEqual(['accounts', 'queue']);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    unsubscribe();
    expect(source.readyState).toBe(2);
  });
});

describe('takeToken', () => {
  it('keeps the token of the URL fragment and removes it from the address', () => {
    window.history.replaceState(null, '', '/index.html#token=s3cret');
    expect(takeToken()).toBe('s3cret');
    expect(window.location.hash).toBe('#/queue');
    expect(window.location.href).not.toContain('s3cret');
    expect(takeToken()).toBe('s3cret');
  });
});
