/** Formatting for the window: tabular numbers, money with currency, percentages to two decimals, relative times. */

/**
 * A formatter built on its first use: the first Intl formatter of a page loads the locale data, tens of milliseconds
 * the Queue page's first render (§16) would otherwise spend on formats it does not show.
 */
function lazyNumberFormat(options: Intl.NumberFormatOptions): () => Intl.NumberFormat {
  let format: Intl.NumberFormat | null = null;
  return () => (format ??= new Intl.NumberFormat(undefined, options));
}

const integer = lazyNumberFormat({ maximumFractionDigits: 0 });
const decimal = lazyNumberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = lazyNumberFormat({ style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : integer().format(value);
}

const shareFormat = lazyNumberFormat({ maximumFractionDigits: 4 });

/** A share count: whole shares plain, a fractional holding (dividend reinvestment) with up to 4 decimals. */
export function formatShares(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : shareFormat().format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : decimal().format(value);
}

/** A fraction 0..1 as a percentage with two decimals ("12.34%"). */
export function formatFraction(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : percent().format(value);
}

/** A number that already is a percentage (e.g. a cash reserve of 1 → "1.00%"). */
export function formatPercentValue(value: number | null | undefined): string {
  return formatFraction(value === null || value === undefined ? value : value / 100);
}

export function formatMoney(value: number | null | undefined, currency = 'USD'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency, currencyDisplay: 'code' });
    } catch {
      format = decimal();
    }
    moneyFormats.set(currency, format);
  }
  return format.format(value);
}

/** Money with its sign always shown ("+USD 120.50", "−USD 80.00"), for P&L. */
export function formatSignedMoney(value: number | null | undefined, currency = 'USD'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatMoney(Math.abs(value), currency);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** The system's short names of its zone, by UTC offset (minutes): "CET" for -60, "CEST" for -120 in Berlin. */
const zoneNames = new Map<number, string>();

/**
 * The parts of one time in the system's zone. The digits come from Date's local getters; only the zone's short name
 * needs Intl, and it depends on the offset alone, so it is looked up once per offset (a formatToParts per row cost
 * the Queue page's first render about 10 ms). Each lookup builds its formatter then, so a zone changed while the
 * window is open (a trader who travels) is named as the system now names it.
 */
function timeParts(
  date: Date,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'timeZoneName', string> {
  const offset = date.getTimezoneOffset();
  let zone = zoneNames.get(offset);
  if (zone === undefined) {
    zone =
      new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
        .formatToParts(date)
        .find((part) => part.type === 'timeZoneName')?.value ?? '';
    zoneNames.set(offset, zone);
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    year: String(date.getFullYear()).padStart(4, '0'),
    month: two(date.getMonth() + 1),
    day: two(date.getDate()),
    hour: two(date.getHours()),
    minute: two(date.getMinutes()),
    second: two(date.getSeconds()),
    timeZoneName: zone,
  };
}

/**
 * Loads the locale and zone data the window's times and numbers need, by naming this moment's zone once. The first
 * Intl formatter of a page takes 60–80 ms on a slow machine; the entry module calls this while the boot chunk is still
 * downloading, when the page has nothing else to do, instead of during the Queue page's first render (§16).
 */
export function warmFormats(now: Date = new Date()): void {
  timeParts(now);
  integer();
}

/**
 * THE time format of the window (§25): local time with its zone, "2026-12-04 14:05:09 CET" (the zone as the system
 * names it, e.g. "GMT+1"). Exact times, hovers of relative ones, exports and titles all use it.
 */
export function formatExact(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = timeParts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`.trimEnd();
}

/**
 * An allocation's `as_of`. Zehnlabs answers a calendar day ("2025-06-24"): it is shown as that day, never as a time
 * (read as UTC midnight it would fall on the day before anywhere west of Greenwich). A full timestamp is shown in the
 * one format, {@link formatExact}.
 */
export function formatAsOf(value: string | null | undefined): string {
  if (!value) return '—';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : formatExact(value);
}

/** The time of day of the same format ("14:05:09"), for dense lines whose date is evident; hover shows formatExact. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = timeParts(date);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago" (or "in …" for the future). */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const diff = now - at;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 5_000) return 'just now';
  if (abs < 60_000) text = `${Math.floor(abs / 1_000)} s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)} h`;
  else text = `${Math.floor(abs / 86_400_000)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Time left until `iso` as mm:ss (h:mm:ss beyond an hour); "00:00" when due. */
export function formatCountdown(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '—';
  const total = Math.max(0, Math.ceil((at - now) / 1_000));
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** Long ids (`eventId:accountId`, UUIDs) shortened for a dense row; the full id goes in the hover. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
