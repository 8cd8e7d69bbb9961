/**
 * The core's push stream (§11 `subscribe`): the one fan-out of `StreamMessage`s to the window, the HTTP API's event
 * stream and the tests, and the debounced health push for the status strip. A listener that throws is logged and the
 * others still get the message.
 */
import type { Logger } from 'pino';
import type { StreamMessage } from '../shared/contract';
import type { Health } from '../shared/dto';

/** How long the health push waits to gather the changes of one moment into one reading. */
const HEALTH_DEBOUNCE_MS = 150;

export class StreamHub {
  private readonly listeners = new Set<(message: StreamMessage) => void>();

  constructor(private readonly log: Pick<Logger, 'warn'>) {}

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  broadcast(message: StreamMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'stream listener failed');
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Pushes the core's health to the stream, debounced and only when it changed; nothing while nobody listens. */
export class HealthPush {
  private timer: NodeJS.Timeout | null = null;
  private last = '';

  constructor(
    private readonly hub: StreamHub,
    private readonly health: () => Promise<Health>,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  soon(): void {
    if (this.timer || !this.hub.listening) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.health().then(
        (health) => {
          const text = JSON.stringify(health);
          if (text === this.last) return;
          this.last = text;
          this.hub.broadcast({ type: 'health', health });
        },
        (error: Error) => this.log.warn({ err: error.message }, 'health check failed'),
      );
    }, HEALTH_DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Cancels a pending push; the cleared timer stays in place, so pushes asked for while the core stops are dropped. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
