import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate, type AppMenuActions } from './app-menu';

const actions = (devTools: boolean): AppMenuActions => ({
  isMac: false,
  appName: 'Rebalance Desk',
  devTools,
  onImport: () => {},
  onOpenSettings: () => {},
  onOpenDataFolder: () => {},
  onOpenLogFolder: () => {},
});

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role.toLowerCase()] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('the application menu', () => {
  it('has no Toggle Developer Tools in the packaged app (§18), but keeps View › zoom and full screen', () => {
    const r = roles(appMenuTemplate(actions(false)));
    expect(r).not.toContain('toggledevtools');
    // role viewMenu would bring Toggle Developer Tools back
    expect(r).not.toContain('viewmenu');
    expect(r).toEqual(expect.arrayContaining(['resetzoom', 'zoomin', 'zoomout', 'togglefullscreen']));
  });

  it('keeps the developer tools while developing', () => {
    expect(roles(appMenuTemplate(actions(true)))).toContain('viewmenu');
  });
});
