/** Typed queue errors (STYLE.md "Typed errors"); they become `{error, message}` only at the edge. */

export class QueueError extends Error {
  readonly code: 'conflict' | 'not-found' | 'invalid' = 'invalid';
}

/** The event is not in the state the caller expected (it changed meanwhile), or a lease was lost. */
export class QueueConflictError extends QueueError {
  override readonly code = 'conflict' as const;
  override name = 'QueueConflictError';
  constructor(
    message: string,
    readonly currentStatus: string | null = null,
    readonly expectedStatus: string | null = null,
  ) {
    super(message);
  }
}

export class QueueNotFoundError extends QueueError {
  override readonly code = 'not-found' as const;
  override name = 'QueueNotFoundError';
}

/** Bad input (unknown command, bad error kind) or a stored record that cannot be read. */
export class QueueInvalidError extends QueueError {
  override readonly code = 'invalid' as const;
  override name = 'QueueInvalidError';
}

export function isQueueError(err: unknown): err is QueueError {
  return err instanceof QueueError;
}

/**
 * `redis.minReplicas` (§22): Redis did not confirm a write on enough replicas in time, so it is not acknowledged. It
 * may still be on the master; a failover now could lose it. Transient: the caller tries again.
 */
export class QueueReplicationError extends Error {
  readonly kind = 'transient' as const;
  override name = 'QueueReplicationError';
}
