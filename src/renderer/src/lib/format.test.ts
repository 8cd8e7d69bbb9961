import { describe, expect, it } from 'vitest';
import { formatAsOf, formatClock, formatExact, formatSignedMoney } from './format';

describe('the one time format (§25)', () => {
  it('is the local date and time with its zone, and the clock is its time of day', () => {
    const iso = '2026-12-04T13:05:09.000Z';
    const exact = formatExact(iso);
    expect(exact).toMatch(/^2026-12-0[45] \d\d:\d5:09 \S+/);
    expect(exact.split(' ')[1]).toBe(formatClock(iso));
    const date = new Date(iso);
    expect(exact.split(' ')[1]).toBe(
      [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'),
    );
  });

  it("shows an allocation's as_of day as that day, in every zone, and a full timestamp in the one format", () => {
    expect(formatAsOf('2025-06-24')).toBe('2025-06-24');
    expect(formatAsOf('2025-06-24T20:00:00Z')).toBe(formatExact('2025-06-24T20:00:00Z'));
    expect(formatAsOf(null)).toBe('—');
  });

  it('says what it cannot read instead of inventing a time', () => {
    expect(formatExact(null)).toBe('—');
    expect(formatExact('not a time')).toBe('not a time');
  });
});

describe('signed money', () => {
  it('always shows the sign of a P&L', () => {
    expect(formatSignedMoney(12.5)).toMatch(/^\+USD\s12\.50$/);
    expect(formatSignedMoney(-3)).toMatch(/^−USD\s3\.00$/);
    expect(formatSignedMoney(null)).toBe('—');
  });
});
