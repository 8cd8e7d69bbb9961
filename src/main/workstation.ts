/**
 * §29 The workstation's day, Electron's half: keeps the machine from sleeping while the core says so
 * (`powerSaveBlocker` 'prevent-app-suspension'), tells the core when the machine sleeps and wakes (`powerMonitor`),
 * and registers launch at login, started in the tray (`desktop.launchAtLogin`). The decisions live in
 * src/core/schedules/workstation-day.ts.
 */
import type { EventEmitter } from 'node:events';
import type { App } from 'electron';

/** What is used of Electron's powerSaveBlocker. */
export interface SleepBlocker {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): unknown;
  isStarted(id: number): boolean;
}

/** The argument a launch at login starts the app with: no window, only the tray. */
export const HIDDEN_ARG = '--hidden';

/** A `keepAwake(on, reason)` for the core over one powerSaveBlocker: started once while on, stopped when off. */
export function powerSaveKeeper(
  blocker: SleepBlocker,
  log: (message: string) => void = () => undefined,
): (on: boolean, reason: string | null) => void {
  let id: number | null = null;
  return (on, reason) => {
    if (on && (id === null || !blocker.isStarted(id))) {
      id = blocker.start('prevent-app-suspension');
      log(`keeping the computer awake: ${reason ?? 'work to do'}`);
    } else if (!on && id !== null) {
      blocker.stop(id);
      id = null;
      log('the computer may sleep again');
    }
  };
}

/** What the shell tells the core about sleep (CoreHost passes it to the running Runtime). */
export interface SleepListener {
  suspended(): void;
  resumed(): Promise<unknown>;
}

/** Forwards powerMonitor's 'suspend' / 'resume' to the core; returns the function that stops listening. */
export function watchSleep(
  monitor: Pick<EventEmitter, 'on' | 'off'>,
  core: SleepListener,
  log: (message: string) => void = () => undefined,
): () => void {
  const onSuspend = () => core.suspended();
  const onResume = () => {
    core.resumed().catch((error: unknown) => log(`resume from sleep failed: ${(error as Error).message}`));
  };
  monitor.on('suspend', onSuspend);
  monitor.on('resume', onResume);
  return () => {
    monitor.off('suspend', onSuspend);
    monitor.off('resume', onResume);
  };
}

/** Registers (or removes) the app as a login item that starts in the tray. */
export function applyLaunchAtLogin(app: Pick<App, 'setLoginItemSettings'>, launchAtLogin: boolean): void {
  app.setLoginItemSettings({ openAtLogin: launchAtLogin, args: [HIDDEN_ARG] });
}

/** True when this start came from the login item (start in the tray, no window). */
export function startedHidden(argv: readonly string[]): boolean {
  return argv.includes(HIDDEN_ARG);
}
