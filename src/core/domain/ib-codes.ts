/**
 * §24 "IB's answers are classified by code from one table": every code of IB's API message-code list (errors, system
 * and warning messages, and @stoqey/ib's own client-side codes 501–586) → its §10 kind and a sentence a trader can
 * act on. Codes, never message text, decide the kind; the text only picks the more precise sentence of a 201 (a
 * refusal by the gateway's Precautionary Settings) or a 321 (Read-Only API). A code not in the table is `transient`
 * so the event is retried rather than lost. Pure.
 *
 * Rules the kinds follow: a refusal that a retry cannot change (the order as sent, a setting of the gateway or the
 * account, a permission) is `rejected` ("needs attention"); a symbol IB has no contract for is `invalid` (the
 * allocation or replacement set is wrong, not the quote); only what passes by itself (pacing, a lost connection, a
 * halted security, a busy server) is `transient`. Notices (farm OK, warnings, delayed data shown) are not failures.
 *
 * In a sentence `{symbol}` is the symbol the request was about and `{reason}` IB's own text.
 */
import type { ErrorKind } from '../../shared/dto';

export interface IbCodeRow {
  kind: ErrorKind;
  /** What happened and what the trader does about it. */
  sentence: string;
  /** A notice, not a failure of the request it names (farm OK, order warnings, delayed data shown). */
  notice?: true;
}

/** The fix for a refusal by IB Gateway's Precautionary Settings (451, 109, 163, 10311, a 201 naming a limit). */
export const PRECAUTION_FIX =
  "IB Gateway's Precautionary Settings refused the order ({reason}): raise the limit in Configure › Settings › " +
  "API › Precautions, or tick 'Bypass Order Precautions for API Orders' there, then retry the event";

/** The fix for the gateway's Read-Only API mode (321). */
export const READ_ONLY_FIX =
  "IB Gateway's API is in Read-Only mode, so it refuses every order: untick 'Read-Only API' in Configure › " +
  'Settings › API › Settings, then retry the event';

const NO_CONTRACT = 'IB has no contract for {symbol}: fix the strategy or add a replacement set';
const ORDER_AS_SENT =
  "IB refused the order as sent ({reason}); a retry sends the same order: check the orders.* settings and the account's order defaults in IB Gateway";
const ORDER_ATTRIBUTE =
  'IB refused an order attribute this app does not use ({reason}): check the order presets in IB Gateway (Configure › Settings › Presets)';
const ADVISOR =
  "IB refused the order for the advisor/allocation setup of this login ({reason}): set the account's id exactly as IB shows it, or use the account's own login";
const REQUEST_REFUSED =
  'IB Gateway refused a request of this app ({reason}); a retry sends the same: update the app, or report it with the log';
const UPDATE_GATEWAY = 'IB Gateway is too old for this app ({reason}): update IB Gateway, then retry';
const SERVER_BUSY = 'IB Gateway had a temporary problem ({reason}); the event is retried';
const SOCKET = 'the connection to IB Gateway failed ({reason}); it reconnects by itself and the event is retried';
const PACING = 'too many requests to IB Gateway at once ({reason}); the event is retried after the retry delay';
const MARKET_DATA =
  'no market data for {symbol} ({reason}): the app falls back to delayed data; if it persists, enable delayed data or subscribe in IB Account Management';
const FARM_BROKEN = "a data link between IB Gateway and IB's servers is down ({reason}); IB restores it by itself";
const NOTICE = 'IB Gateway notice ({reason}); nothing to do';

const rows = new Map<number, IbCodeRow>();
function add(kind: ErrorKind, sentence: string, codes: readonly number[], notice = false): void {
  for (const code of codes) {
    if (rows.has(code)) throw new Error(`IB code ${code} is in the table twice`);
    rows.set(code, notice ? { kind, sentence, notice: true } : { kind, sentence });
  }
}
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Transient: passes by itself.
add('transient', PACING, [100, 101, 162, 309, 420, 415, 423]);
add('transient', 'IB Gateway reused a request id ({reason}); the request is sent again with a fresh id', [102]);
add(
  'transient',
  'IB Gateway answered that the order id was already used ({reason}): the app asks for fresh ids and sends the order again at once',
  [103],
);
add('transient', 'trading in {symbol} is halted ({reason}); the event is retried once the halt lifts', [154]);
add('transient', 'IB has no price to check the order against yet ({reason}); the event is retried', [164]);
add('transient', SERVER_BUSY, [300, 310, 316, 317, 320, 322, 323, 324, 365, 366]);
add(
  'transient',
  'the client id is already used by another API connection ({reason}); the app draws a new one and reconnects',
  [326],
);
add('transient', MARKET_DATA, [354, 10089, 10168, 10186]);
add('transient', SOCKET, [
  501,
  502,
  504,
  505,
  507,
  508,
  509,
  ...range(510, 516),
  ...range(518, 578),
  ...range(580, 584),
]);
add('transient', SOCKET, [586]);
add('transient', "IB Gateway lost its connection to IB's servers ({reason}); work waits until it is back", [1100]);
add('transient', 'IB Gateway reset its API socket ({reason}); the app reconnects by itself', [1300]);
add('transient', FARM_BROKEN, [2103, 2105, 2110, 2157]);
add(
  'transient',
  'a competing live session has the market data ({reason}): the same IB user is logged in to TWS or IBKR Mobile elsewhere; log that session out',
  [10197],
);
add('transient', 'IB could not find the order to cancel ({reason}); it has already finished', [10147]);

// Notices: not failures.
add(
  'transient',
  NOTICE,
  [131, 165, 399, 1101, 1102, 2100, 2101, 2102, 2104, 2106, 2107, 2108, 2109, 2119, 2137, 2150, 2158, 2168, 2169],
  true,
);
add(
  'transient',
  'IB is showing delayed market data for {symbol} ({reason}); prices are 15–20 minutes old',
  [10167],
  true,
);
add(
  'transient',
  'part of the market data for {symbol} is not subscribed ({reason}); the rest is used',
  [10090, 10091],
  true,
);
add(
  'transient',
  "IB Gateway's order preset overrode the order's time in force ({reason}); check Configure › Settings › Presets",
  [10349],
  true,
);

// Invalid: the allocation or the symbol is wrong, not the quote.
add('invalid', NO_CONTRACT, [200, 123, 124, 517, 579]);
add(
  'invalid',
  'IB reports the contract for {symbol} as expired ({reason}): fix the strategy or add a replacement set',
  [166],
);
add('invalid', 'the symbol {symbol} has characters IB does not accept ({reason}): fix the strategy', [407]);

// Rejected: needs the trader.
add('rejected', PRECAUTION_FIX, [109, 163, 451, 10311]);
add(
  'rejected',
  'IB rejected the order ({reason}): fix it in IB (buying power, trading permission, account) and retry the event',
  [201],
);
add('rejected', 'IB cancelled the order ({reason}): read the reason, fix it in IB and retry the event', [202]);
add(
  'rejected',
  '{symbol} is not available or not allowed for this account ({reason}): add a replacement set for the account, or ask IB for the permission',
  [203, 412],
);
add(
  'rejected',
  'IB refused the request as invalid ({reason}): read the reason; if it names Read-Only, untick Read-Only API in IB Gateway',
  [321],
);
add(
  'rejected',
  'the account has no trading permission for {symbol} ({reason}): ask IB for the permission in Account Management, or add a replacement set',
  [460],
);
add('rejected', 'IB cannot cancel the order now ({reason}); check it in TWS', [161, 10148, 10149]);
add(
  'rejected',
  'IB refused a fractional share quantity ({reason}): orders are whole shares; close the fraction in TWS',
  [10243],
);
add('rejected', '{symbol} cannot be sold short now ({reason}): the app never shorts; check the position in TWS', [404]);
add('rejected', 'IB refused an order of size zero ({reason}); check the plan and the positions in TWS', [160, 434]);
add('rejected', UPDATE_GATEWAY, [503, 506, 357]);
add(
  'rejected',
  ADVISOR,
  [142, 144, 330, 331, 332, 333, 340, 344, 345, 346, 424, 425, 426, 427, 428, 429, 435, 436, 585],
);
add(
  'rejected',
  'IB refused the account or login for this request ({reason}): check the account id in Settings',
  [132, 151],
);
add('rejected', 'IB Gateway is locked ({reason}): unlock it, then retry the event', [438]);
add(
  'rejected',
  'IB has no fundamentals or news permission for this request ({reason}); nothing to retry',
  [430, 10276],
);
add(
  'rejected',
  ORDER_AS_SENT,
  [
    104, 105, 106, 107, 110, 111, 113, 116, 122, 133, 134, 135, 136, 145, 355, 361, 382, 383, 384, 387, 388, 403, 406,
    411, 413, 421, 422, 437,
  ],
);
add('rejected', ORDER_ATTRIBUTE, [
  114,
  115,
  117,
  118,
  119,
  120,
  121,
  125,
  126,
  127,
  128,
  129,
  137,
  146,
  147,
  148,
  152,
  153,
  155,
  156,
  157,
  158,
  159,
  167,
  168,
  311,
  312,
  313,
  314,
  315,
  318,
  325,
  327,
  328,
  329,
  334,
  335,
  336,
  337,
  338,
  339,
  341,
  342,
  343,
  347,
  348,
  349,
  350,
  351,
  352,
  353,
  356,
  358,
  359,
  360,
  362,
  363,
  364,
  ...range(367, 381),
  385,
  386,
  389,
  390,
  391,
  392,
  393,
  394,
  395,
  396,
  397,
  398,
  400,
  401,
  402,
  405,
  408,
  409,
  410,
  414,
  416,
  417,
  418,
  419,
  439,
  440,
  441,
  442,
  443,
  444,
  445,
  446,
  447,
  448,
  449,
  ...range(10000, 10027),
  10268,
  10269,
  10270,
]);
add('rejected', REQUEST_REFUSED, [138, 139, 140, 141, 143, 301, 302, 303, 304, 305, 306, 307, 308, 319, 450]);

/** The table: code → kind and sentence. Walked by its test; `describeIbCode` reads it. */
export const IB_CODES: ReadonlyMap<number, IbCodeRow> = rows;

/** A refusal a 201 (or 202) reason attributes to the gateway's Precautionary Settings or an order limit. */
const PRECAUTION_WORDING =
  /precaution|total value limit|value estimate|size limit|order (?:size|value) limit|percentage|exceeds? the .*limit/i;
/** The wording of a 321 in Read-Only API mode. */
const READ_ONLY_WORDING = /read[- ]only/i;

/** The row of a code: from the table, or `transient` with a general sentence for a code IB added later. */
export function ibCodeRow(code: number): IbCodeRow {
  return (
    rows.get(code) ?? {
      kind: 'transient',
      sentence: `IB Gateway reported code ${code} ({reason}); the event is retried — look the code up in IB's message-code list if it repeats`,
    }
  );
}

/**
 * The kind and the trader's sentence of an IB message: the kind from the code alone; the sentence from the code's
 * row, or the precaution / Read-Only fix when a 201 or 321 names them, with `{symbol}` and `{reason}` filled in.
 */
export function describeIbCode(code: number, message: string, symbol?: string): { kind: ErrorKind; sentence: string } {
  const row = ibCodeRow(code);
  let sentence = row.sentence;
  if ((code === 201 || code === 202) && PRECAUTION_WORDING.test(message)) sentence = PRECAUTION_FIX;
  if (code === 321 && READ_ONLY_WORDING.test(message)) sentence = READ_ONLY_FIX;
  const reason = message.trim() === '' ? `IB code ${code}` : message.trim();
  return {
    kind: row.kind,
    sentence: sentence
      .replaceAll('{symbol}', symbol?.trim() ? symbol.trim().toUpperCase() : 'this symbol')
      .replaceAll('{reason}', reason),
  };
}
