import { notifications } from '@mantine/notifications';
import type { ApiErrorBody } from '../../../shared/contract';
import { errorBodyOf } from '../api/api-client';

/** What the trader can do next, per error code; the message itself says what happened. */
export function adviceFor(body: ApiErrorBody): string {
  switch (body.error) {
    case 'conflict':
      return 'It changed state meanwhile — the list now shows its current state; check it and try again.';
    case 'duplicate':
      return body.existingId
        ? `The existing event (id ${body.existingId}) is in the queue; wait for it or act on it there.`
        : 'The existing event is in the queue; wait for it or act on it there.';
    case 'not-found':
      return 'It no longer exists (deleted or purged); the list has been refreshed.';
    case 'invalid':
      return 'Correct the value and try again.';
    case 'unauthorized':
    case 'forbidden':
      return 'The token was refused: open the address printed by the app again (it carries #token=…).';
    case 'unavailable':
      return 'The service cannot be reached right now; check that Rebalance Desk is running — the window reconnects by itself.';
    default:
      return 'See the Trade log for details, then try again.';
  }
}

/** Shows an operation's failure as a notification that says what happened and what to do. */
export function notifyError(title: string, error: unknown): void {
  const body = errorBodyOf(error);
  notifications.show({
    color: 'red',
    title,
    message: `${body.message.replace(/[.\s]+$/, '')}. ${adviceFor(body)}`,
    autoClose: 10_000,
  });
}

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: 'green', title, message: message ?? '', autoClose: 4_000 });
}
