import { SimpleGrid } from '@mantine/core';
import { HOLD_ON_KINDS } from '../../../../shared/dto';
import { MultiSelectField, NumberField } from './Fields';
import { Section } from './Section';

export function QueueSection() {
  return (
    <Section title="Queue">
      <SimpleGrid cols={3} spacing="xs">
        <NumberField path="queue.retryDelayMs" label="Retry delay" unit="ms" />
        <NumberField path="queue.concurrency" label="Workers" />
        <NumberField path="queue.leaseMs" label="Lease" unit="ms" />
        <MultiSelectField path="queue.holdOn" label="Hold instead of retrying on" data={[...HOLD_ON_KINDS]} />
        <NumberField path="queue.historyLimit" label="History kept (entries)" />
        <NumberField path="queue.retainDoneDays" label="Keep done events" unit="days" />
      </SimpleGrid>
    </Section>
  );
}
