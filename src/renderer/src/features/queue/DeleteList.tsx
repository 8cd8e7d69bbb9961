import { Stack, Table, Text } from '@mantine/core';
import type { EventRecord } from '../../../../shared/dto';

/** §26 bulk delete: the confirmation lists every event it deletes — id, account, command and state. */
export function DeleteList({ events, nameOf }: { events: EventRecord[]; nameOf: (accountId: string) => string }) {
  return (
    <Stack gap="xs">
      <Text size="sm">
        These {events.length} events are removed from the queue with their history; this cannot be undone.
      </Text>
      <div style={{ maxHeight: '40vh', overflowY: 'auto' }}>
        <Table fz="xs" verticalSpacing={2} layout="fixed" aria-label="Events to delete" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="42%">Event id</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th w={110}>Command</Table.Th>
              <Table.Th w={72}>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((event) => {
              const name = nameOf(event.accountId);
              return (
                <Table.Tr key={event.id} data-delete-id={event.id}>
                  <Table.Td style={{ overflowWrap: 'anywhere', fontFamily: 'var(--mantine-font-family-monospace)' }}>
                    {event.id}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {name === event.accountId ? event.accountId : `${name} (${event.accountId})`}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{event.command}</Table.Td>
                  <Table.Td>{event.status}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </div>
    </Stack>
  );
}
