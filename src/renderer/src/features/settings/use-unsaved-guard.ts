import { modals } from '@mantine/modals';
import { useEffect, useRef } from 'react';
import { holdRoute } from '../../lib/hash-route';

/** The page names of the side menu, for the question. */
const PAGE_NAMES: Record<string, string> = {
  queue: 'Queue',
  accounts: 'Accounts',
  'trade-log': 'Trade log',
  settings: 'Settings',
};

/**
 * §26: while Settings holds edits not saved, the app asks before discarding them — on moving to another page (an
 * in-app question; Stay keeps every typed value) and on reload or closing the window (`beforeunload`: the browser's
 * own question; in the desktop app the main process asks, src/main/unload-guard.ts).
 *
 * `discard` drops the edits before the page is left: a page that is still loading keeps Settings mounted (hidden by
 * Suspense), and a trader who comes back before it shows would otherwise find the discarded edits again.
 */
export function useUnsavedGuard(dirty: boolean, discard: () => void): void {
  const discardRef = useRef(discard);
  useEffect(() => {
    discardRef.current = discard;
  });
  useEffect(() => {
    if (!dirty) return;
    const release = holdRoute(({ to, leave, stay }) => {
      modals.openConfirmModal({
        title: 'Discard unsaved settings?',
        children: `Settings has changes that are not saved. Go to ${PAGE_NAMES[to] ?? to} and discard them, or stay and save them.`,
        labels: { confirm: 'Discard changes', cancel: 'Stay on Settings' },
        confirmProps: { color: 'red' },
        onConfirm: () => {
          discardRef.current();
          leave();
        },
        onCancel: stay,
        // Escape or a click outside also stays (onCancel is not called then).
        onClose: stay,
      });
    });
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium (and Electron's will-prevent-unload) look at returnValue.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      release();
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);
}
