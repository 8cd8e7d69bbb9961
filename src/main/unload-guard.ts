/**
 * §26: the window asks before discarding unsaved settings on reload or close. The page cancels its `beforeunload`
 * while Settings holds unsaved edits; Chromium would then ask with its own dialog, which Electron does not show (the
 * unload is silently cancelled and the window just stays open). This asks instead, in the app's words.
 */
import type { MessageBoxSyncOptions } from 'electron';

interface UnloadGuardWindow {
  webContents: { on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown };
}

/** What the dialog is: the trader's choice, 0 = leave and discard, anything else = stay. */
export const DISCARD_QUESTION: MessageBoxSyncOptions = {
  type: 'question',
  title: 'Unsaved settings',
  message: 'Discard your unsaved settings?',
  detail: 'Settings has changes that are not saved. Leave and they are lost; stay to save them first.',
  buttons: ['Leave and discard', 'Stay'],
  defaultId: 1,
  cancelId: 1,
  noLink: true,
};

/** On `will-prevent-unload`, asks; "Leave and discard" lets the reload or close go on (preventDefault ignores the page's veto). */
export function askBeforeDiscardingEdits<W extends UnloadGuardWindow>(
  win: W,
  showMessageBoxSync: (win: W, options: MessageBoxSyncOptions) => number,
): void {
  win.webContents.on('will-prevent-unload', (event) => {
    if (showMessageBoxSync(win, DISCARD_QUESTION) === 0) event.preventDefault();
  });
}
