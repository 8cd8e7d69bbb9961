/**
 * Trading sessions from IB contract details (`liquidHours` / `tradingHours` with `timeZoneId`), PRODUCT.md §8 step 11.
 * Pure: the caller passes `now`; time-zone arithmetic uses Intl only.
 */
import { invalidError } from './errors';

/** One session: open from `open` (inclusive) to `close` (exclusive). */
export interface MarketSession {
  open: Date;
  close: Date;
}

/** IB zone names that are not IANA names (older gateways send e.g. `EST (Eastern Standard Time)`). */
const ZONE_ALIASES: Record<string, string> = {
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  MST: 'America/Denver',
  PST: 'America/Los_Angeles',
  JST: 'Asia/Tokyo',
  HKT: 'Asia/Hong_Kong',
  AEST: 'Australia/Sydney',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA zone for an IB `timeZoneId`; an unknown zone is `invalid`. */
export function resolveTimeZone(timeZoneId: string): string {
  const head = timeZoneId.trim().split(/[\s(]/)[0] ?? '';
  const zone = ZONE_ALIASES[head.toUpperCase()] ?? head;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw invalidError(`unknown time zone "${timeZoneId}" in the contract details`);
  }
  return zone;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock date (`yyyymmdd`) and minute of the day of instant `ms` in `zone`. */
export function wallClock(zone: string, ms: number): { date: string; minute: number } {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = p.value;
  }
  return {
    date: `${parts.year ?? '1970'}${parts.month ?? '01'}${parts.day ?? '01'}`,
    minute: Number(parts.hour ?? 0) * 60 + Number(parts.minute ?? 0),
  };
}

/** The calendar day after `yyyymmdd`. */
export function nextDay(date: string): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)) + 1));
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Offset of `zone` from UTC at instant `ms`, in ms (e.g. −4 h for New York in summer). */
function zoneOffset(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time in `zone` (date `yyyymmdd`, time `hhmm`). */
export function zonedInstant(zone: string, date: string, time: string): Date {
  const wall = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(4, 6)) - 1,
    Number(date.slice(6, 8)),
    Number(time.slice(0, 2)),
    Number(time.slice(2, 4)),
  );
  let instant = wall - zoneOffset(zone, wall);
  // Around a DST change the offset at the first guess may differ from the offset at the answer.
  instant = wall - zoneOffset(zone, instant);
  return new Date(instant);
}

const DAY = /^(\d{8}):(.*)$/;
const RANGE = /^(?:(\d{8}):)?(\d{4})-(?:(\d{8}):)?(\d{4})$/;

/**
 * Parses IB session strings in both formats — `20261124:0930-20261124:1600;20261125:CLOSED` and the older
 * `20261124:0930-1600;20261125:CLOSED` (also several ranges of a day separated by commas) — into sessions in time
 * order. In the older format a close at or before the open is on the next day. A malformed entry is `invalid`.
 */
export function parseTradingHours(hours: string, timeZoneId: string): MarketSession[] {
  const zone = resolveTimeZone(timeZoneId);
  const sessions: MarketSession[] = [];
  for (const entry of hours.split(';').map((e) => e.trim())) {
    if (entry === '') continue;
    const day = DAY.exec(entry);
    if (!day) throw invalidError(`cannot read trading hours entry "${entry}"`);
    const [, date = '', rest = ''] = day;
    if (rest.trim().toUpperCase() === 'CLOSED') continue;
    // The first range carries the day before the colon; later comma-separated ranges may or may not repeat it.
    const ranges = rest.split(',').map((r, i) => (i === 0 ? `${date}:${r.trim()}` : r.trim()));
    for (const range of ranges) {
      const m = RANGE.exec(range);
      if (!m) throw invalidError(`cannot read trading hours range "${range}" in "${entry}"`);
      const [, openDate = date, openTime = '', closeDate, closeTime = ''] = m;
      const open = zonedInstant(zone, openDate, openTime);
      let close = zonedInstant(zone, closeDate ?? openDate, closeTime);
      if (closeDate === undefined && close.getTime() <= open.getTime()) {
        close = zonedInstant(zone, nextDay(openDate), closeTime);
      }
      if (close.getTime() > open.getTime()) sessions.push({ open, close });
    }
  }
  return sessions.sort((a, b) => a.open.getTime() - b.open.getTime());
}

/** True when `now` falls inside a session of `hours` (open inclusive, close exclusive). */
export function isOpen(hours: string, timeZoneId: string, now: Date): boolean {
  const t = now.getTime();
  return parseTradingHours(hours, timeZoneId).some((s) => s.open.getTime() <= t && t < s.close.getTime());
}

/**
 * When the market is next open: `now` itself when it is open now, else the open of the first later session, else
 * null (the string lists no later session — ask the gateway again later).
 */
export function nextOpen(hours: string, timeZoneId: string, now: Date): Date | null {
  const t = now.getTime();
  for (const s of parseTradingHours(hours, timeZoneId)) {
    if (s.open.getTime() <= t && t < s.close.getTime()) return new Date(t);
    if (s.open.getTime() > t) return s.open;
  }
  return null;
}
