import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopNotifier } from './desktop-notifier';
import { Notification, resetFakes } from './test/fake-electron.test-support';

vi.mock('electron', () => import('./test/fake-electron.test-support'));

beforeEach(() => resetFakes());

describe('DesktopNotifier', () => {
  it('shows a desktop notification and opens the window on click', async () => {
    const onClick = vi.fn();
    const notifier = new DesktopNotifier(onClick);
    await notifier.notify({
      title: 'Needs attention',
      body: 'DU123456 rebalance rejected',
      level: 'error',
      eventId: 'e1',
    });
    expect(Notification.shown).toEqual([{ title: 'Needs attention', body: 'DU123456 rebalance rejected' }]);
  });

  it('does nothing where notifications are not supported', async () => {
    Notification.supported = false;
    await new DesktopNotifier().notify({ title: 't', body: 'b', level: 'info' });
    expect(Notification.shown).toEqual([]);
  });
});
