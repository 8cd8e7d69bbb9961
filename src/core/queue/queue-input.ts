/**
 * The checks of what callers hand the queue, before anything reaches Redis: each bad value is a QueueInvalidError
 * naming it (PRODUCT §5, §17 "bad input gets a clear error"), and each good one is turned into the script's argument.
 */
import { randomUUID } from 'node:crypto';
import {
  ERROR_KINDS,
  EVENT_SOURCES,
  EVENT_STATUSES,
  isCommand,
  type EventApproval,
  type EventRecord,
  type EventStatus,
  type NewEvent,
} from '../../shared/dto';
import { accountEventId } from '../domain/event-id';
import { QueueInvalidError } from './errors';
import { iso } from './lua-scripts';
import { encodeRecord } from './record';

export function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueueInvalidError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function toJson(value: unknown, what: string): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text !== 'string') throw new Error('not serialisable');
    return text;
  } catch (err) {
    throw new QueueInvalidError(
      `${what} cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** A new event checked and made into its pending record: the record, its stored text, its `accountId:command`. */
export function newEventRecord(e: NewEvent, now: number): { record: EventRecord; stored: string; pair: string } {
  if (!isCommand(e.command)) throw new QueueInvalidError(`unknown command ${JSON.stringify(e.command)}`);
  if (typeof e.accountId !== 'string' || e.accountId.trim() === '') {
    throw new QueueInvalidError('accountId is required');
  }
  if (!(EVENT_SOURCES as readonly unknown[]).includes(e.source)) {
    throw new QueueInvalidError(`unknown source ${JSON.stringify(e.source)}`);
  }
  if (e.id !== undefined && (typeof e.id !== 'string' || e.id === ''))
    throw new QueueInvalidError('id must be a non-empty string');
  const id = e.id ?? (e.eventId && e.source === 'zehnlabs' ? accountEventId(e.eventId, e.accountId) : randomUUID());
  const payload = plainObject(e.payload ?? {}, 'payload');
  const at = iso(now);
  const record: EventRecord = {
    id,
    eventId: e.eventId ?? id,
    accountId: e.accountId,
    command: e.command,
    strategy: e.strategy ?? null,
    source: e.source,
    timesQueued: 1,
    createdAt: at,
    // status just before updatedAt: a claim rewrites both in the stored text with one SETRANGE (lua/common.lua)
    status: 'pending',
    updatedAt: at,
    nextAttemptAt: null,
    lastError: null,
    payload,
    result: null,
  };
  let stored: string;
  try {
    stored = encodeRecord(record);
  } catch (err) {
    throw new QueueInvalidError(
      `payload cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { record, stored, pair: `${e.accountId}:${e.command}` };
}

/** A command's result as stored JSON: an object, or null. */
export function resultJson(result: Record<string, unknown> | null): string {
  return toJson(result === null ? null : plainObject(result, 'result'), 'result');
}

/** The `expectedStatus` of an operator action: absent, or one of the states. */
export function checkExpected(expected: EventStatus | undefined): void {
  if (expected !== undefined && !(EVENT_STATUSES as readonly unknown[]).includes(expected)) {
    throw new QueueInvalidError(`unknown state ${JSON.stringify(expected)}`);
  }
}

export function checkErrorKind(kind: unknown): void {
  if (!(ERROR_KINDS as readonly unknown[]).includes(kind)) {
    throw new QueueInvalidError(`unknown error kind ${JSON.stringify(kind)}`);
  }
}

/** §19: an approval request's stored parts; the awaiting set's score is `autoApproveAt` in ms, or +inf (confirm). */
export function approvalArgs(
  result: unknown,
  approval: EventApproval,
): { result: string; approval: string; score: string } {
  const resultText = toJson(plainObject(result, 'result'), 'result');
  const approvalText = toJson(plainObject(approval, 'approval'), 'approval');
  let score = '+inf';
  if (approval.autoApproveAt !== null) {
    const at = Date.parse(approval.autoApproveAt);
    if (!Number.isFinite(at)) {
      throw new QueueInvalidError(`approval.autoApproveAt ${JSON.stringify(approval.autoApproveAt)} is not a time`);
    }
    score = String(at);
  }
  return { result: resultText, approval: approvalText, score };
}
