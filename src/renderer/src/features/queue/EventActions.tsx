import { Button, Group } from '@mantine/core';
import type { EventRecord } from '../../../../shared/dto';
import { canApply, type EventAction } from './event-actions';

/** Retry, Hold / Release and Delete for one event, as far as its state allows (nothing for an active event). */
export function EventActions({
  event,
  onAction,
  size = 'compact-xs',
}: {
  event: EventRecord;
  onAction: (action: EventAction, event: EventRecord) => void;
  size?: string;
}) {
  const button = (action: EventAction, label: string, color?: string) =>
    canApply(action, event) ? (
      <Button
        key={action}
        size={size}
        variant="default"
        c={color}
        onClick={(e) => {
          e.stopPropagation();
          onAction(action, event);
        }}
        onKeyDown={(e) => e.stopPropagation()}
      >
        {label}
      </Button>
    ) : null;
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      {button('retry', 'Retry')}
      {button('hold', 'Hold')}
      {button('release', 'Release')}
      {button('delete', 'Delete', 'red')}
    </Group>
  );
}
