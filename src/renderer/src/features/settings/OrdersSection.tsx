import { SimpleGrid } from '@mantine/core';
import { NumberField, SelectField, SwitchField } from './Fields';
import { RiskLimits } from './RiskLimits';
import { Section } from './Section';

/** How orders are placed (`orders`) and the limits every rebalance is checked against (`limits`). */
export function OrdersSection() {
  return (
    <Section title="Orders and limits">
      <SimpleGrid cols={4} spacing="xs">
        <SelectField path="orders.type" label="Order type" data={['MKT', 'LMT']} />
        <SelectField
          path="orders.buyType"
          label="Buy order type"
          data={['MKT', 'LMT']}
          nullLabel="same as Order type"
        />
        <SelectField
          path="orders.sellType"
          label="Sell order type"
          data={['MKT', 'LMT']}
          nullLabel="same as Order type"
        />
        <SelectField path="orders.timeInForce" label="Time in force" data={['DAY', 'GTC']} />
        <NumberField path="orders.limitOffsetPercent" label="Limit offset" unit="%" />
        <NumberField path="orders.fillTimeoutMs" label="Fill timeout" unit="ms" />
        <NumberField path="orders.minTradeValue" label="Minimum trade value" />
        <SwitchField path="orders.outsideRth" label="Trade outside regular hours" />
        <SwitchField path="orders.whatIf" label="What-if check before sending" />
      </SimpleGrid>
      <RiskLimits />
    </Section>
  );
}
