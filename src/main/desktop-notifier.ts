/**
 * Desktop notifications (PRODUCT.md §13) through Electron's `Notification`: first failure, "needs attention", and a
 * finished live rebalance. Clicking one opens the window on the event.
 */
import { Notification } from 'electron';
import type { Notification as DeskNotification, Notifier } from '../core/notify/notifier';

export class DesktopNotifier implements Notifier {
  /** Shown notifications are kept until closed so they are not garbage-collected before a click. */
  private readonly shown = new Set<Notification>();

  constructor(private readonly onClick?: (notification: DeskNotification) => void) {}

  async notify(n: DeskNotification): Promise<void> {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.level === 'error' ? 'critical' : 'normal',
      silent: n.level === 'info',
    });
    this.shown.add(notification);
    notification.on('click', () => this.onClick?.(n));
    notification.on('close', () => this.shown.delete(notification));
    notification.show();
  }
}
