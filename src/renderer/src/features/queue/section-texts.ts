/**
 * The Queue page's section headings and what an empty section says, free of React: QueueSection.tsx and the window's
 * first frame (first-frame.ts) both draw from here.
 */
import type { EventStatus } from '../../../../shared/dto';

export const SECTION_TITLES: Record<EventStatus, string> = {
  pending: 'Pending',
  awaiting: 'Awaiting approval',
  active: 'Active',
  delayed: 'Delayed',
  held: 'Held',
  done: 'Done',
};

export const EMPTY_TEXT: Record<EventStatus, string> = {
  pending: 'No events waiting — signals from Zehnlabs land here; Rebalance now on an account adds one.',
  awaiting:
    'Nothing awaits approval. A rebalance of an account set to confirm or timer (Settings → Accounts) waits here with its plan.',
  active: 'Nothing is being processed right now. A worker takes the next pending event as soon as one is queued.',
  delayed: 'No failed events. An event that fails (gateway down, market closed …) waits here and is retried by itself.',
  held: 'Nothing on hold. Hold an event to keep it from being processed until you release it.',
  done: 'No finished events yet. Events land here once their command has run.',
};

/** A section's list shows at most this many pixels of rows and scrolls the rest. */
export const MAX_LIST_HEIGHT = 380;

/** What a section says under its list when more events exist than are loaded. */
export function moreText(shown: number, total: number): string {
  return `Showing the first ${shown} of ${total}; scroll down for more, or search to narrow the list.`;
}
