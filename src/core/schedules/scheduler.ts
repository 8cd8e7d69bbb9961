/**
 * Scheduled commands (PRODUCT.md §21, `schedules`). Each firing enqueues one event per account with
 * `source: "schedule"` and the id `schedule:{id}:{firing time ISO}:{accountId}`: a second core, a restart or a
 * repeated check computes the same id, and the queue's dedup by id (§5 rule 1) makes it fire once.
 *
 * - Only firings after `start()` count: a firing missed while the app was down is not replayed. A firing found later
 *   than `lateMs` (the machine slept) is skipped with a logged reason, for the same reason.
 * - The settings are read at every check, so a schedule added, changed or removed in Settings applies at once
 *   (`settingsChanged()` re-arms the timer for the new next firing).
 * - `onlyIfDriftAbovePercent`: the account's stored drift (§20: from the drift monitor's last check or the last
 *   rebalance, in percentage points) is compared; with none stored the firing is skipped with a logged reason.
 */
import type { Logger } from 'pino';
import type { Command, EnqueueResult, NewEvent } from '../../shared/dto';
import type { AccountSettings, ScheduleSettings, Settings } from '../config/schema';
import { firingsBetween, nextFirings, scheduleEventId } from '../../shared/schedule-times';
import { tradingBlockReason } from '../domain/trading-guard';

export interface SchedulerOptions {
  settings: () => Settings;
  enqueue: (event: NewEvent) => Promise<EnqueueResult>;
  now: () => Date;
  /** The account's stored drift in percentage points (§20 `drift.percent`: largest |current − target| weight), or null. */
  drift: (accountId: string) => Promise<number | null>;
  log: Logger;
  /** A firing found later than this after its time is skipped, not replayed (default 5 min). */
  lateMs?: number;
  /** Longest wait between checks (default 60 s), so a changed clock is noticed. */
  maxWaitMs?: number;
}

/** What one check did with one firing for one account. */
export interface FiringOutcome {
  scheduleId: string;
  accountId: string;
  at: string;
  outcome: 'queued' | 'duplicate' | 'skipped';
  reason?: string;
  eventId?: string;
}

/** The next firing of any schedule for an account, for the Accounts card. */
export interface NextScheduledRun {
  scheduleId: string;
  command: Command;
  at: string;
}

export class Scheduler {
  private last: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<FiringOutcome[]> = Promise.resolve([]);
  private readonly lateMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.lateMs = options.lateMs ?? 5 * 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
  }

  /** Starts from now: earlier firings (while the app was down) are never replayed. */
  start(): void {
    if (this.last) return;
    this.last = this.options.now();
    this.arm();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = null;
    await this.running;
  }

  /** Settings were saved: the next check is re-timed for the new schedules (none fired twice, none replayed). */
  settingsChanged(): void {
    if (this.last) this.arm();
  }

  /**
   * Enqueues every firing in (last check, now] and returns what happened to each; checks never overlap. Called by the
   * timer; tests with an injected clock call it directly.
   */
  check(): Promise<FiringOutcome[]> {
    this.running = this.running.then(
      () => this.checkNow(),
      () => this.checkNow(),
    );
    return this.running;
  }

  /**
   * §29 resume from sleep: each schedule whose firing passed in (`from`, now] less than `graceMs` ago fires once (its
   * latest such firing), with the §21 id, so a firing the regular check already queued is a duplicate, not a second
   * event. Older firings are skipped with a logged reason.
   */
  fireMissed(from: Date, graceMs: number): Promise<FiringOutcome[]> {
    this.running = this.running.then(
      () => this.fireMissedNow(from, graceMs),
      () => this.fireMissedNow(from, graceMs),
    );
    return this.running;
  }

  private async fireMissedNow(from: Date, graceMs: number): Promise<FiringOutcome[]> {
    const now = this.options.now();
    const settings = this.options.settings();
    const outcomes: FiringOutcome[] = [];
    for (const schedule of settings.schedules) {
      const firings = this.firingsOf(schedule, from, now);
      if (!firings) continue;
      const at = firings.at(-1);
      if (!at) continue;
      const late = now.getTime() - at.getTime();
      if (late >= graceMs) {
        const reason = `passed ${Math.round(late / 60_000)} min ago while the computer slept, beyond the ${Math.round(graceMs / 60_000)} min grace (scheduleGraceMinutes); not replayed`;
        this.options.log.warn({ scheduleId: schedule.id, at: at.toISOString() }, `schedule firing skipped: ${reason}`);
        outcomes.push({ scheduleId: schedule.id, accountId: '*', at: at.toISOString(), outcome: 'skipped', reason });
        continue;
      }
      for (const account of targets(schedule, settings))
        outcomes.push(await this.fire(schedule, account, at, settings));
    }
    return outcomes;
  }

  /** The earliest next firing after now among the schedules that cover `accountId`. */
  nextRun(accountId: string): NextScheduledRun | null {
    const settings = this.options.settings();
    const account = settings.accounts.find((a) => a.accountId === accountId);
    if (!account) return null;
    const now = this.options.now();
    let best: NextScheduledRun | null = null;
    for (const schedule of settings.schedules) {
      if (!covers(schedule, account, settings)) continue;
      const [at] = safeNext(schedule, now, 1);
      if (at && (!best || at.toISOString() < best.at)) {
        best = { scheduleId: schedule.id, command: schedule.command, at: at.toISOString() };
      }
    }
    return best;
  }

  /** The schedule's firings in (from, now], or null (logged) when its cron or zone cannot be evaluated. */
  private firingsOf(schedule: ScheduleSettings, from: Date, now: Date): Date[] | null {
    try {
      return firingsBetween(schedule.cron, schedule.timezone, from, now);
    } catch (error) {
      this.options.log.warn({ scheduleId: schedule.id, err: (error as Error).message }, 'schedule not evaluated');
      return null;
    }
  }

  private async checkNow(): Promise<FiringOutcome[]> {
    if (!this.last) return [];
    const from = this.last;
    const now = this.options.now();
    if (now.getTime() <= from.getTime()) return [];
    this.last = now;
    const settings = this.options.settings();
    const outcomes: FiringOutcome[] = [];
    for (const schedule of settings.schedules) {
      const firings = this.firingsOf(schedule, from, now);
      if (!firings) continue;
      for (const at of firings) {
        const late = now.getTime() - at.getTime();
        if (late > this.lateMs) {
          const reason = `missed by ${Math.round(late / 1000)} s (the app was asleep or busy); not replayed`;
          this.options.log.warn(
            { scheduleId: schedule.id, at: at.toISOString() },
            `schedule firing skipped: ${reason}`,
          );
          outcomes.push({ scheduleId: schedule.id, accountId: '*', at: at.toISOString(), outcome: 'skipped', reason });
          continue;
        }
        for (const account of targets(schedule, settings)) {
          outcomes.push(await this.fire(schedule, account, at, settings));
        }
      }
    }
    this.arm();
    return outcomes;
  }

  private async fire(
    schedule: ScheduleSettings,
    account: AccountSettings,
    at: Date,
    settings: Settings,
  ): Promise<FiringOutcome> {
    const base = { scheduleId: schedule.id, accountId: account.accountId, at: at.toISOString() };
    const log = this.options.log.child(base);
    const skip = (reason: string): FiringOutcome => {
      log.info(`schedule firing skipped: ${reason}`);
      return { ...base, outcome: 'skipped', reason };
    };
    const blocked = tradingBlockReason(account, settings.tradingMode, schedule.command);
    if (blocked) return skip(blocked);
    if (schedule.onlyIfDriftAbovePercent !== undefined && schedule.onlyIfDriftAbovePercent !== null) {
      const drift = await this.options.drift(account.accountId).catch(() => null);
      if (drift === null) {
        return skip(
          `no drift is known for ${account.accountId} yet (it is stored by the drift monitor or a rebalance), so "only if drift above ${schedule.onlyIfDriftAbovePercent} %" cannot be judged`,
        );
      }
      if (drift <= schedule.onlyIfDriftAbovePercent) {
        return skip(
          `drift ${drift.toFixed(2)} % is not above ${schedule.onlyIfDriftAbovePercent} % for ${account.accountId}`,
        );
      }
    }
    const id = scheduleEventId(schedule.id, at, account.accountId);
    try {
      const result = await this.options.enqueue({
        id,
        eventId: id,
        accountId: account.accountId,
        command: schedule.command,
        strategy: account.strategy,
        source: 'schedule',
        payload: { scheduleId: schedule.id, firingAt: at.toISOString() },
      });
      if (result.status === 'queued') {
        log.info({ eventId: id }, `schedule ${schedule.id} queued ${schedule.command}`);
        return { ...base, outcome: 'queued', eventId: id };
      }
      log.info({ existingId: result.existingId }, `schedule ${schedule.id}: ${schedule.command} already queued`);
      return { ...base, outcome: 'duplicate', eventId: result.existingId };
    } catch (error) {
      log.error({ err: (error as Error).message }, `schedule ${schedule.id} could not enqueue`);
      return { ...base, outcome: 'skipped', reason: (error as Error).message };
    }
  }

  /** Waits until the next firing of any schedule (at most `maxWaitMs`). */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.options.now();
    let wait = this.maxWaitMs;
    for (const schedule of this.options.settings().schedules) {
      const [at] = safeNext(schedule, now, 1);
      if (at) wait = Math.min(wait, at.getTime() - now.getTime());
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.check();
      },
      Math.max(0, wait) + 50,
    );
    this.timer.unref();
  }
}

/** The accounts a schedule fires for: the listed ones, or every enabled account of the trading mode for "all". */
function targets(schedule: ScheduleSettings, settings: Settings): AccountSettings[] {
  return settings.accounts.filter((a) => covers(schedule, a, settings));
}

function covers(schedule: ScheduleSettings, account: AccountSettings, settings: Settings): boolean {
  if (schedule.accounts === 'all') return account.enabled && account.type === settings.tradingMode;
  return schedule.accounts.includes(account.accountId);
}

function safeNext(schedule: ScheduleSettings, after: Date, count: number): Date[] {
  try {
    return nextFirings(schedule.cron, schedule.timezone, after, count);
  } catch {
    return [];
  }
}
