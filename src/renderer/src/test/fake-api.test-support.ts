import { act } from '@testing-library/react';
import type { InputOf, OperationName, OutputOf, StreamMessage } from '../../../shared/contract';
import { ApiError, type ApiClient, type CallArgs } from '../api/api-client';

export type FakeHandlers = Partial<{
  [N in OperationName]: (input: InputOf<N>) => OutputOf<N> | Promise<OutputOf<N>>;
}>;

export interface FakeApi extends ApiClient {
  calls: { name: OperationName; input: Record<string, unknown> }[];
  callsOf(name: OperationName): Record<string, unknown>[];
  /** Pushes a stream message to every subscriber, as the core would. */
  emit(message: StreamMessage): void;
  handlers: FakeHandlers;
}

/** An api client with canned answers, injected through `ApiProvider` in tests. */
export function createFakeApi(handlers: FakeHandlers): FakeApi {
  const listeners = new Set<(message: StreamMessage) => void>();
  const api: FakeApi = {
    calls: [],
    handlers,
    callsOf: (name) => api.calls.filter((c) => c.name === name).map((c) => c.input),
    async call<N extends OperationName>(name: N, ...args: CallArgs<N>): Promise<OutputOf<N>> {
      const input = (args[0] ?? {}) as InputOf<N>;
      api.calls.push({ name, input: input as Record<string, unknown> });
      const handler = api.handlers[name] as ((input: InputOf<N>) => OutputOf<N> | Promise<OutputOf<N>>) | undefined;
      if (!handler) throw new ApiError({ error: 'not-found', message: `the fake api has no ${name}` });
      return handler(input);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(message) {
      act(() => {
        for (const listener of listeners) listener(message);
      });
    },
  };
  return api;
}
