import { SimpleGrid, Text } from '@mantine/core';
import { TextField } from './Fields';
import { RedisSection } from './RedisSection';
import { Section } from './Section';

export function StorageSection({ dataDirInUse }: { dataDirInUse: string }) {
  return (
    <Section
      title="Storage and Redis"
      description="Empty fields use the defaults: the app's data folder and an embedded Redis."
    >
      <Text size="xs" c="dimmed" mb="xs" style={{ overflowWrap: 'anywhere' }}>
        Data directory in use: <span className="mono">{dataDirInUse}</span>
      </Text>
      <SimpleGrid cols={2} spacing="xs">
        <TextField path="dataDir" label="Data directory" nullable placeholder="default (app data folder)" />
        <TextField path="redis.binary" label="redis-server binary" nullable placeholder="found on PATH" />
        <TextField path="redis.keyPrefix" label="Key prefix" placeholder="none" />
      </SimpleGrid>
      <RedisSection />
    </Section>
  );
}
