import { Badge, Table, Text } from '@mantine/core';
import type { FeedLogEntry } from '../../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { RelativeTime } from '../../components/RelativeTime';
import { useFeedLog } from '../../queries/use-queries';

const OUTCOME_COLORS: Record<FeedLogEntry['outcome'], string> = {
  accepted: 'green',
  duplicate: 'gray',
  rejected: 'red',
  gap: 'yellow',
  state: 'gray',
};

const SHOWN = 200;

/** What the Zehnlabs feed delivered: accepted signals, duplicates, rejected messages with their reason (§6). */
export function FeedLog() {
  const feed = useFeedLog();
  const entries = [...(feed.data?.entries ?? [])].reverse().slice(0, SHOWN);
  if (feed.error) return <EmptyState>Could not load the feed log: {feed.error.message}</EmptyState>;
  if (entries.length === 0) {
    return (
      <EmptyState>
        {feed.isPending
          ? 'Loading…'
          : 'Nothing received from Zehnlabs yet — each signal (and any message the app rejects) is listed here.'}
      </EmptyState>
    );
  }
  return (
    <div style={{ maxHeight: 240, overflow: 'auto' }} tabIndex={0} role="region" aria-label="Feed log entries">
      <Table fz="xs" verticalSpacing={2} striped aria-label="Feed log" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>Time</Table.Th>
            <Table.Th w={90}>Outcome</Table.Th>
            <Table.Th w={180}>Channel</Table.Th>
            <Table.Th w={180}>Event id</Table.Th>
            <Table.Th>Accounts / reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry, i) => (
            <Table.Tr key={`${entry.at}:${entry.messageId ?? ''}:${i}`}>
              <Table.Td>
                <RelativeTime iso={entry.at} />
              </Table.Td>
              <Table.Td>
                <Badge size="xs" variant="light" color={OUTCOME_COLORS[entry.outcome]}>
                  {entry.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>{entry.channel ?? '—'}</Table.Td>
              <Table.Td className="mono">{entry.eventId ?? '—'}</Table.Td>
              <Table.Td>
                <Text span inherit c={entry.outcome === 'rejected' ? 'red' : undefined}>
                  {[entry.accounts?.join(', '), entry.reason].filter(Boolean).join(' — ') || '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
