import { SimpleGrid } from '@mantine/core';
import { NumberField, SwitchField } from './Fields';
import { Section } from './Section';

/**
 * §20 drift monitor settings (`drift`): how often the core checks each enabled account's drift from its targets
 * during market hours, above which drift the card shows Drifted and one notification is sent, and whether that also
 * queues a rebalance.
 */
export function DriftSection() {
  return (
    <Section
      title="Drift monitor"
      description="Read-only checks of every enabled account during market hours: no event, no order. Drift is the largest difference between a symbol's current and target weight, in percentage points."
    >
      <SimpleGrid cols={3} spacing="xs">
        <NumberField
          path="drift.checkMinutes"
          label="Check every"
          description="0 = off; fractions allowed (0.1 = 6 s)"
          unit="min"
        />
        <NumberField
          path="drift.alertPercent"
          label="Alert above"
          description="Drifted badge and one notification per crossing"
          unit="%"
        />
        <SwitchField
          path="drift.autoRebalance"
          label="Rebalance when drifted"
          description="Queues a rebalance (source drift), with the account's approval"
        />
      </SimpleGrid>
    </Section>
  );
}
