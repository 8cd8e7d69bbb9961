/**
 * When schedules fire (PRODUCT.md §21): 5-field cron patterns in a time zone, evaluated with `croner` (no cron parser
 * of our own). Pure: the caller passes the instants; croner works in the browser too, so the Settings editor checks a
 * pattern as typed with these same functions.
 */
import { Cron } from 'croner';

function cronOf(cron: string, timezone: string): Cron {
  return new Cron(cron.trim(), { timezone, mode: '5-part', paused: true });
}

/** Why `timezone` is not an IANA time zone, or null. */
export function timeZoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `unknown time zone "${timezone}" (use an IANA name such as America/New_York)`;
  }
}

/** Why `cron` is not a 5-field cron pattern (minute hour day-of-month month day-of-week), or null. */
export function cronProblem(cron: string, timezone = 'UTC'): string | null {
  const zone = timeZoneProblem(timezone);
  if (zone) return zone;
  try {
    cronOf(cron, timezone);
    return null;
  } catch (error) {
    const text = (error as Error).message.replace(/^CronPattern:\s*/, '');
    return `not a cron pattern "minute hour day month weekday" (e.g. "35 9 * * 1-5"): ${text}`;
  }
}

/** The next `count` firings strictly after `after` (fewer when the pattern never fires again). */
export function nextFirings(cron: string, timezone: string, after: Date, count: number): Date[] {
  return cronOf(cron, timezone).nextRuns(count, after);
}

/** Every firing in (`from`, `to`], oldest first (at most `limit`). */
export function firingsBetween(cron: string, timezone: string, from: Date, to: Date, limit = 1_000): Date[] {
  const job = cronOf(cron, timezone);
  const out: Date[] = [];
  let at: Date | null = job.nextRun(from);
  while (at && at.getTime() <= to.getTime() && out.length < limit) {
    out.push(at);
    at = job.nextRun(at);
  }
  return out;
}

/** The event id of one firing for one account: a second core or a restart computes the same id, so it fires once. */
export function scheduleEventId(scheduleId: string, firing: Date, accountId: string): string {
  return `schedule:${scheduleId}:${firing.toISOString()}:${accountId}`;
}
