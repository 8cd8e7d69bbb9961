/**
 * The reply codes of the queue's Lua scripts (lua/*.lua), by name. Every script answers a table whose first value is
 * one of these (renew, promote, recover and purge answer a bare number; see their headers); each Lua file's header
 * lists the codes it answers, and lua/common.lua the error codes all of them share. `toError` is the one place where
 * a negative code becomes a typed error.
 */
import { QueueConflictError, QueueInvalidError, QueueNotFoundError } from './errors';

export const ScriptCode = {
  /** Not done, and not an error: a duplicate (enqueue), nothing claimable (claim), a lease not this owner's (renew, owner). */
  NONE: 0,
  /** Done: queued, claimed, completed, failed, handed back, approved, moved, renewed, lease held. */
  OK: 1,
  /** claim: processing is paused, nothing was claimed. */
  PAUSED: 2,
  /** complete / fail / handback: moved in the sets, but the event's record is unreadable and was left as it is. */
  RECORD_LEFT_UNREADABLE: 3,
  /** {-1}: no such event. */
  NOT_FOUND: -1,
  /** {-2, currentState, expectedState}: the event is not in the state the call expects. */
  CONFLICT: -2,
  /** {-3, leaseOwner}: the event's lease is no longer held by this worker. */
  LEASE_LOST: -3,
  /** {-4, reason}: the event's record cannot be read. */
  RECORD_UNREADABLE: -4,
  /** {-5, reason}: an argument the script cannot use. */
  INVALID_ARGUMENT: -5,
  /** {-9, message}: Redis refused one of the script's commands for this event (the others of a batch stand). */
  REDIS_REFUSED: -9,
} as const;

export type ScriptCode = (typeof ScriptCode)[keyof typeof ScriptCode];

/** A script's reply: its code first, then the values that code carries. */
export type Reply = (string | number | null)[];

/** A reply as a table (scripts answering a bare number give a one-value table). */
export function asReply(value: unknown): Reply {
  return Array.isArray(value) ? (value as Reply) : [value as number];
}

/** The code a reply starts with. */
export function codeOf(reply: Reply): number {
  return Number(reply[0]);
}

/** Turns a negative code into a typed error naming the operation and the event; null for a success code. */
export function toError(reply: Reply, op: string, id: string): Error | null {
  const code = codeOf(reply);
  if (code >= 0) return null;
  const a = reply[1] == null ? '' : String(reply[1]);
  const b = reply[2] == null ? '' : String(reply[2]);
  switch (code) {
    case ScriptCode.NOT_FOUND:
      return new QueueNotFoundError(`event ${id} not found`);
    case ScriptCode.CONFLICT:
      return b
        ? new QueueConflictError(`cannot ${op} event ${id}: it is ${a}, expected ${b}`, a, b)
        : new QueueConflictError(`cannot ${op} event ${id}: it is ${a}`, a, null);
    case ScriptCode.LEASE_LOST:
      return new QueueConflictError(
        `cannot ${op} event ${id}: its lease is no longer held by this worker (now ${a || 'none'})`,
        'active',
        'active',
      );
    case ScriptCode.RECORD_UNREADABLE:
      return new QueueInvalidError(`cannot ${op} event ${id}: its record in Redis is unreadable (${a}); delete it`);
    case ScriptCode.REDIS_REFUSED:
      return new Error(`Redis refused the ${op} of event ${id}: ${a}`);
    default:
      // INVALID_ARGUMENT, and any code a newer script might add
      return new QueueInvalidError(`cannot ${op} event ${id}: ${a || `script code ${code}`}`);
  }
}

/** Throws the typed error of a negative code. */
export function throwIfError(reply: Reply, op: string, id: string): void {
  const err = toError(reply, op, id);
  if (err) throw err;
}
