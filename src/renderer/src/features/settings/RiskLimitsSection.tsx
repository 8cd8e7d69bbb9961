import { SimpleGrid } from '@mantine/core';
import { NumberField } from './Fields';
import { Section } from './Section';

export function RiskLimitsSection() {
  return (
    <Section
      title="Risk limits"
      description="Checked before any order; a rebalance that breaks one is refused (needs attention) and sends nothing. Empty = no limit."
    >
      <SimpleGrid cols={3} spacing="xs">
        <NumberField path="limits.maxOrderValue" label="Largest order" unit="USD" nullable />
        <NumberField
          path="limits.maxTurnoverPercent"
          label="Largest turnover"
          description="Σ |order value| ÷ net liquidation"
          unit="%"
          nullable
        />
        <NumberField
          path="limits.maxAllocationChangePercent"
          label="Largest allocation change"
          description="½ Σ |new − last rebalanced-to weight|"
          unit="%"
          nullable
        />
      </SimpleGrid>
    </Section>
  );
}
