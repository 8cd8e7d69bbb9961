/**
 * The one validation of a signal's data (PRODUCT.md §6), shared by the Zehnlabs feed and the manual / API source:
 * a JSON object (or JSON string of one) with a known `exec` and an optional string `eventId`.
 */
import { COMMANDS, isCommand, type Command } from '../../shared/dto';

/** Largest accepted message data, in bytes of its JSON text. */
export const MAX_FEED_DATA_BYTES = 64 * 1024;

/** Longest accepted `eventId` (it becomes part of every event id). */
export const MAX_EVENT_ID_LENGTH = 200;

export type FeedDataCheck =
  | {
      ok: true;
      exec: Command;
      /** The publisher's id, or null when the message has none (the caller makes one). */
      eventId: string | null;
      /** The data as an object (parsed when it came as a JSON string). */
      data: Record<string, unknown>;
    }
  | { ok: false; reason: string };

/** A bad manual / API / feed event: the message says what is wrong. Becomes `invalid` at the management edge. */
export class InvalidEventError extends Error {
  readonly code = 'invalid' as const;
  override readonly name = 'InvalidEventError';
}

const encoder = new TextEncoder();

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return 'binary data';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'undefined':
      return 'nothing';
    default:
      return typeof value === 'object' ? 'an object' : typeof value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a message's `data` (object or JSON string) as §6 requires. Never throws: anything unusable comes back as
 * `{ ok: false, reason }` with a reason a trader can read in the feed log.
 */
export function validateFeedData(data: unknown): FeedDataCheck {
  let value: unknown = data;
  if (typeof data === 'string') {
    if (encoder.encode(data).length > MAX_FEED_DATA_BYTES) {
      return { ok: false, reason: `data is larger than ${MAX_FEED_DATA_BYTES / 1024} KiB` };
    }
    if (data.trim() === '') return { ok: false, reason: 'data is an empty string, expected a JSON object' };
    try {
      value = JSON.parse(data);
    } catch {
      return { ok: false, reason: 'data is not valid JSON' };
    }
  }
  if (!isPlainObject(value)) {
    return { ok: false, reason: `data must be a JSON object with "exec", got ${kindOf(value)}` };
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return { ok: false, reason: 'data cannot be represented as JSON' };
  }
  if (encoder.encode(text).length > MAX_FEED_DATA_BYTES) {
    return { ok: false, reason: `data is larger than ${MAX_FEED_DATA_BYTES / 1024} KiB` };
  }
  const exec = value.exec;
  if (exec === undefined) {
    return { ok: false, reason: `missing "exec" (expected one of ${COMMANDS.join(', ')})` };
  }
  if (typeof exec !== 'string') {
    return { ok: false, reason: `"exec" must be a string, got ${kindOf(exec)}` };
  }
  if (!isCommand(exec)) {
    return { ok: false, reason: `unknown exec "${clip(exec)}" (expected one of ${COMMANDS.join(', ')})` };
  }
  const eventId = value.eventId;
  if (eventId !== undefined && eventId !== null) {
    if (typeof eventId !== 'string') {
      return { ok: false, reason: `"eventId" must be a string, got ${kindOf(eventId)}` };
    }
    if (eventId.trim() === '') return { ok: false, reason: '"eventId" must not be empty' };
    if (eventId.length > MAX_EVENT_ID_LENGTH) {
      return { ok: false, reason: `"eventId" is longer than ${MAX_EVENT_ID_LENGTH} characters` };
    }
    if ([...eventId].some((ch) => ch.trim() === '' || ch.charCodeAt(0) < 0x20)) {
      return { ok: false, reason: '"eventId" must not contain spaces or control characters' };
    }
  }
  // A fresh plain copy: the payload stored on events never shares objects with the SDK's message.
  const copy = JSON.parse(text) as Record<string, unknown>;
  return { ok: true, exec, eventId: typeof eventId === 'string' ? eventId : null, data: copy };
}

function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
