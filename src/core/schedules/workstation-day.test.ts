import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { EnqueueResult, NewEvent } from '../../shared/dto';
import { settingsSchema, type SettingsInput } from '../config/schema';
import { Scheduler } from './scheduler';
import { keepAwakeReason, WorkstationDay } from './workstation-day';

const log = pino({ enabled: false });

function settingsWith(input: SettingsInput = {}) {
  return settingsSchema.parse({
    accounts: [{ accountId: 'DU2000001', strategy: 'growth-a' }],
    schedules: [{ id: 'open', cron: '0 9 * * *', timezone: 'UTC', accounts: 'all', command: 'rebalance' }],
    ...input,
  });
}

/** A machine that sleeps and wakes on a clock the test moves, with an in-memory queue that dedups by id. */
function workstation(input: SettingsInput = {}) {
  let t = new Date('2026-12-07T08:50:00Z').getTime();
  const now = () => new Date(t);
  const settings = settingsWith(input);
  const events = new Map<string, NewEvent>();
  const enqueue = async (event: NewEvent): Promise<EnqueueResult> => {
    if (events.has(event.id!)) return { status: 'duplicate', existingId: event.id! };
    events.set(event.id!, event);
    return { status: 'queued', event: { id: event.id } as never };
  };
  const scheduler = new Scheduler({ settings: () => settings, enqueue, now, drift: async () => null, log });
  const awake: [boolean, string | null][] = [];
  const reconnect = vi.fn();
  const catchUp = vi.fn();
  const day = new WorkstationDay({
    now,
    settings: () => settings,
    activeEvents: async () => 0,
    keepAwake: (on, reason) => awake.push([on, reason]),
    reconnect,
    catchUp,
    fireMissed: (from, graceMs) => scheduler.fireMissed(from, graceMs),
    log,
  });
  return { day, events, awake, reconnect, catchUp, set: (iso: string) => (t = new Date(iso).getTime()) };
}

describe('resume from sleep (§29)', () => {
  it('fires once a schedule whose firing passed during the sleep, with the §21 id; a second resume is a duplicate', async () => {
    const w = workstation();
    w.day.suspended();
    w.set('2026-12-07T09:20:00Z');
    const outcomes = await w.day.resumed();
    expect(w.reconnect).toHaveBeenCalledTimes(1);
    expect(w.catchUp).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => o.outcome)).toEqual(['queued']);
    expect([...w.events.keys()]).toEqual(['schedule:open:2026-12-07T09:00:00.000Z:DU2000001']);
    expect(w.events.get('schedule:open:2026-12-07T09:00:00.000Z:DU2000001')?.source).toBe('schedule');

    // Woken twice (or the regular check got there too): the same id, no second event.
    w.day.suspended();
    w.set('2026-12-07T09:21:00Z');
    expect((await w.day.resumed()).map((o) => o.outcome)).toEqual([]);
    expect(w.events.size).toBe(1);
  });

  it('does not fire a firing that passed longer ago than scheduleGraceMinutes', async () => {
    const w = workstation({ scheduleGraceMinutes: 30 });
    w.day.suspended();
    w.set('2026-12-07T09:31:00Z');
    const outcomes = await w.day.resumed();
    expect(outcomes).toEqual([expect.objectContaining({ outcome: 'skipped', scheduleId: 'open' })]);
    expect(outcomes[0]?.reason).toMatch(/passed 31 min ago while the computer slept, beyond the 30 min grace/);
    expect(w.events.size).toBe(0);
    expect(w.reconnect).toHaveBeenCalledTimes(1);
  });

  it('fires a schedule that passed several times during a long sleep only once, at its latest firing', async () => {
    const w = workstation({
      schedules: [{ id: 'hourly', cron: '0 * * * *', timezone: 'UTC', accounts: 'all', command: 'print-rebalance' }],
    });
    w.day.suspended();
    w.set('2026-12-07T11:10:00Z');
    await w.day.resumed();
    expect([...w.events.keys()]).toEqual(['schedule:hourly:2026-12-07T11:00:00.000Z:DU2000001']);
  });
});

describe('keeping the machine awake (§29)', () => {
  const settings = settingsWith();
  it('from 30 minutes before to 30 minutes after a firing, and while an event is active', () => {
    expect(keepAwakeReason(new Date('2026-12-07T08:29:00Z'), 0, settings)).toBeNull();
    expect(keepAwakeReason(new Date('2026-12-07T08:31:00Z'), 0, settings)).toBe(
      'schedule open fires at 2026-12-07T09:00:00.000Z',
    );
    expect(keepAwakeReason(new Date('2026-12-07T09:29:00Z'), 0, settings)).toMatch(/^schedule open/);
    expect(keepAwakeReason(new Date('2026-12-07T09:31:00Z'), 0, settings)).toBeNull();
    expect(keepAwakeReason(new Date('2026-12-07T12:00:00Z'), 2, settings)).toBe('2 event(s) being processed');
  });

  it('tells the shell only when the answer changes', async () => {
    const w = workstation();
    w.set('2026-12-07T08:00:00Z');
    await w.day.evaluate();
    w.set('2026-12-07T08:40:00Z');
    await w.day.evaluate();
    await w.day.evaluate();
    w.set('2026-12-07T09:40:00Z');
    await w.day.evaluate();
    expect(w.awake).toEqual([
      [false, null],
      [true, 'schedule open fires at 2026-12-07T09:00:00.000Z'],
      [false, null],
    ]);
  });
});
