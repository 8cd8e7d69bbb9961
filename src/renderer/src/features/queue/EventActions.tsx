import { Button, Group } from '@mantine/core';
import type { KeyboardEvent, MouseEvent } from 'react';
import type { EventRecord } from '../../../../shared/dto';
import { ACTION_LABELS, isDangerous, rowActionsOf, type EventAction } from './action-rules';

interface EventActionsProps {
  event: EventRecord;
  onAction: (action: EventAction, event: EventRecord) => void;
}

function handlers(action: EventAction, { event, onAction }: EventActionsProps) {
  return {
    onClick: (e: MouseEvent) => {
      e.stopPropagation();
      onAction(action, event);
    },
    onKeyDown: (e: KeyboardEvent) => e.stopPropagation(),
  };
}

/** Approve / Reject, Retry, Hold / Release and Delete for one event, as far as its state allows (nothing for an active event). */
export function EventActions(props: EventActionsProps & { size?: string }) {
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      {rowActionsOf(props.event).map((action) => (
        <Button
          key={action}
          size={props.size ?? 'compact-xs'}
          variant={action === 'approve' ? 'filled' : 'default'}
          c={isDangerous(action) ? 'red' : undefined}
          {...handlers(action, props)}
        >
          {ACTION_LABELS[action]}
        </Button>
      ))}
    </Group>
  );
}

/**
 * The same buttons in a queue row, as plain elements styled like Mantine's compact default buttons (styles.css
 * `.row-btn`): a section renders dozens of rows at once, and Mantine's Button costs several components each.
 */
export function RowActions(props: EventActionsProps) {
  return (
    <span className="row-actions">
      {rowActionsOf(props.event).map((action) => (
        <button
          key={action}
          type="button"
          className={isDangerous(action) ? 'row-btn danger' : 'row-btn'}
          {...handlers(action, props)}
        >
          {ACTION_LABELS[action]}
        </button>
      ))}
    </span>
  );
}
