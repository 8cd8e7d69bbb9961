import { SimpleGrid, Text, Title } from '@mantine/core';
import { NumberField } from './Fields';

/** The risk limits (`limits`), shown in Orders and limits under their own heading. */
export function RiskLimits() {
  return (
    <>
      <Title order={3} size="h6" mt="sm">
        Risk limits
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Checked before any order; a rebalance that breaks one is refused (needs attention) and sends nothing. Empty = no
        limit.
      </Text>
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
    </>
  );
}
