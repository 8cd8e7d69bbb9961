/**
 * §29 The workstation's day, the part that is not Electron: when the machine must stay awake (an event is active, or a
 * schedule fires within `KEEP_AWAKE_MARGIN_MS` either side of now) and what resuming from sleep does (reconnect IB and
 * the feed at once, run the missed-signal catch-up, fire once each schedule whose firing passed during the sleep less
 * than `scheduleGraceMinutes` ago). The clock is injected; src/main/workstation.ts wires it to powerSaveBlocker and
 * powerMonitor.
 */
import type { Logger } from 'pino';
import { firingsBetween } from '../../shared/schedule-times';
import type { Settings } from '../config/schema';
import type { FiringOutcome } from './scheduler';

/** Awake from 30 minutes before to 30 minutes after a schedule firing. */
export const KEEP_AWAKE_MARGIN_MS = 30 * 60_000;

/** Why the machine must stay awake now, or null when it may sleep. */
export function keepAwakeReason(now: Date, activeEvents: number, settings: Settings): string | null {
  if (activeEvents > 0) return `${activeEvents} event(s) being processed`;
  const from = new Date(now.getTime() - KEEP_AWAKE_MARGIN_MS);
  const to = new Date(now.getTime() + KEEP_AWAKE_MARGIN_MS);
  for (const schedule of settings.schedules) {
    let firings: Date[];
    try {
      firings = firingsBetween(schedule.cron, schedule.timezone, from, to, 1);
    } catch {
      continue;
    }
    const at = firings[0];
    if (at) return `schedule ${schedule.id} fires at ${at.toISOString()}`;
  }
  return null;
}

export interface WorkstationDayDeps {
  now: () => Date;
  settings: () => Settings;
  /** Events now being processed (§4 status `active`). */
  activeEvents: () => Promise<number>;
  /** Called when the answer changes: keep the machine awake (with why) or let it sleep. */
  keepAwake: (on: boolean, reason: string | null) => void;
  /** Drops and re-opens the IB connection and the realtime feed at once. */
  reconnect: () => void;
  /** The missed-signal catch-up (§6). */
  catchUp: () => void;
  /** Schedules' firings in (from, now] within the grace (Scheduler.fireMissed). */
  fireMissed: (from: Date, graceMs: number) => Promise<FiringOutcome[]>;
  log: Logger;
}

export class WorkstationDay {
  private sleptAt: Date | null = null;
  private awake: boolean | null = null;
  private evaluating: Promise<boolean> = Promise.resolve(false);

  constructor(private readonly deps: WorkstationDayDeps) {}

  /** The machine is going to sleep (powerMonitor 'suspend'). */
  suspended(): void {
    this.sleptAt = this.deps.now();
    this.deps.log.info({ at: this.sleptAt.toISOString() }, 'the computer is going to sleep');
  }

  /**
   * The machine woke (powerMonitor 'resume'): reconnect, catch up, fire the schedules missed within the grace. Without
   * a 'suspend' seen first, the grace itself is the window looked back on.
   */
  async resumed(): Promise<FiringOutcome[]> {
    const now = this.deps.now();
    const graceMs = this.deps.settings().scheduleGraceMinutes * 60_000;
    const from = this.sleptAt ?? new Date(now.getTime() - graceMs);
    this.sleptAt = null;
    this.deps.log.info({ sleptSince: from.toISOString() }, 'the computer woke: reconnecting IB and the feed');
    this.deps.reconnect();
    this.deps.catchUp();
    const outcomes = await this.deps.fireMissed(from, graceMs);
    await this.evaluate();
    return outcomes;
  }

  /** Re-decides keeping the machine awake (on queue changes and once a minute); calls `keepAwake` on a change. */
  evaluate(): Promise<boolean> {
    this.evaluating = this.evaluating.then(
      () => this.evaluateNow(),
      () => this.evaluateNow(),
    );
    return this.evaluating;
  }

  private async evaluateNow(): Promise<boolean> {
    let active = 0;
    try {
      active = await this.deps.activeEvents();
    } catch (error) {
      this.deps.log.debug({ err: (error as Error).message }, 'active events not read; judged by schedules only');
    }
    const reason = keepAwakeReason(this.deps.now(), active, this.deps.settings());
    const on = reason !== null;
    if (on !== this.awake) {
      this.awake = on;
      this.deps.keepAwake(on, reason);
    }
    return on;
  }
}

/** How long queue changes are gathered before the keep-awake answer is re-decided, and how often it is anyway. */
const EVALUATE_AFTER_CHANGE_MS = 500;
const EVALUATE_EVERY_MS = 60_000;

/**
 * Runs the day: re-decides keeping the machine awake on queue changes (gathered for a moment) and every minute, and
 * once now. The returned stop ends both and lets the machine sleep.
 */
export function runWorkstationDay(
  day: WorkstationDay,
  onQueueChange: (listener: () => void) => () => void,
): () => void {
  let evaluateSoon = false;
  const unsubscribe = onQueueChange(() => {
    if (evaluateSoon) return;
    evaluateSoon = true;
    setTimeout(() => {
      evaluateSoon = false;
      void day.evaluate();
    }, EVALUATE_AFTER_CHANGE_MS).unref();
  });
  const timer = setInterval(() => void day.evaluate(), EVALUATE_EVERY_MS);
  timer.unref();
  void day.evaluate();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
