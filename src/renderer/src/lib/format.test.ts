import { describe, expect, it } from 'vitest';
import { formatClock, formatExact, formatSignedMoney } from './format';

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
