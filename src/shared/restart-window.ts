/**
 * The text form of IB Gateway's daily restart window (PRODUCT.md §21, `ib.restartWindow`, e.g.
 * `"23:40-00:15 America/New_York"`): its format and the reason a value is not one. Shared so the settings schema (used
 * by the core and the Settings page alike) checks a window with the same words; the arithmetic on a parsed window
 * lives in src/core/domain/restart-window.ts.
 */
import { timeZoneProblem } from './schedule-times';

/** `HH:MM-HH:MM Zone`; groups: start hour, start minute, end hour, end minute, zone. */
export const RESTART_WINDOW_FORMAT = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s+(\S+)$/;

/** Why `text` is not a restart window, or null when it is one (the settings schema shows this beside the field). */
export function restartWindowProblem(text: string): string | null {
  const m = RESTART_WINDOW_FORMAT.exec(text.trim());
  if (!m) return 'must be "HH:MM-HH:MM Time/Zone", e.g. "23:40-00:15 America/New_York"';
  const [, sh = '', sm = '', eh = '', em = '', zone = ''] = m;
  for (const [h, min, which] of [
    [sh, sm, 'start'],
    [eh, em, 'end'],
  ] as const) {
    if (Number(h) > 23 || Number(min) > 59) return `the ${which} time ${h}:${min} is not a time of day (00:00–23:59)`;
  }
  if (Number(sh) * 60 + Number(sm) === Number(eh) * 60 + Number(em)) return 'the start and the end are the same time';
  return timeZoneProblem(zone);
}
