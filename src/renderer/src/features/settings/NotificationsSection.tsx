import { SimpleGrid } from '@mantine/core';
import { LOG_LEVELS } from '../../../../shared/dto';
import { SelectField, SwitchField, TextField } from './Fields';
import { Section } from './Section';

export function NotificationsSection() {
  return (
    <Section title="Notifications and logging">
      <SimpleGrid cols={4} spacing="xs">
        <SwitchField path="notifications.desktop" label="Desktop notifications" />
        <TextField path="notifications.ntfyUrl" label="ntfy server URL" nullable placeholder="off" />
        <TextField path="notifications.ntfyTopic" label="ntfy topic" nullable placeholder="off" />
        <SelectField path="logLevel" label="Log level" data={[...LOG_LEVELS]} />
      </SimpleGrid>
    </Section>
  );
}
