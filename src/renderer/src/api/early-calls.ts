import type { OperationName } from '../../../shared/contract';
import type { ApiClient } from './api-client';

/** One call started before the window's code has loaded: an operation and its input. */
export type EarlyCall = { [N in OperationName]: [name: N, input?: unknown] }[OperationName];

function keyOf(name: string, input: unknown): string {
  return `${name} ${JSON.stringify(input ?? {})}`;
}

/**
 * One early call whose answer stands for several others (`queuePage` for the Queue page's requests): each part's
 * answer is picked out of it, so the calls that would have asked for each part find it under way.
 */
export interface CompoundCall {
  call: EarlyCall;
  /** Each part, and how its answer is picked out of the compound answer (undefined or null: ask for it alone). */
  parts: readonly (readonly [part: EarlyCall, pick: (answer: never) => unknown])[];
}

/** A client whose early calls' answers can also be looked at, without taking them, by the first frame. */
export type EarlyClient = ApiClient & {
  /** The answer of an early call not yet taken by `call`, or undefined. */
  answerOf(name: OperationName, input?: unknown): Promise<unknown> | undefined;
};

/**
 * Starts `calls` (and `compounds`) at once and returns a client that answers the first identical call (same name,
 * same input) with the request already under way; every later call, and every other one, goes to `api`. The entry
 * module uses it so the Queue page's requests run while React and Mantine are still downloading and compiling (§16
 * first render).
 */
export function withEarlyCalls(
  api: ApiClient,
  calls: readonly EarlyCall[],
  compounds: readonly CompoundCall[] = [],
): EarlyClient {
  const started = new Map<string, Promise<unknown>>();
  const ask = (name: string, input: unknown) => (api.call as (n: string, i?: unknown) => Promise<unknown>)(name, input);
  const start = (name: string, input: unknown, answer: Promise<unknown>) => {
    // Whoever takes the answer sees its failure; until then it must not count as unhandled.
    answer.catch(() => undefined);
    started.set(keyOf(name, input), answer);
  };
  for (const [name, input] of calls) start(name, input, ask(name, input));
  for (const { call, parts } of compounds) {
    const whole = ask(call[0], call[1]);
    start(call[0], call[1], whole);
    for (const [[name, input], pick] of parts) {
      // A core that does not know the compound operation (an older remote core, §22), or a failed compound call:
      // each part is asked for alone, so nothing fails that would not have failed without it.
      const part = whole.then(
        (answer) => pick(answer as never) ?? ask(name, input),
        () => ask(name, input),
      );
      start(name, input, part);
    }
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
