import { SimpleGrid } from '@mantine/core';
import { NumberField, SelectField, TextField } from './Fields';
import { GatewaysEditor } from './GatewaysEditor';
import { Section } from './Section';

const MARKET_DATA_TYPES = [
  { value: '1', label: '1 — live' },
  { value: '2', label: '2 — frozen' },
  { value: '3', label: '3 — delayed' },
  { value: '4', label: '4 — delayed frozen' },
];

export function IbSection() {
  return (
    <Section title="IB Gateway / TWS" description="Gateway 4001 live / 4002 paper; TWS 7496 live / 7497 paper.">
      <SimpleGrid cols={4} spacing="xs">
        <TextField path="ib.host" label="Host" />
        <NumberField path="ib.port" label="Port" />
        <NumberField path="ib.clientId" label="Client id" nullable description="empty: drawn once and kept" />
        <SelectField path="ib.marketDataType" label="Market data type" data={MARKET_DATA_TYPES} numeric />
        <NumberField path="ib.connectTimeoutMs" label="Connect timeout" unit="ms" />
        <NumberField path="ib.requestTimeoutMs" label="Request timeout" unit="ms" />
        <NumberField path="ib.reconnectDelayMs" label="Reconnect delay" unit="ms" />
        <TextField
          path="ib.restartWindow"
          label="Daily restart window"
          nullable
          placeholder="off"
          description="HH:MM-HH:MM Time/Zone; work waits until its end"
        />
      </SimpleGrid>
      <GatewaysEditor />
    </Section>
  );
}
