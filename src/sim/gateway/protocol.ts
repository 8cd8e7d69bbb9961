/** TWS socket framing (V100+): length-prefixed messages of NUL-terminated UTF-8 fields. */

export const UNSET_INT = 2147483647;
export const UNSET_DOUBLE_STR = '1.7976931348623157E308';
export const MAX_FRAME_BYTES = 0xffffff;
export const MAX_SERVER_VERSION = 193;
export const MIN_SERVER_VERSION = 100;

/** A value the writer turns into one field. */
export type Field = string | number | boolean | null | undefined;

/** Raised when a message has fewer fields than its layout needs. */
export class UnderrunError extends Error {
  constructor(message = 'underrun') {
    super(message);
    this.name = 'UnderrunError';
  }
}

/** Formats one field the way TWS does: booleans as 1/0, unset as empty. */
export function formatField(value: Field): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    if (Number.isInteger(value)) return String(value);
    return String(Math.round(value * 1e8) / 1e8);
  }
  return value;
}

/** Encodes one framed message (4-byte big-endian length + fields each ended by NUL). */
export function encodeFrame(fields: readonly Field[]): Buffer {
  const body = Buffer.from(fields.map((f) => formatField(f) + '\0').join(''), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Splits a frame payload into its fields. */
export function splitFields(payload: Buffer): string[] {
  const text = payload.toString('utf8');
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Sequential reader over the fields of one message; throws UnderrunError when exhausted. */
export class FieldReader {
  private pos = 0;
  constructor(private readonly fields: readonly string[]) {}

  get remaining(): number {
    return this.fields.length - this.pos;
  }

  get position(): number {
    return this.pos;
  }

  str(): string {
    const v = this.fields[this.pos];
    if (v === undefined) throw new UnderrunError(`underrun at field ${this.pos}`);
    this.pos++;
    return v;
  }

  /** Integer; empty → fallback (0 by default). */
  int(fallback = 0): number {
    const s = this.str().trim();
    if (s === '') return fallback;
    const n = Number.parseInt(s, 10);
    return Number.isNaN(n) ? fallback : n;
  }

  /** Double; empty or DBL_MAX → null. */
  double(): number | null {
    const s = this.str().trim();
    if (s === '') return null;
    const n = Number.parseFloat(s);
    if (Number.isNaN(n) || n >= Number.MAX_VALUE) return null;
    return n;
  }

  /** Boolean; "1"/"true" are true, everything else false. */
  bool(): boolean {
    const s = this.str().trim().toLowerCase();
    return s === '1' || s === 'true';
  }

  skip(n: number): void {
    for (let i = 0; i < n; i++) this.str();
  }
}

export type HandshakeResult =
  | { kind: 'need-more' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; minVersion: number; maxVersion: number; options: string; consumed: number };

/** Parses the "API\0" + length + "v100..193[ options]" greeting at the start of a connection. */
export function parseHandshake(buf: Buffer): HandshakeResult {
  if (buf.length < 4) {
    return 'API\0'.startsWith(buf.toString('latin1'))
      ? { kind: 'need-more' }
      : { kind: 'invalid', reason: 'no API prefix' };
  }
  if (buf.toString('latin1', 0, 4) !== 'API\0') return { kind: 'invalid', reason: 'no API prefix' };
  if (buf.length < 8) return { kind: 'need-more' };
  const len = buf.readUInt32BE(4);
  if (len > 4096) return { kind: 'invalid', reason: `version string too long (${len})` };
  if (buf.length < 8 + len) return { kind: 'need-more' };
  const text = buf.toString('utf8', 8, 8 + len).replace(/\0+$/, '');
  const m = /^v(\d+)(?:\.\.(\d+))?(.*)$/.exec(text);
  if (!m) return { kind: 'invalid', reason: `bad version string "${text}"` };
  const minVersion = Number(m[1]);
  const maxVersion = m[2] !== undefined ? Number(m[2]) : minVersion;
  return { kind: 'ok', minVersion, maxVersion, options: (m[3] ?? '').trim(), consumed: 8 + len };
}

export type FrameResult =
  { kind: 'need-more' } | { kind: 'invalid'; reason: string } | { kind: 'frame'; fields: string[]; consumed: number };

/** Extracts one frame from the start of the buffer. */
export function readFrame(buf: Buffer): FrameResult {
  if (buf.length < 4) return { kind: 'need-more' };
  const len = buf.readUInt32BE(0);
  if (len > MAX_FRAME_BYTES) return { kind: 'invalid', reason: `frame too large (${len})` };
  if (buf.length < 4 + len) return { kind: 'need-more' };
  return { kind: 'frame', fields: splitFields(buf.subarray(4, 4 + len)), consumed: 4 + len };
}
