/**
 * The stored form of an event record (`rebalance_event:<id>`, PRODUCT.md §4) and the checks that
 * turn a stored string back into an EventRecord without trusting it.
 */
import {
  ERROR_KINDS,
  EVENT_SOURCES,
  EVENT_STATUSES,
  isCommand,
  type Command,
  type EventApproval,
  type EventError,
  type EventRecord,
  type EventStatus,
  type HistoryEntry,
} from '../../shared/dto';

/**
 * JSON with the scalar fields first and `"payload":…,"result":…` last. The Lua scripts find the
 * payload at the first `,"payload":` (a quote inside a JSON string is always escaped, so that text
 * can only be the key) and decode / re-encode only the scalar head, leaving payload and result
 * byte for byte as written here.
 */
export function encodeRecord(record: EventRecord): string {
  const { payload, result, ...head } = record;
  const h = JSON.stringify(head);
  return `${h.slice(0, -1)},"payload":${JSON.stringify(payload ?? {})},"result":${JSON.stringify(result ?? null)}}`;
}

export class RecordError extends Error {
  override name = 'RecordError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function parseError(v: unknown): EventError | null {
  if (v === null || v === undefined) return null;
  if (!isObj(v) || !isStr(v.message) || !(ERROR_KINDS as readonly unknown[]).includes(v.kind)) {
    throw new RecordError('lastError is malformed');
  }
  const e: EventError = { kind: v.kind as EventError['kind'], message: v.message, at: isStr(v.at) ? v.at : '' };
  if (typeof v.code === 'number') e.code = v.code;
  return e;
}

function parseApproval(v: unknown): EventApproval | null {
  if (v === null || v === undefined) return null;
  if (!isObj(v) || !isStr(v.requestedAt) || !isStr(v.planHash) || !isStrOrNull(v.autoApproveAt ?? null)) {
    throw new RecordError('approval is malformed');
  }
  const optStr = (x: unknown): string | null => (isStr(x) ? x : null);
  const a: EventApproval = {
    requestedAt: v.requestedAt,
    autoApproveAt: optStr(v.autoApproveAt),
    planHash: v.planHash,
    minutes: typeof v.minutes === 'number' && Number.isFinite(v.minutes) ? v.minutes : null,
    approvedAt: optStr(v.approvedAt),
    approvedBy: optStr(v.approvedBy),
    approvedHash: optStr(v.approvedHash),
  };
  if (isStr(v.note)) a.note = v.note;
  return a;
}

/** Parses and checks a stored record; throws RecordError saying what is wrong. */
export function parseRecord(raw: string): EventRecord {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new RecordError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObj(v)) throw new RecordError('not a JSON object');
  const bad = (field: string): never => {
    throw new RecordError(`field ${field} is missing or has the wrong type`);
  };
  if (!isStr(v.id) || v.id === '') bad('id');
  if (!isStr(v.accountId) || v.accountId === '') bad('accountId');
  if (!isCommand(v.command)) bad('command');
  if (!(EVENT_STATUSES as readonly unknown[]).includes(v.status)) bad('status');
  if (!(EVENT_SOURCES as readonly unknown[]).includes(v.source)) bad('source');
  if (typeof v.timesQueued !== 'number' || !Number.isFinite(v.timesQueued)) bad('timesQueued');
  if (!isStr(v.createdAt)) bad('createdAt');
  if (!isStr(v.updatedAt)) bad('updatedAt');
  if (v.nextAttemptAt !== undefined && !isStrOrNull(v.nextAttemptAt)) bad('nextAttemptAt');
  if (v.strategy !== undefined && !isStrOrNull(v.strategy)) bad('strategy');
  if (v.payload !== undefined && v.payload !== null && !isObj(v.payload)) bad('payload');
  if (v.result !== undefined && v.result !== null && !isObj(v.result)) bad('result');
  const record: EventRecord = {
    id: v.id as string,
    eventId: isStr(v.eventId) ? v.eventId : (v.id as string),
    accountId: v.accountId as string,
    command: v.command as Command,
    strategy: (v.strategy as string | null | undefined) ?? null,
    source: v.source as EventRecord['source'],
    payload: (v.payload as Record<string, unknown> | null | undefined) ?? {},
    status: v.status as EventStatus,
    timesQueued: v.timesQueued as number,
    createdAt: v.createdAt as string,
    updatedAt: v.updatedAt as string,
    nextAttemptAt: (v.nextAttemptAt as string | null | undefined) ?? null,
    lastError: parseError(v.lastError),
    result: (v.result as Record<string, unknown> | null | undefined) ?? null,
  };
  if (v.heldReason !== undefined) record.heldReason = isStr(v.heldReason) ? v.heldReason : null;
  if (v.needsAttention !== undefined) record.needsAttention = v.needsAttention === true;
  if (v.approval !== undefined && v.approval !== null) record.approval = parseApproval(v.approval);
  return record;
}

/**
 * What list / get show for a record that cannot be read: the state from the sets, the account and
 * command from `rebalance_active_owner` when it holds a pair, and an `invalid` lastError naming the problem, so the
 * trader sees it (and can delete it) instead of it vanishing.
 */
export function placeholderRecord(
  id: string,
  status: EventStatus,
  pair: string | null,
  reason: string,
  nowIso: string,
): EventRecord {
  const cut = pair ? pair.lastIndexOf(':') : -1;
  const accountId = pair && cut > 0 ? pair.slice(0, cut) : '?';
  const command = pair && cut > 0 ? pair.slice(cut + 1) : '';
  return {
    id,
    eventId: id,
    accountId,
    command: isCommand(command) ? command : 'rebalance',
    strategy: null,
    source: 'manual',
    payload: {},
    status,
    timesQueued: 0,
    createdAt: nowIso,
    updatedAt: nowIso,
    nextAttemptAt: null,
    lastError: { kind: 'invalid', message: `unreadable record in Redis: ${reason}`, at: nowIso },
    result: null,
    needsAttention: true,
  };
}

/** One entry of the `rebalance_history` stream ([streamId, [field, value, …]]), or null. */
export function parseHistoryEntry(streamId: string, fields: string[]): HistoryEntry | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  if (!f.id || !f.action) return null;
  const status = (s: unknown): EventStatus | null =>
    (EVENT_STATUSES as readonly unknown[]).includes(s) ? (s as EventStatus) : null;
  const entry: HistoryEntry = {
    streamId,
    id: f.id,
    accountId: f.accountId ?? '',
    command: f.command ?? '',
    at: f.at ?? '',
    from: status(f.from),
    to: status(f.to),
    by: f.by ?? '',
    action: f.action,
  };
  if (f.note) entry.note = f.note;
  return entry;
}
