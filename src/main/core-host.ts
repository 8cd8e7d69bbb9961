/**
 * Hosts the core Runtime in the Electron main process. Starting may fail (no redis-server, unreadable data folder …);
 * the window still opens and shows why: while the core is down, `health` reports it red with the reason, Settings can
 * be read and saved (saving retries the start), and every other operation answers `unavailable` with the reason.
 */
import type { Settings } from '../core/config/schema';
import type { LoadOutcome, SettingsStore } from '../core/config/settings-store';
import { coreDownHealth } from '../core/health';
import { ApiError } from '../core/management/api-error';
import { configView, settingsToSave } from '../core/management/config-view';
import type { Notifier } from '../core/notify/notifier';
import type { RuntimeOptions } from '../core/runtime';
import {
  operationNames,
  type ConfigView,
  type Handlers,
  type OperationName,
  type StreamMessage,
} from '../shared/contract';
import type { Health } from '../shared/dto';

/** What the shell needs of the core's Runtime (src/core/runtime.ts); tests pass a fake. */
export interface CoreRuntime {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly handlers: Handlers;
  readonly settings: Settings;
  subscribe(listener: (message: StreamMessage) => void): () => void;
  health(): Promise<Health>;
  saveSettings(next: Settings): Promise<void>;
  applySettings(previous: Settings, next: Settings): Promise<void>;
  /** §29 the machine sleeps / woke (the desktop app's powerMonitor). */
  suspended?(): void;
  resumed?(): Promise<unknown>;
}

/**
 * Stand-ins for the core's operations while there is none: every operation answers `unavailable` with the reason,
 * `health` is all red (status down) with it, and `overrides` answer what can work without a core (Settings).
 */
export function unavailableHandlers(
  reason: () => string,
  tradingMode: () => 'paper' | 'live',
  overrides: Partial<Handlers> = {},
): Handlers {
  const fail = async () => {
    throw new ApiError('unavailable', reason());
  };
  return {
    ...(Object.fromEntries(operationNames.map((name) => [name, fail])) as unknown as Handlers),
    health: async () => coreDownHealth(reason(), tradingMode()),
    ...overrides,
  };
}

export type CoreState = 'idle' | 'starting' | 'running' | 'failed' | 'stopped';

export interface CoreHostOptions {
  settingsStore: SettingsStore;
  loadOutcome: LoadOutcome;
  /** The data folder for these settings (`settings.dataDir`, else userData). */
  dataDirOf: (settings: Settings) => string;
  notifier?: Notifier;
  createRuntime: (options: RuntimeOptions) => CoreRuntime;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class CoreHost {
  private runtime: CoreRuntime | null = null;
  private unsubscribeRuntime: (() => void) | null = null;
  private readonly listeners = new Set<(message: StreamMessage) => void>();
  private starting: Promise<void> | null = null;
  state: CoreState = 'idle';
  error: Error | null = null;
  readonly handlers: Handlers;
  /** What answers while the core is down: Settings can be read and saved (saving retries the start). */
  private readonly whileDown: Handlers;

  constructor(private readonly options: CoreHostOptions) {
    this.handlers = Object.fromEntries(
      operationNames.map((name) => [name, (input: unknown) => this.dispatch(name, input)]),
    ) as unknown as Handlers;
    this.whileDown = unavailableHandlers(
      () => this.downReason(),
      () => this.settings.tradingMode,
      {
        getConfig: async () => this.configView(),
        putConfig: async (input) => {
          await this.saveSettings(settingsToSave(input, this.options.settingsStore.settings));
          return this.configView();
        },
      },
    );
  }

  /** The settings in force. */
  get settings(): Settings {
    return this.runtime && this.state === 'running' ? this.runtime.settings : this.options.settingsStore.settings;
  }

  get dataDir(): string {
    return this.options.dataDirOf(this.settings);
  }

  /** Starts the core; never rejects — a failure is kept in `error` and reported through `health`. */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = this.startOnce().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    this.state = 'starting';
    this.error = null;
    const settings = this.options.settingsStore.settings;
    const runtime = this.options.createRuntime({
      settingsStore: this.options.settingsStore,
      loadOutcome: this.options.loadOutcome,
      dataDir: this.options.dataDirOf(settings),
      ...(this.options.notifier ? { notifier: this.options.notifier } : {}),
    });
    this.runtime = runtime;
    this.unsubscribeRuntime = runtime.subscribe((message) => this.broadcast(message));
    try {
      await runtime.start();
      this.state = 'running';
      this.options.log?.('info', 'core started');
      void runtime.health().then(
        (health) => this.broadcast({ type: 'health', health }),
        () => undefined,
      );
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
      this.state = 'failed';
      this.options.log?.('error', `core did not start: ${this.error.message}`);
      this.unsubscribeRuntime?.();
      this.unsubscribeRuntime = null;
      await runtime.stop().catch(() => undefined);
      this.runtime = null;
      this.broadcast({ type: 'health', health: this.downHealth() });
    }
  }

  /** Stops the core: feed, processor (the running command finishes or is handed back), IB, queue, embedded Redis. */
  async stop(): Promise<void> {
    if (this.starting) await this.starting;
    const runtime = this.runtime;
    this.runtime = null;
    this.state = 'stopped';
    this.unsubscribeRuntime?.();
    this.unsubscribeRuntime = null;
    if (runtime) await runtime.stop();
  }

  /** Stops and starts again (after settings were fixed while the core was down). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** §29: the machine is going to sleep; told to the running core. */
  suspended(): void {
    if (this.runtime && this.state === 'running') this.runtime.suspended?.();
  }

  /** §29: the machine woke; the running core reconnects, catches up and fires missed schedules. */
  async resumed(): Promise<unknown> {
    if (this.starting) await this.starting;
    if (this.runtime && this.state === 'running') return this.runtime.resumed?.();
    return undefined;
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<Health> {
    if (this.starting) await this.starting;
    if (this.runtime && this.state === 'running') return this.runtime.health();
    return this.downHealth();
  }

  /**
   * Saves new settings the way the Settings page does (validated; secrets to the keychain) and applies them: through
   * the running core, or by starting the core again when it is down.
   */
  async saveSettings(next: Settings): Promise<Settings> {
    if (this.starting) await this.starting;
    const runtime = this.runtime;
    if (runtime && this.state === 'running') {
      const previous = runtime.settings;
      await runtime.saveSettings(next);
      await runtime.applySettings(previous, runtime.settings);
      return runtime.settings;
    }
    await this.options.settingsStore.save(next);
    this.options.loadOutcome = { ...this.options.loadOutcome, error: null };
    this.broadcast({ type: 'config' });
    await this.restart();
    return this.settings;
  }

  private broadcast(message: StreamMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.options.log?.('warn', `stream listener failed: ${(error as Error).message}`);
      }
    }
  }

  private async dispatch(name: OperationName, input: unknown): Promise<unknown> {
    if (this.starting) await this.starting;
    const runtime = this.runtime;
    const handlers = runtime && this.state === 'running' ? runtime.handlers : this.whileDown;
    return (handlers[name] as (input: unknown) => Promise<unknown>)(input);
  }

  private downReason(): string {
    if (this.state === 'stopped') return 'Rebalance Desk is shutting down.';
    if (this.error) {
      return `The core did not start: ${this.error.message} Fix it in Settings (saving retries the start) or restart the app.`;
    }
    return 'The core is not running yet.';
  }

  /** Health while the core is down: every light red, Redis carrying the reason. */
  downHealth(): Health {
    return coreDownHealth(this.downReason(), this.settings.tradingMode);
  }

  private configView(): ConfigView {
    const settings = this.options.settingsStore.settings;
    return configView({
      settings,
      fileIssues: this.options.loadOutcome.error?.issues ?? [],
      dataDir: this.options.dataDirOf(settings),
      simulated: false,
    });
  }
}
