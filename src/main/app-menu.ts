/** The application menu with the usual roles, plus File › Import from ibkr-portfolio-rebalancer… and folder shortcuts. */
import type { MenuItemConstructorOptions } from 'electron';

export const IMPORT_MENU_LABEL = 'Import from ibkr-portfolio-rebalancer…';

export interface AppMenuActions {
  isMac: boolean;
  appName: string;
  /** Toggle Developer Tools and reloads in View: while developing only (§18: not in the packaged app). */
  devTools: boolean;
  onImport(): void;
  onOpenSettings(): void;
  onOpenDataFolder(): void;
  onOpenLogFolder(): void;
  /** Linux only: File › Keep Running When the Window Is Closed (a checkbox). */
  keepRunning?: { checked: boolean; onToggle(checked: boolean): void };
}

export const KEEP_RUNNING_MENU_LABEL = 'Keep Running When the Window Is Closed';

export function appMenuTemplate(actions: AppMenuActions): MenuItemConstructorOptions[] {
  const settingsItem: MenuItemConstructorOptions = {
    label: actions.isMac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.onOpenSettings(),
  };
  const appMenu: MenuItemConstructorOptions[] = actions.isMac
    ? [
        {
          label: actions.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            settingsItem,
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [
        { id: 'import-legacy', label: IMPORT_MENU_LABEL, click: () => actions.onImport() },
        ...(actions.isMac ? [] : [settingsItem]),
        { type: 'separator' },
        { label: 'Open Data Folder', click: () => actions.onOpenDataFolder() },
        { label: 'Open Log Folder', click: () => actions.onOpenLogFolder() },
        { type: 'separator' },
        ...(actions.keepRunning
          ? [
              {
                id: 'keep-running',
                label: KEEP_RUNNING_MENU_LABEL,
                type: 'checkbox' as const,
                checked: actions.keepRunning.checked,
                click: (item: { checked: boolean }) => actions.keepRunning?.onToggle(item.checked),
              },
              { type: 'separator' as const },
            ]
          : []),
        actions.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    actions.devTools
      ? { role: 'viewMenu' }
      : {
          label: 'View',
          submenu: [
            { role: 'resetZoom' },
            { role: 'zoomIn' },
            { role: 'zoomOut' },
            { type: 'separator' },
            { role: 'togglefullscreen' },
          ],
        },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open Log Folder', click: () => actions.onOpenLogFolder() },
        { label: 'Open Data Folder', click: () => actions.onOpenDataFolder() },
      ],
    },
  ];
}
