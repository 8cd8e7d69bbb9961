import { Text, Title } from '@mantine/core';
import { ApprovalEditor } from './ApprovalEditor';
import { SchedulesEditor } from './SchedulesEditor';
import { Section } from './Section';

/** When trades happen: each account's approval (§19) and the scheduled commands (§21). */
export function SchedulesSection() {
  return (
    <Section
      title="Approval and schedules"
      description="Whether a rebalance waits for you, and which commands run by themselves at set times."
    >
      <ApprovalEditor />
      <Title order={3} size="h6" mt="sm">
        Schedules
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Commands run on the chosen days at a time in a time zone (or at a cron pattern); a firing missed while the app
        was off is not replayed.
      </Text>
      <SchedulesEditor />
    </Section>
  );
}
