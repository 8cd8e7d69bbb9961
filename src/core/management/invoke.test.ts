import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../shared/contract';
import { ApiError } from './api-error';
import { invokeOperation } from './invoke';

/** Handlers that record what they were called with; `retry` fails as the queue does on a changed state. */
function recording() {
  const calls: { name: string; input: unknown }[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_target, name: string) => async (input: unknown) => {
      calls.push({ name, input });
      if (name === 'retry') throw new ApiError('conflict', 'the event is no longer delayed');
      if (name === 'hold') throw new Error('socket closed');
      return { answered: name };
    },
  });
  return { handlers, calls };
}

describe('invokeOperation', () => {
  it('calls the handler with the validated input, schema defaults applied', async () => {
    const { handlers, calls } = recording();
    expect(await invokeOperation('listEvents', { state: 'pending' }, { handlers })).toEqual({
      ok: true,
      value: { answered: 'listEvents' },
    });
    expect(calls).toEqual([{ name: 'listEvents', input: { state: 'pending', limit: 200, offset: 0 } }]);
  });

  it('treats no input as an empty object', async () => {
    const { handlers, calls } = recording();
    expect(await invokeOperation('queueStatus', undefined, { handlers })).toMatchObject({ ok: true });
    expect(calls).toEqual([{ name: 'queueStatus', input: {} }]);
  });

  it('names every bad field and never reaches the handler', async () => {
    const { handlers, calls } = recording();
    const result = await invokeOperation('enqueue', { accountId: '12', command: 'sell-everything' }, { handlers });
    expect(result).toMatchObject({
      ok: false,
      error: {
        error: 'invalid',
        issues: [
          { path: 'accountId', message: 'must be an IB account id such as DU123456' },
          { path: 'command', message: expect.stringContaining('must be one of rebalance') },
        ],
      },
    });
    expect(calls).toEqual([]);
  });

  it('refuses input that is not an object, an unknown operation, and demo-only operations outside demo mode', async () => {
    const { handlers, calls } = recording();
    expect(await invokeOperation('enqueue', ['DU123456'], { handlers })).toEqual({
      ok: false,
      error: { error: 'invalid', message: 'input must be an object' },
    });
    expect(await invokeOperation('toString', {}, { handlers })).toEqual({
      ok: false,
      error: { error: 'not-found', message: 'no operation named "toString"' },
    });
    expect(await invokeOperation('simulatorControl', { action: 'stop' }, { handlers })).toEqual({
      ok: false,
      error: { error: 'not-found', message: 'simulatorControl is only available in demo mode' },
    });
    expect(calls).toEqual([]);
    expect(await invokeOperation('simulatorControl', { action: 'stop' }, { handlers, demo: true })).toMatchObject({
      ok: true,
    });
  });

  it("answers a handler's failure as its error body: typed errors keep their code, others are internal", async () => {
    const { handlers } = recording();
    expect(await invokeOperation('retry', { id: 'e1' }, { handlers })).toEqual({
      ok: false,
      error: { error: 'conflict', message: 'the event is no longer delayed' },
    });
    expect(await invokeOperation('hold', { id: 'e1' }, { handlers })).toEqual({
      ok: false,
      error: { error: 'internal', message: 'socket closed' },
    });
  });
});
