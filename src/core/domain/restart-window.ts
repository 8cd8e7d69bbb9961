/**
 * IB Gateway's daily restart window (PRODUCT.md §21, `ib.restartWindow`, default `"23:40-00:15 America/New_York"`).
 * IB Gateway restarts itself once a day; work that needs the gateway inside the window waits until its end instead of
 * failing and retrying every minute. Pure: the caller passes `now`; wall-clock arithmetic in the window's zone
 * (Intl only), so a window across midnight and across a DST change ends at the right instant.
 */
import { RESTART_WINDOW_FORMAT, restartWindowProblem } from '../../shared/restart-window';
import { invalidError, transientError, type DeskError } from './errors';
import { nextDay, wallClock, zonedInstant } from './market-hours';

/** A parsed window: minutes of the day in `zone`, `start` inclusive, `end` exclusive; start > end crosses midnight. */
export interface RestartWindow {
  start: number;
  end: number;
  zone: string;
  /** The end as written, `HH:MM`, for the reason shown to the trader. */
  endText: string;
}

/** Parses `ib.restartWindow`; a malformed value is `invalid` with the reason of `restartWindowProblem`. */
export function parseRestartWindow(text: string): RestartWindow {
  const problem = restartWindowProblem(text);
  if (problem) throw invalidError(`ib.restartWindow "${text}": ${problem}`);
  const [, sh, sm, eh, em, zone] = RESTART_WINDOW_FORMAT.exec(text.trim()) as RegExpExecArray;
  return {
    start: Number(sh) * 60 + Number(sm),
    end: Number(eh) * 60 + Number(em),
    zone: zone as string,
    endText: `${String(eh).padStart(2, '0')}:${em as string}`,
  };
}

/** When the window `now` falls in ends, or null when `now` is outside it. */
export function restartWindowEnd(window: RestartWindow, now: Date): Date | null {
  const { date, minute } = wallClock(window.zone, now.getTime());
  const endTime = String(Math.floor(window.end / 60)).padStart(2, '0') + String(window.end % 60).padStart(2, '0');
  if (window.start < window.end) {
    return window.start <= minute && minute < window.end ? zonedInstant(window.zone, date, endTime) : null;
  }
  if (minute >= window.start) return zonedInstant(window.zone, nextDay(date), endTime);
  if (minute < window.end) return zonedInstant(window.zone, date, endTime);
  return null;
}

/** The reason shown on a delayed event and in the IB light: "IB Gateway daily restart window until HH:MM". */
export function restartWindowReason(window: RestartWindow): string {
  return `IB Gateway daily restart window until ${window.endText}`;
}

/**
 * The failure for work that needs the gateway while `now` is inside the window (transient, due at the window's end),
 * or null outside it or when there is no window (`ib.restartWindow: null`).
 */
export function restartWindowError(text: string | null, now: Date): DeskError | null {
  if (text === null) return null;
  const window = parseRestartWindow(text);
  const end = restartWindowEnd(window, now);
  return end ? transientError(restartWindowReason(window), { retryAt: end }) : null;
}
