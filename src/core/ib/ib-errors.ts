/**
 * Typed failures of the IB layer (PRODUCT.md §9, §10). Every failure leaving `src/core/ib` is an `IbError`, a
 * `DeskError` whose kind comes from the IB code (`classifyIbError`), or `transient` when there is no code
 * (timeouts, lost connection).
 */
import { isNonFatalError } from '@stoqey/ib';
import type { ErrorKind, OrderRecord } from '../../shared/dto';
import { classifyIbError, DeskError, ibErrorText, isIbWarning } from '../domain/errors';

/** Client-side codes raised by @stoqey/ib itself (and used here for the same situations). */
export const IB_CONNECT_FAIL = 502;
export const IB_NOT_CONNECTED = 504;
/** Decoder error: a message had too many or too few fields. Never expected; always logged as an error. */
export const IB_DECODE_ERROR = 505;

export interface IbErrorOptions {
  code?: number;
  /** Overrides the kind derived from `code` (e.g. `partial` for a fill timeout). */
  kind?: ErrorKind;
  /** The IB request or order id the error was reported for, when any. */
  reqId?: number;
  cause?: unknown;
}

/** A failure reported by (or while talking to) the gateway; `code` is the IB error code when there is one. */
export class IbError extends DeskError {
  readonly reqId?: number;

  constructor(message: string, options: IbErrorOptions = {}) {
    const kind = options.kind ?? (options.code === undefined ? 'transient' : classifyIbError(options.code, message));
    super(kind, message, {
      ...(options.code === undefined ? {} : { code: options.code }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    if (options.reqId !== undefined) this.reqId = options.reqId;
  }

  /**
   * An error reported by the gateway for a request, classified by its code, in the words of the code table (§24);
   * `symbol` is the symbol the request was about, for the sentences that name it.
   */
  static fromGateway(code: number, message: string, context: string, reqId?: number, symbol?: string): IbError {
    return new IbError(`${context}: ${ibErrorText(code, message, symbol)}`, {
      code,
      ...(reqId === undefined ? {} : { reqId }),
    });
  }

  /** The request could not be sent or its answer will never come: the connection is down (transient). */
  static notConnected(context: string, reason: string): IbError {
    return new IbError(`${context}: not connected to IB Gateway (${reason})`, { code: IB_NOT_CONNECTED });
  }

  /** No answer in time (transient). */
  static timeout(context: string, timeoutMs: number): IbError {
    return new IbError(`${context}: no answer from IB Gateway within ${timeoutMs} ms`, { kind: 'transient' });
  }
}

/**
 * §24: symbols IB has no contract for (200 and the other `invalid` codes of the table) — `invalid`, one sentence naming
 * them all, never "no price". `symbols` lets a caller that prices several accounts at once fail only those holding them.
 */
export class NoContractError extends IbError {
  readonly symbols: string[];

  constructor(symbols: readonly string[], causes: readonly IbError[]) {
    const list = [...symbols].sort();
    const first = causes[0];
    super(
      list.length === 1 && first
        ? first.message
        : `IB has no contract for ${list.join(', ')}: fix the strategy or add a replacement set`,
      { kind: 'invalid', ...(first?.code === undefined ? {} : { code: first.code }), cause: first },
    );
    this.symbols = list;
  }
}

/** Orders that did not all finish within the wait: kind `partial`, with every order's state at the timeout. */
export class FillTimeoutError extends IbError {
  readonly orders: OrderRecord[];

  constructor(message: string, orders: OrderRecord[]) {
    super(message, { kind: 'partial' });
    this.orders = orders;
  }
}

/**
 * True for IB codes that are notices rather than failures of the request they name: farm-OK messages, order
 * warnings (399), "displaying delayed data" (10167) and partly subscribed data (10090).
 */
export function isIbNotice(code: number, message: string): boolean {
  return isIbWarning(code) || isNonFatalError(code, new Error(message));
}
