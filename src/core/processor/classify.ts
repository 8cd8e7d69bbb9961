import { toDeskError } from '../domain/errors';
import type { CommandFailure } from './processor';

/** Anything a command throws, as a failure of §10: a DeskError keeps its kind; anything else is transient. */
export function classifyFailure(error: unknown): CommandFailure {
  const e = toDeskError(error);
  return {
    kind: e.kind,
    message: e.message,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(e.retryAt ? { dueAt: e.retryAt.getTime() } : {}),
  };
}
