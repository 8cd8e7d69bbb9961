/**
 * The schedule builder's cron (§26): a schedule that runs on some days of the week at one time of day is the cron
 * "minute hour * * days". Any other pattern (every 15 minutes, the 1st of the month, …) cannot be shown as days and
 * time; the raw cron box keeps it as typed.
 */

/** Days of the week as cron numbers (0 = Sunday), in the order a week is shown: Monday first. */
export const WEEK = [
  { day: 1, short: 'Mon', long: 'Monday' },
  { day: 2, short: 'Tue', long: 'Tuesday' },
  { day: 3, short: 'Wed', long: 'Wednesday' },
  { day: 4, short: 'Thu', long: 'Thursday' },
  { day: 5, short: 'Fri', long: 'Friday' },
  { day: 6, short: 'Sat', long: 'Saturday' },
  { day: 0, short: 'Sun', long: 'Sunday' },
] as const;

export interface DaysAndTime {
  /** Cron day numbers 0–6 (0 = Sunday), ascending, at least one. */
  days: number[];
  hour: number;
  minute: number;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function dayNumber(text: string): number | null {
  if (/^\d$/.test(text)) {
    const n = Number(text);
    return n <= 7 ? n % 7 : null;
  }
  const named = DAY_NAMES.indexOf(text.toLowerCase());
  return named >= 0 ? named : null;
}

/** The days a cron weekday field names ("1-5", "MON,WED,FRI", "*"), or null when it is anything else (steps, "?"). */
function daysOf(field: string): number[] | null {
  if (field === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\w+)-(\w+)$/.exec(part);
    if (range) {
      const from = dayNumber(range[1]!);
      // "5-7" and "FRI-SUN" end on Sunday.
      const rawTo = dayNumber(range[2]!);
      const to = rawTo === 0 && range[2] !== '0' ? 7 : rawTo;
      if (from === null || to === null || to < from) return null;
      for (let d = from; d <= to; d++) days.add(d % 7);
      continue;
    }
    const single = dayNumber(part);
    if (single === null) return null;
    days.add(single);
  }
  return days.size > 0 ? [...days].sort((a, b) => a - b) : null;
}

/** The days and time a cron pattern stands for, or null when the builder cannot show it. */
export function parseDaysAndTime(cron: string): DaysAndTime | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, dayOfMonth, month, weekday] = fields as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || dayOfMonth !== '*' || month !== '*') return null;
  const m = Number(minute);
  const h = Number(hour);
  if (m > 59 || h > 23) return null;
  const days = daysOf(weekday);
  return days ? { days, hour: h, minute: m } : null;
}

/** The weekday field for `days`: "*" for every day, runs of three or more as ranges ("1-5"), the rest listed. */
function weekdayField(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/** The cron for days and a time of day ("35 9 * * 1-5"). `days` must not be empty. */
export function cronFor({ days, hour, minute }: DaysAndTime): string {
  if (days.length === 0) throw new Error('a schedule needs at least one day');
  return `${minute} ${hour} * * ${weekdayField(days)}`;
}

/** "09:35" for the time box. */
export function timeText(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The hour and minute of "9:35" / "09:35", or null. */
export function parseTime(text: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/** The time zones the builder offers (every IANA zone the runtime knows), New York first. */
export function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['America/New_York', ...all.filter((z) => z !== 'America/New_York'), ...(all.includes('UTC') ? [] : ['UTC'])];
}
