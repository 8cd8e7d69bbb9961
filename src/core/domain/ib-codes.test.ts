import { describe, expect, it } from 'vitest';
import { classifyIbError, isIbWarning } from './errors';
import { describeIbCode, IB_CODES, ibCodeRow, PRECAUTION_FIX, READ_ONLY_FIX } from './ib-codes';

const KINDS = ['transient', 'market-closed', 'rejected', 'partial', 'invalid'];

/**
 * IB's API message-code list (error, system and warning codes) and @stoqey/ib's client codes 501–586: every code the
 * table must carry. (A code IB adds later falls back to `transient`.)
 */
const IB_MESSAGE_CODES = [
  ...[100, 101, 102, 103, 104, 105, 106, 107, 109, 110, 111, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123],
  ...[124, 125, 126, 127, 128, 129, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146],
  ...[147, 148, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168],
  ...[200, 201, 202, 203],
  ...[300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321],
  ...[322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343],
  ...[344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365],
  ...[366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387],
  ...[388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409],
  ...[410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 434],
  ...[435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 460],
  ...[501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522],
  ...[523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544],
  ...[545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566],
  ...[567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586],
  ...[1100, 1101, 1102, 1300],
  ...[2100, 2101, 2102, 2103, 2104, 2105, 2106, 2107, 2108, 2109, 2110, 2119, 2137, 2150, 2157, 2158, 2168, 2169],
  ...[10000, 10001, 10002, 10003, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012, 10013, 10014, 10015],
  ...[10016, 10017, 10018, 10019, 10020, 10021, 10022, 10023, 10024, 10025, 10026, 10027],
  ...[10089, 10090, 10091, 10147, 10148, 10149, 10167, 10168, 10186, 10197, 10243, 10268, 10269, 10270, 10276],
  ...[10311, 10349],
];

describe('the IB message-code table (§24)', () => {
  it('carries every code of IB’s message-code list', () => {
    const missing = IB_MESSAGE_CODES.filter((code) => !IB_CODES.has(code));
    expect(missing).toEqual([]);
  });

  it('gives every row a §10 kind and a sentence a trader can act on', () => {
    for (const [code, row] of IB_CODES) {
      expect(KINDS, `code ${code}`).toContain(row.kind);
      expect(row.kind, `code ${code}: market-closed comes from the liquid hours, never from a code`).not.toBe(
        'market-closed',
      );
      const { sentence } = describeIbCode(code, 'IB text', 'SPY');
      expect(sentence.length, `code ${code}`).toBeGreaterThan(30);
      expect(sentence, `code ${code}`).not.toMatch(/\{\w+\}/);
      expect(classifyIbError(code, 'any text')).toBe(row.kind);
    }
  });

  it('classifies the codes a trader meets as specified', () => {
    const expected: Record<number, string> = {
      451: 'rejected',
      109: 'rejected',
      201: 'rejected',
      321: 'rejected',
      203: 'rejected',
      460: 'rejected',
      10243: 'rejected',
      503: 'rejected',
      200: 'invalid',
      517: 'invalid',
      579: 'invalid',
      100: 'transient',
      103: 'transient',
      154: 'transient',
      326: 'transient',
      502: 'transient',
      504: 'transient',
      1100: 'transient',
      2110: 'transient',
    };
    for (const [code, kind] of Object.entries(expected)) expect(ibCodeRow(Number(code)).kind, code).toBe(kind);
    // A code IB adds later is retried rather than lost.
    expect(ibCodeRow(99_999).kind).toBe('transient');
  });

  it('leaves no refusal of the order as sent, of a setting or of a permission transient', () => {
    const refusals = [104, 105, 106, 107, 109, 110, 111, 160, 161, 163, 201, 202, 203, 321, 383, 387, 388, 404, 434];
    for (const code of [...refusals, 451, 460, 10148, 10243, 10311]) {
      expect(ibCodeRow(code).kind, `code ${code}`).not.toBe('transient');
    }
  });

  it('marks as notices exactly the codes the IB layer ignores as notices', () => {
    for (const [code, row] of IB_CODES) {
      if (code >= 2100 && code <= 2169) expect(row.notice === true, `code ${code}`).toBe(isIbWarning(code));
    }
    expect(IB_CODES.get(399)?.notice).toBe(true);
    expect(IB_CODES.get(10167)?.notice).toBe(true);
  });

  it('gives 451 and a 201 naming a precaution the precaution fix, with IB’s reason', () => {
    const total =
      'The following order "ID:12" value estimate of 60,000.00 USD exceeds the Total Value Limit of 50,000 USD.';
    const a = describeIbCode(451, total, 'SPY');
    expect(a.kind).toBe('rejected');
    expect(a.sentence).toContain("tick 'Bypass Order Precautions for API Orders'");
    expect(a.sentence).toContain('raise the limit');
    expect(a.sentence).toContain('exceeds the Total Value Limit');
    const b = describeIbCode(201, 'Order rejected - reason:Order size 5000 exceeds the Size Limit of 500.', 'SPY');
    expect(b).toEqual({
      kind: 'rejected',
      sentence: expect.stringContaining('Bypass Order Precautions for API Orders'),
    });
    // A 201 for buying power is rejected too, without the precaution fix.
    const c = describeIbCode(201, 'Order rejected - reason:Insufficient buying power', 'SPY');
    expect(c.kind).toBe('rejected');
    expect(c.sentence).not.toContain('Precaution');
    expect(c.sentence).toContain('buying power');
    expect(PRECAUTION_FIX).toContain('Bypass Order Precautions for API Orders');
  });

  it('gives 321 in Read-Only mode the fix, and 200 the sentence about the strategy, never a price', () => {
    const readOnly = describeIbCode(
      321,
      "Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode.",
    );
    expect(readOnly.kind).toBe('rejected');
    expect(readOnly.sentence).toBe(READ_ONLY_FIX);
    expect(readOnly.sentence).toContain("untick 'Read-Only API'");
    const other = describeIbCode(321, "Error validating request.-'bN' : cause - Missing order exchange");
    expect(other.kind).toBe('rejected');
    expect(other.sentence).toContain('Missing order exchange');

    const none = describeIbCode(200, 'No security definition has been found for the request', 'zzzq');
    expect(none.kind).toBe('invalid');
    expect(none.sentence).toBe('IB has no contract for ZZZQ: fix the strategy or add a replacement set');
    expect(none.sentence).not.toMatch(/price/i);
  });
});
