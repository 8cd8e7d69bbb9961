/**
 * The window's bounds and maximized state, remembered in `<userData>/window-state.json` and restored only where a
 * display still shows them (a monitor unplugged since must not leave the window off-screen).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Bounds | null;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 900, height: 600 } as const;

function isBounds(value: unknown): value is Bounds {
  const b = value as Partial<Bounds> | null;
  return (
    b !== null &&
    typeof b === 'object' &&
    [b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    (b.width ?? 0) > 0 &&
    (b.height ?? 0) > 0
  );
}

/** True when at least a 100×50 corner of `bounds` lies on one of the displays' work areas. */
export function isVisibleOn(bounds: Bounds, workAreas: Bounds[]): boolean {
  return workAreas.some((area) => {
    const w = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const h = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return w >= 100 && h >= 50;
  });
}

/** The remembered state, or the defaults when there is none, it is unreadable, or it is off every display. */
export function loadWindowState(file: string, workAreas: Bounds[]): WindowState {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { bounds?: unknown; maximized?: unknown };
    const bounds = isBounds(json.bounds) ? json.bounds : null;
    return {
      bounds: bounds && (workAreas.length === 0 || isVisibleOn(bounds, workAreas)) ? bounds : null,
      maximized: json.maximized === true,
    };
  } catch {
    return { bounds: null, maximized: false };
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch {
    // Losing the window position is not worth interrupting the trader for.
  }
}

/** The part of a BrowserWindow whose state is tracked. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  isDestroyed(): boolean;
  isMaximized(): boolean;
  getNormalBounds(): Bounds;
}

/**
 * Saves the window's state when it stops moving / resizing (debounced) and when it closes. Returns `flush`, which
 * saves at once (called during quit).
 */
export function trackWindowState(win: TrackedWindow, file: string, delayMs = 500): () => void {
  let timer: NodeJS.Timeout | null = null;
  let last: WindowState | null = null;
  const snapshot = () => {
    if (win.isDestroyed()) return;
    last = {
      // Normal bounds whatever the state (maximized, minimized, full screen), so un-maximizing after a restart works.
      bounds: win.getNormalBounds(),
      maximized: win.isMaximized(),
    };
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    snapshot();
    if (last) saveWindowState(file, last);
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
    timer.unref?.();
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, later);
  win.on('close', flush);
  return flush;
}
