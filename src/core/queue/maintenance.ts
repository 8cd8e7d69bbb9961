/**
 * The queue's own timer (§5 rules 5 and 6, §19, retention): every `promoteIntervalMs` it promotes due delayed events,
 * approves awaiting events whose auto-approve time has come and returns events whose lease ran out; every
 * `purgeIntervalMs` it drops done events past `queue.retainDoneDays`. Each step is a script moving at most BATCH
 * events per call, called again until it moves fewer.
 */
import type { RunScript } from './lua-scripts';
import type { QueueLog } from './queue-log';

/** Events moved per script call by promote / approve / recover / purge (they loop until done). */
const BATCH = 500;
const DAY_MS = 86_400_000;

export interface MaintenanceOptions {
  run: RunScript;
  now: () => number;
  /** Leases named `${runId}/…` are this process's; `recoverAll` returns every other one. */
  runId: string;
  retainDoneDays: number;
  promoteIntervalMs: number;
  purgeIntervalMs: number;
  log: QueueLog;
}

export class QueueMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private tickRunning: Promise<void> | null = null;
  private lastPurge = 0;

  constructor(private readonly opts: MaintenanceOptions) {}

  /** Starts the timer (unref'd: it keeps no process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.opts.promoteIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tickRunning;
  }

  /** §5 rule 5: due delayed events to the tail of the queue; answers how many moved. */
  promoteDue(): Promise<number> {
    return this.drain(() => this.opts.run('promote', this.opts.now(), 'promoter', [BATCH]));
  }

  /** §19 timer: awaiting events whose auto-approve time has come are approved (history `auto-approved`). */
  approveDue(): Promise<number> {
    return this.drain(() => this.opts.run('approval', this.opts.now(), 'timer', ['due', BATCH]));
  }

  /** §5 rule 6: events whose lease ran out go back to the tail, lastError "interrupted". */
  recoverExpired(): Promise<number> {
    return this.drain(() =>
      this.opts.run('recover', this.opts.now(), 'recovery', ['expired', `${this.opts.runId}/`, BATCH]),
    );
  }

  /** At start-up: every event in processing under another run's lease returns to the tail at once. */
  recoverAll(): Promise<number> {
    return this.drain(() =>
      this.opts.run('recover', this.opts.now(), 'recovery', ['all', `${this.opts.runId}/`, BATCH]),
    );
  }

  /** Drops done events older than retainDoneDays. */
  purgeDone(): Promise<number> {
    const cutoff = Math.floor(this.opts.now() - this.opts.retainDoneDays * DAY_MS);
    return this.drain(() => this.opts.run('purge', this.opts.now(), 'retention', [cutoff, BATCH]));
  }

  private async drain(step: () => Promise<unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = Number(await step());
      total += n;
      if (n < BATCH) return total;
    }
  }

  private tick(): void {
    if (this.tickRunning) return;
    this.tickRunning = (async () => {
      try {
        await this.promoteDue();
        await this.approveDue();
        await this.recoverExpired();
        const now = this.opts.now();
        if (now - this.lastPurge >= this.opts.purgeIntervalMs) {
          this.lastPurge = now;
          await this.purgeDone();
        }
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'queue timer failed; will retry');
      } finally {
        this.tickRunning = null;
      }
    })();
  }

  private get log(): QueueLog {
    return this.opts.log;
  }
}
