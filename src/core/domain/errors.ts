/**
 * Typed failures of event work (PRODUCT.md §10). Every failure that reaches the queue is a `DeskError` whose
 * `kind` decides what happens next: delayed by the fixed retry delay, delayed to the next open, held, notified.
 */
import type { ErrorKind } from '../../shared/dto';
import { describeIbCode, IB_CODES, ibCodeRow } from './ib-codes';

/** Extra facts a failure may carry. */
export interface DeskErrorOptions {
  /** IB error code when the failure came from the gateway. */
  code?: number;
  /** When a retry makes sense at the earliest (set for `market-closed`: the next session open). */
  retryAt?: Date | null;
  cause?: unknown;
}

/** A failure of event work with its §10 kind; the queue reads `kind`, the trader reads `message`. */
export class DeskError extends Error {
  override readonly name = 'DeskError';
  readonly kind: ErrorKind;
  readonly code?: number;
  readonly retryAt?: Date | null;

  constructor(kind: ErrorKind, message: string, options: DeskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options.code !== undefined) this.code = options.code;
    if (options.retryAt !== undefined) this.retryAt = options.retryAt;
  }
}

/** True for a `DeskError` (also across module copies, by shape). */
export function isDeskError(error: unknown): error is DeskError {
  return (
    error instanceof DeskError ||
    (error instanceof Error && error.name === 'DeskError' && typeof (error as { kind?: unknown }).kind === 'string')
  );
}

/** Gateway down, timeout, pacing, allocation API 5xx, missing price: retried after the fixed delay. */
export function transientError(message: string, options?: DeskErrorOptions): DeskError {
  return new DeskError('transient', message, options);
}

/** Outside the symbols' liquid hours: delayed to `retryAt` (the next open) when known. */
export function marketClosedError(message: string, retryAt: Date | null, options?: DeskErrorOptions): DeskError {
  return new DeskError('market-closed', message, { ...options, retryAt });
}

/** The broker or the provider refused (IB 201, what-if rejection, API key refused): needs the trader's attention. */
export function rejectedError(message: string, options?: DeskErrorOptions): DeskError {
  return new DeskError('rejected', message, options);
}

/** Some orders filled, others did not in time: the retry re-plans from the new positions. */
export function partialError(message: string, options?: DeskErrorOptions): DeskError {
  return new DeskError('partial', message, options);
}

/** Bad input data (allocation weights out of range, sum > 1.01, unknown strategy): retrying as-is will not help. */
export function invalidError(message: string, options?: DeskErrorOptions): DeskError {
  return new DeskError('invalid', message, options);
}

/**
 * The kind of each IB code (PRODUCT.md §10, §24: codes, never message text, drive the classification), read from THE
 * table of IB's message codes in ib-codes.ts (each row a kind and a sentence a trader can act on).
 * `market-closed` is never derived from a code: it comes from the contract's liquid hours (market-hours.ts).
 */
export const IB_ERROR_KINDS: ReadonlyMap<number, ErrorKind> = new Map(
  [...IB_CODES].map(([code, row]) => [code, row.kind] as const),
);

/**
 * The §10 kind of an IB error by its code; the message is only carried along, never parsed for the kind.
 * Unknown codes are `transient` so the event is retried rather than lost. See `IB_CODES` for the table.
 */
export function classifyIbError(code: number, _message: string): ErrorKind {
  return ibCodeRow(code).kind;
}

/**
 * The text of an IB error for the trader: the plain reason of a gateway trouble (§21), else the table's sentence for
 * the code (§24, with the symbol the request was about), then IB's code.
 */
export function ibErrorText(code: number, message: string, symbol?: string): string {
  const plain = gatewayReason(code);
  if (plain) return `${plain} (IB error ${code}: ${message})`;
  return `${describeIbCode(code, message, symbol).sentence} (IB error ${code})`;
}

/**
 * True for IB codes that are notices, not failures: farm-connection OK messages (2100–2169 except the "broken"
 * ones 2103, 2105, 2110, 2157), 399 (order message warning) and 1102 (connectivity restored, data kept).
 */
export function isIbWarning(code: number): boolean {
  if (code === 399 || code === 1102) return true;
  return code >= 2100 && code <= 2169 && code !== 2103 && code !== 2105 && code !== 2110 && code !== 2157;
}

/** A `DeskError` for an IB error, classified by code, with the code kept on the error and the table's sentence. */
export function ibError(code: number, message: string, symbol?: string): DeskError {
  return new DeskError(classifyIbError(code, message), ibErrorText(code, message, symbol), { code });
}

/** Any thrown value as a `DeskError`: DeskErrors pass through, anything else is `transient` (retry, never lose). */
export function toDeskError(error: unknown): DeskError {
  if (isDeskError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeskError('transient', message, { cause: error });
}

/**
 * Plain reasons for IB Gateway's own troubles (PRODUCT.md §21), shown in the IB light and in an event's error.
 * Keyed by IB code; a gateway that is up but not logged in has no code and uses `NOT_LOGGED_IN_REASON`.
 */
export const GATEWAY_REASONS: ReadonlyMap<number, string> = new Map([
  [1100, "IB Gateway lost its connection to IB's servers (1100); it reconnects by itself, work waits until then"],
  [1101, 'IB Gateway is connected to IB again (1101); market data was lost and is asked for afresh'],
  [1102, 'IB Gateway is connected to IB again (1102)'],
  [2110, "the link between IB Gateway and IB's servers is broken (2110); IB restores it by itself"],
  [
    10197,
    'a competing live session has the market data (10197): the same IB user is logged in to TWS or IBKR Mobile elsewhere; log that session out',
  ],
]);

/** A gateway that accepted the API connection but manages no accounts: nobody has logged in to it yet. */
export const NOT_LOGGED_IN_REASON =
  'IB Gateway is running but not logged in (no managed accounts): log in to IB Gateway and confirm the two-factor prompt';

/** The plain reason for an IB code of `GATEWAY_REASONS`, or undefined for any other code. */
export function gatewayReason(code: number): string | undefined {
  return GATEWAY_REASONS.get(code);
}

/** The message of anything thrown: an Error's message, anything else as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
