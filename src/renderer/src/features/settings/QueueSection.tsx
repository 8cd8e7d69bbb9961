import { SimpleGrid } from '@mantine/core';
import { MultiSelectField, NumberField } from './Fields';
import { Section } from './Section';

const ERROR_KINDS = ['transient', 'market-closed', 'rejected', 'partial', 'invalid'];

export function QueueSection() {
  return (
    <Section title="Queue">
      <SimpleGrid cols={3} spacing="xs">
        <NumberField path="queue.retryDelayMs" label="Retry delay" unit="ms" />
        <NumberField path="queue.concurrency" label="Workers" />
        <NumberField path="queue.leaseMs" label="Lease" unit="ms" />
        <MultiSelectField path="queue.holdOn" label="Hold instead of retrying on" data={ERROR_KINDS} />
        <NumberField path="queue.historyLimit" label="History kept (entries)" />
        <NumberField path="queue.retainDoneDays" label="Keep done events" unit="days" />
      </SimpleGrid>
    </Section>
  );
}
