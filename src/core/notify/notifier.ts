import type { Logger } from 'pino';

export interface Notification {
  title: string;
  body: string;
  /** `info` for a finished live rebalance, `warn` for a first failure, `error` for "needs attention". */
  level: 'info' | 'warn' | 'error';
  eventId?: string;
  accountId?: string;
}

/** Where notifications go (§13): desktop (src/main), ntfy push, or several at once. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Sends nowhere; the default headless. */
export class NullNotifier implements Notifier {
  async notify(): Promise<void> {}
}

/** Fans a notification out to several notifiers; one failing never stops the others or the caller. */
export class CompositeNotifier implements Notifier {
  constructor(
    private readonly notifiers: Notifier[],
    private readonly log?: Logger,
  ) {}

  async notify(notification: Notification): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((n) => n.notify(notification)));
    for (const r of results) {
      if (r.status === 'rejected') this.log?.warn({ err: String(r.reason) }, 'notification failed');
    }
  }
}

/** Push through an ntfy server (`POST {url}/{topic}`), with the title and priority as headers. */
export class NtfyNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly topic: string,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 5_000,
  ) {}

  async notify(n: Notification): Promise<void> {
    const res = await this.fetchImpl(`${this.url.replace(/\/+$/, '')}/${encodeURIComponent(this.topic)}`, {
      method: 'POST',
      body: n.body,
      headers: {
        Title: n.title,
        Priority: n.level === 'error' ? 'high' : n.level === 'warn' ? 'default' : 'low',
        Tags: n.level === 'info' ? 'white_check_mark' : 'warning',
      },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`ntfy answered ${res.status}`);
  }
}

/**
 * The notifier of the settings in force (§13): the desktop notifier when there is one and `notifications.desktop`
 * is on, ntfy when its URL and topic are set. Built per notification, so a change in Settings applies at once.
 */
export function notifierFor(
  notifications: { desktop: boolean; ntfyUrl?: string | null; ntfyTopic?: string | null },
  desktop: Notifier | undefined,
  log: Logger,
): Notifier {
  const list: Notifier[] = [];
  if (desktop && notifications.desktop) list.push(desktop);
  if (notifications.ntfyUrl && notifications.ntfyTopic) {
    list.push(new NtfyNotifier(notifications.ntfyUrl, notifications.ntfyTopic));
  }
  return new CompositeNotifier(list, log);
}
