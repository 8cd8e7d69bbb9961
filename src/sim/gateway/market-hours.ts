/** US/Eastern wall-clock parts of an instant. */
export interface EasternParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  weekday: 'short',
});

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Splits an instant into US/Eastern calendar and clock fields. */
export function easternParts(date: Date): EasternParts {
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? 'Mon'] ?? 1,
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "YYYYMMDD HH:MM:SS US/Eastern", the execution-time format TWS uses. */
export function easternTimestamp(date: Date): string {
  const p = easternParts(date);
  return `${p.year}${pad(p.month)}${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} US/Eastern`;
}

/** "YYYYMMDDHHMMSS" in US/Eastern, for comparisons with execution-filter times. */
export function easternSortKey(date: Date): string {
  const p = easternParts(date);
  return `${p.year}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

/** "HH:MM" in US/Eastern (ACCT_UPDATE_TIME). */
export function easternHhmm(date: Date): string {
  const p = easternParts(date);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

function dayKey(year: number, month: number, day: number, offset: number): { key: string; weekday: number } {
  const d = new Date(Date.UTC(year, month - 1, day + offset));
  return { key: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`, weekday: d.getUTCDay() };
}

const hhmm = (minutes: number): string => `${pad(Math.floor(minutes / 60))}${pad(minutes % 60)}`;

const LIQUID_OPEN = 9 * 60 + 30;
const LIQUID_CLOSE = 16 * 60;
const TRADING_OPEN = 4 * 60;
const TRADING_CLOSE = 20 * 60;

/**
 * Trading and liquid hours in IB's format for the next 7 days (US/Eastern). When `open` the liquid hours
 * always include `now` (stretched if needed) and every later moment up to 03:00 the next day; when not, they never
 * include `now`.
 *
 * An open market's session runs to 03:00 the next day even when asked during the regular session: the gateway keeps
 * filling orders after 16:00, so hours that ended at 16:00 would tell a client that read them at 15:59 (the core keeps
 * a contract's hours for the trading day) that the market it is trading in closed — and its rebalances would wait for
 * the next open, hours away (issue #24: a torture run that crossed 16:00 saw no order for the rest of the run).
 */
export function tradingSchedule(now: Date, open: boolean): { tradingHours: string; liquidHours: string } {
  const p = easternParts(now);
  const nowMin = p.hour * 60 + p.minute;
  const trading: string[] = [];
  const liquid: string[] = [];
  for (let i = 0; i < 7; i++) {
    const { key, weekday } = dayKey(p.year, p.month, p.day, i);
    const weekdayOpen = weekday >= 1 && weekday <= 5;
    const normalTrading = weekdayOpen ? `${key}:${hhmm(TRADING_OPEN)}-${key}:${hhmm(TRADING_CLOSE)}` : `${key}:CLOSED`;
    const normalLiquid = weekdayOpen ? `${key}:${hhmm(LIQUID_OPEN)}-${key}:${hhmm(LIQUID_CLOSE)}` : `${key}:CLOSED`;
    if (i > 0) {
      trading.push(normalTrading);
      liquid.push(normalLiquid);
      continue;
    }
    const inLiquid = weekdayOpen && nowMin >= LIQUID_OPEN && nowMin < LIQUID_CLOSE;
    const inTrading = weekdayOpen && nowMin >= TRADING_OPEN && nowMin < TRADING_CLOSE;
    const next = dayKey(p.year, p.month, p.day, 1).key;
    const stretched = `${key}:${hhmm(Math.max(0, nowMin - 60))}-${next}:0300`;
    if (open) {
      liquid.push(inLiquid ? `${key}:${hhmm(LIQUID_OPEN)}-${next}:0300` : stretched);
      trading.push(inTrading ? `${key}:${hhmm(TRADING_OPEN)}-${next}:0300` : stretched);
    } else {
      liquid.push(inLiquid ? `${key}:CLOSED` : normalLiquid);
      trading.push(normalTrading);
    }
  }
  return { tradingHours: trading.join(';'), liquidHours: liquid.join(';') };
}

/** True when an IB hours string (e.g. liquidHours) contains the instant. */
export function hoursInclude(hours: string, now: Date): boolean {
  const p = easternParts(now);
  const key = `${p.year}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}`;
  for (const session of hours.split(';')) {
    const m = /^(\d{8}):(\d{4})-(\d{8}):(\d{4})$/.exec(session);
    if (!m) continue;
    const start = `${m[1]}${m[2]}`;
    const end = `${m[3]}${m[4]}`;
    if (key >= start && key < end) return true;
  }
  return false;
}
