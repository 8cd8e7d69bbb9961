/**
 * The graceful quit (§18), also on OS shutdown: save the window state, stop the stream, stop the core (the running
 * command finishes or is handed back to the queue; at most `stopTimeoutMs`), close the IPC, remove the tray, exit.
 * Runs once; a step that fails is logged and the next one still runs.
 */
import { app, powerMonitor } from 'electron';

export type ShutdownStep = 'save-window-state' | 'stop-stream' | 'stop-core' | 'close-ipc' | 'remove-tray' | 'exit';

/** What each step stops, read when the quit starts (each may be absent). */
export interface ShutdownParts {
  flushWindowState(): void;
  stopStream: (() => void) | null;
  stopCore: (() => Promise<void>) | null;
  closeIpc: (() => void) | null;
  removeTray: (() => void) | null;
}

export interface Shutdown {
  /** Starts the quit; later calls get the same promise. */
  run(reason: string): Promise<void>;
  readonly started: boolean;
  /** The steps done so far, in order. */
  readonly steps: ShutdownStep[];
  /** OS shutdown / restart on macOS and Linux: delay it and quit cleanly. */
  watchOsShutdown(): void;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function setupShutdown(
  parts: () => ShutdownParts,
  stopTimeoutMs: number,
  warn: (message: string) => void,
): Shutdown {
  const steps: ShutdownStep[] = [];
  let shuttingDown: Promise<void> | null = null;

  async function shutdownOnce(reason: string): Promise<void> {
    console.info(`[rebalance-desk] stopping (${reason})`);
    const step = async (name: ShutdownStep, run: () => unknown) => {
      steps.push(name);
      try {
        await run();
      } catch (error) {
        warn(`${name} failed: ${(error as Error).message}`);
      }
    };
    await step('save-window-state', () => parts().flushWindowState());
    await step('stop-stream', () => parts().stopStream?.());
    // Feed, processor (the running command finishes or is handed back to the queue), IB, queue, embedded Redis.
    await step('stop-core', () => {
      const stopCore = parts().stopCore;
      return stopCore ? withTimeout(stopCore(), stopTimeoutMs, 'stopping the core') : undefined;
    });
    await step('close-ipc', () => parts().closeIpc?.());
    await step('remove-tray', () => parts().removeTray?.());
    steps.push('exit');
    app.exit(0);
  }

  const run = (reason: string) => {
    shuttingDown ??= shutdownOnce(reason);
    return shuttingDown;
  };

  app.on('before-quit', (event) => {
    // Prevent once; the core stops, then app.exit ends the process (before-quit is not emitted again).
    event.preventDefault();
    void run('quit');
  });

  return {
    run,
    get started() {
      return shuttingDown !== null;
    },
    steps,
    watchOsShutdown: () => {
      powerMonitor.on('shutdown', (...args: unknown[]) => {
        (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
        void run('system shutdown');
      });
    },
  };
}
