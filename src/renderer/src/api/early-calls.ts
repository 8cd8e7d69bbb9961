import type { OperationName } from '../../../shared/contract';
import type { ApiClient } from './api-client';

/** One call started before the window's code has loaded: an operation and its input. */
export type EarlyCall = { [N in OperationName]: [name: N, input?: unknown] }[OperationName];

function keyOf(name: string, input: unknown): string {
  return `${name} ${JSON.stringify(input ?? {})}`;
}

/** A client whose early calls' answers can also be looked at, without taking them, by the first frame. */
export type EarlyClient = ApiClient & {
  /** The answer of an early call not yet taken by `call`, or undefined. */
  answerOf(name: OperationName, input?: unknown): Promise<unknown> | undefined;
};

/**
 * Starts `calls` at once and returns a client that answers the first identical call (same name, same input) with the
 * request already under way; every later call, and every other one, goes to `api`. The entry module uses it so the
 * Queue page's requests run while React and Mantine are still downloading and compiling (§16 first render).
 */
export function withEarlyCalls(api: ApiClient, calls: readonly EarlyCall[]): EarlyClient {
  const started = new Map<string, Promise<unknown>>();
  for (const [name, input] of calls) {
    const answer = (api.call as (n: string, i?: unknown) => Promise<unknown>)(name, input);
    // Whoever takes the answer sees its failure; until then it must not count as unhandled.
    answer.catch(() => undefined);
    started.set(keyOf(name, input), answer);
  }
  const client: EarlyClient = {
    answerOf: (name, input) => started.get(keyOf(name, input)),
    call: ((name: OperationName, input?: unknown) => {
      const key = keyOf(name, input);
      const answer = started.get(key);
      if (answer) {
        started.delete(key);
        return answer;
      }
      return (api.call as (n: string, i?: unknown) => Promise<unknown>)(name, input);
    }) as ApiClient['call'],
    subscribe: (listener) => api.subscribe(listener),
  };
  if (api.onConnection) client.onConnection = (listener) => api.onConnection!(listener);
  return client;
}
