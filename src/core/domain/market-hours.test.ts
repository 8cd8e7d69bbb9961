import { describe, expect, it } from 'vitest';
import { isOpen, nextOpen, parseTradingHours } from './market-hours';

const at = (iso: string) => new Date(iso);

// Fri 4 Dec 2026, a weekend, then Mon 7 Dec; New York is on EST (UTC−5).
const WEEK_NEW = '20261204:0930-20261204:1600;20261205:CLOSED;20261206:CLOSED;20261207:0930-20261207:1600';
const WEEK_OLD = '20261204:0930-1600;20261205:CLOSED;20261206:CLOSED;20261207:0930-1600';
// Thanksgiving: Wed 25 Nov open, Thu 26 Nov closed, Fri 27 Nov half day.
const THANKSGIVING = '20261125:0930-20261125:1600;20261126:CLOSED;20261127:0930-20261127:1300';

describe.each([
  { format: 'the current format', hours: WEEK_NEW },
  { format: 'the older format', hours: WEEK_OLD },
])('market hours in $format', ({ hours }) => {
  it('is open during the session and closed at its close', () => {
    expect(isOpen(hours, 'US/Eastern', at('2026-12-04T14:29:59Z'))).toBe(false);
    expect(isOpen(hours, 'US/Eastern', at('2026-12-04T14:30:00Z'))).toBe(true);
    expect(isOpen(hours, 'US/Eastern', at('2026-12-04T20:59:59Z'))).toBe(true);
    expect(isOpen(hours, 'US/Eastern', at('2026-12-04T21:00:00Z'))).toBe(false);
  });

  it('is closed over the weekend and next opens on Monday at 9:30 New York time', () => {
    expect(isOpen(hours, 'US/Eastern', at('2026-12-05T16:00:00Z'))).toBe(false);
    expect(nextOpen(hours, 'US/Eastern', at('2026-12-04T22:00:00Z'))).toEqual(at('2026-12-07T14:30:00Z'));
    expect(nextOpen(hours, 'US/Eastern', at('2026-12-06T23:00:00Z'))).toEqual(at('2026-12-07T14:30:00Z'));
  });

  it('answers now as the next open while the market is open', () => {
    expect(nextOpen(hours, 'US/Eastern', at('2026-12-07T15:00:00Z'))).toEqual(at('2026-12-07T15:00:00Z'));
  });

  it('answers null when the hours list no later session', () => {
    expect(nextOpen(hours, 'US/Eastern', at('2026-12-07T21:00:00Z'))).toBeNull();
  });
});

describe('market hours', () => {
  it('skips a CLOSED holiday to the next session', () => {
    expect(isOpen(THANKSGIVING, 'US/Eastern', at('2026-11-26T15:00:00Z'))).toBe(false);
    expect(nextOpen(THANKSGIVING, 'US/Eastern', at('2026-11-26T15:00:00Z'))).toEqual(at('2026-11-27T14:30:00Z'));
    expect(isOpen(THANKSGIVING, 'US/Eastern', at('2026-11-27T18:30:00Z'))).toBe(false);
  });

  it('follows daylight saving time (9:30 New York is 13:30 UTC in July)', () => {
    expect(parseTradingHours('20260707:0930-20260707:1600', 'America/New_York')).toEqual([
      { open: at('2026-07-07T13:30:00Z'), close: at('2026-07-07T20:00:00Z') },
    ]);
  });

  it('reads an overnight session in both formats', () => {
    const expected = [{ open: at('2026-12-06T23:00:00Z'), close: at('2026-12-07T22:00:00Z') }];
    expect(parseTradingHours('20261206:1700-20261207:1600', 'US/Central')).toEqual(expected);
    expect(parseTradingHours('20261206:1700-1600', 'US/Central')).toEqual(expected);
  });

  it('reads several ranges of one day in the older format', () => {
    expect(parseTradingHours('20090507:0700-1830,1830-2330;20090508:CLOSED', 'EST5EDT')).toEqual([
      { open: at('2009-05-07T11:00:00Z'), close: at('2009-05-07T22:30:00Z') },
      { open: at('2009-05-07T22:30:00Z'), close: at('2009-05-08T03:30:00Z') },
    ]);
  });

  it('understands the zone names of older gateways', () => {
    expect(isOpen(WEEK_NEW, 'EST (Eastern Standard Time)', at('2026-12-04T15:00:00Z'))).toBe(true);
  });

  it('rejects an unknown time zone and an unreadable entry as invalid', () => {
    expect(() => isOpen(WEEK_NEW, 'Mars/Olympus', at('2026-12-04T15:00:00Z'))).toThrow(
      expect.objectContaining({ kind: 'invalid' }),
    );
    expect(() => parseTradingHours('tomorrow 9-5', 'US/Eastern')).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});
