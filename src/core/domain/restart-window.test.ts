import { describe, expect, it } from 'vitest';
import { parseRestartWindow, restartWindowEnd, restartWindowError, restartWindowReason } from './restart-window';
import { restartWindowProblem } from '../../shared/restart-window';

const DEFAULT = '23:40-00:15 America/New_York';
const at = (iso: string) => new Date(iso);
const endAt = (text: string, iso: string) => restartWindowEnd(parseRestartWindow(text), at(iso))?.toISOString() ?? null;

describe('the IB Gateway restart window across midnight', () => {
  it('is inside from 23:40 New York time and ends at 00:15 the next day', () => {
    // Wed 2 Dec 2026, New York on EST (UTC−5): 23:40 = 04:40Z on the 3rd.
    expect(endAt(DEFAULT, '2026-12-03T04:39:59Z')).toBeNull();
    expect(endAt(DEFAULT, '2026-12-03T04:40:00Z')).toBe('2026-12-03T05:15:00.000Z');
    expect(endAt(DEFAULT, '2026-12-03T04:59:00Z')).toBe('2026-12-03T05:15:00.000Z');
  });

  it('after midnight ends at 00:15 of the same day, and is outside from 00:15', () => {
    expect(endAt(DEFAULT, '2026-12-03T05:05:00Z')).toBe('2026-12-03T05:15:00.000Z');
    expect(endAt(DEFAULT, '2026-12-03T05:14:59Z')).toBe('2026-12-03T05:15:00.000Z');
    expect(endAt(DEFAULT, '2026-12-03T05:15:00Z')).toBeNull();
    expect(endAt(DEFAULT, '2026-12-03T15:00:00Z')).toBeNull();
  });

  it('follows daylight saving time: in summer the same window is an hour earlier in UTC', () => {
    // 1 Jul 2026, New York on EDT (UTC−4): 23:45 = 03:45Z on the 2nd.
    expect(endAt(DEFAULT, '2026-07-02T03:39:00Z')).toBeNull();
    expect(endAt(DEFAULT, '2026-07-02T03:45:00Z')).toBe('2026-07-02T04:15:00.000Z');
    expect(endAt(DEFAULT, '2026-12-03T03:45:00Z')).toBeNull();
  });

  it('ends at the right instant on the nights clocks change', () => {
    // 1 Nov 2026 02:00 EDT → 01:00 EST: a 01:30 EDT start is 05:30Z, the 03:00 end is on EST (08:00Z).
    expect(endAt('00:30-03:00 America/New_York', '2026-11-01T05:30:00Z')).toBe('2026-11-01T08:00:00.000Z');
    // 8 Mar 2026 02:00 EST → 03:00 EDT: at 01:45 EST (06:45Z) the 03:30 end is on EDT (07:30Z).
    expect(endAt('01:30-03:30 America/New_York', '2026-03-08T06:45:00Z')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('also takes a window inside one day, in any zone', () => {
    expect(endAt('12:00-13:00 Europe/Zurich', '2026-12-03T11:30:00Z')).toBe('2026-12-03T12:00:00.000Z');
    expect(endAt('12:00-13:00 Europe/Zurich', '2026-12-03T12:00:00Z')).toBeNull();
    expect(endAt('12:00-13:00 Europe/Zurich', '2026-12-03T10:59:00Z')).toBeNull();
  });
});

describe('the restart window error', () => {
  it('is transient, due at the end of the window, with the end in the window zone', () => {
    const error = restartWindowError(DEFAULT, at('2026-12-03T04:50:00Z'));
    expect(error?.kind).toBe('transient');
    expect(error?.message).toBe('IB Gateway daily restart window until 00:15');
    expect(error?.retryAt?.toISOString()).toBe('2026-12-03T05:15:00.000Z');
  });

  it('is absent outside the window and when the window is turned off', () => {
    expect(restartWindowError(DEFAULT, at('2026-12-03T15:00:00Z'))).toBeNull();
    expect(restartWindowError(null, at('2026-12-03T04:50:00Z'))).toBeNull();
  });

  it('pads the end time to HH:MM', () => {
    expect(restartWindowReason(parseRestartWindow('23:55-5:05 UTC'))).toBe(
      'IB Gateway daily restart window until 05:05',
    );
  });
});

describe('restart window format', () => {
  it.each([
    ['23:40-00:15', 'must be "HH:MM-HH:MM Time/Zone"'],
    ['11pm-midnight America/New_York', 'must be "HH:MM-HH:MM Time/Zone"'],
    ['24:10-00:15 America/New_York', 'the start time 24:10 is not a time of day'],
    ['23:40-00:75 America/New_York', 'the end time 00:75 is not a time of day'],
    ['23:40-23:40 America/New_York', 'the start and the end are the same time'],
    ['23:40-00:15 Mars/Olympus', 'unknown time zone "Mars/Olympus"'],
  ])('rejects %j: %s', (text, message) => {
    expect(restartWindowProblem(text)).toContain(message);
    expect(() => parseRestartWindow(text)).toThrow(message);
  });

  it('accepts the default', () => {
    expect(restartWindowProblem(DEFAULT)).toBeNull();
  });
});
