import { SimpleGrid } from '@mantine/core';
import { NumberField, SecretField, TextField } from './Fields';
import { Section } from './Section';
import type { SettingsSecrets } from './use-settings-draft';

export function ManagementSection({ secrets }: { secrets: SettingsSecrets }) {
  return (
    <Section
      title="Management API"
      description="The HTTP API and browser UI (loopback by default); every route needs the token."
    >
      <SimpleGrid cols={3} spacing="xs">
        <TextField path="management.host" label="Host" />
        <NumberField path="management.port" label="Port" description="0 picks a free port" />
        <SecretField
          path="management.token"
          label="Management token"
          isSet={secrets.isSet('management.token')}
          value={secrets.value('management.token')}
          onChange={(value) => secrets.set('management.token', value)}
        />
      </SimpleGrid>
    </Section>
  );
}
