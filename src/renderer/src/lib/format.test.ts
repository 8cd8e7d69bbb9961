import { describe, expect, it, vi } from 'vitest';
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

  it("names the zone of each time's own offset, as Intl does: winter and summer time apart", () => {
    vi.stubEnv('TZ', 'Europe/Berlin');
    try {
      for (const iso of ['2026-01-15T10:00:00.000Z', '2026-07-15T10:00:00.000Z', '2026-01-15T11:00:00.000Z']) {
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat(undefined, {
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
            timeZoneName: 'short',
          })
            .formatToParts(new Date(iso))
            .map((p) => [p.type, p.value]),
        );
        expect(formatExact(iso)).toBe(
          `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`,
        );
      }
      expect(formatExact('2026-01-15T10:00:00.000Z')).toMatch(/^2026-01-15 11:00:00 /);
      expect(formatExact('2026-07-15T10:00:00.000Z')).toMatch(/^2026-07-15 12:00:00 /);
      expect(formatExact('2026-01-15T10:00:00.000Z').split(' ')[2]).not.toBe(
        formatExact('2026-07-15T10:00:00.000Z').split(' ')[2],
      );
    } finally {
      vi.unstubAllEnvs();
    }
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
