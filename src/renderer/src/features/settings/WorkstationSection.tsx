import { SimpleGrid } from '@mantine/core';
import { NumberField, SwitchField } from './Fields';
import { Section } from './Section';

/**
 * §29 the workstation's day: launch at login (in the tray, no window) and how late a schedule missed while the
 * computer slept may still fire on waking (`scheduleGraceMinutes`).
 */
export function WorkstationSection() {
  return (
    <Section
      title="This computer"
      description="The app keeps the computer awake while an event runs and from 30 minutes before to 30 minutes after a schedule fires. On waking it reconnects at once and looks for missed signals."
    >
      <SimpleGrid cols={2} spacing="xs">
        <SwitchField
          path="desktop.launchAtLogin"
          label="Launch at login"
          description="Starts in the tray when you log in (desktop app)"
        />
        <NumberField
          path="scheduleGraceMinutes"
          label="Missed schedule grace"
          description="On waking, a schedule that fired less than this long ago runs once"
          unit="min"
        />
      </SimpleGrid>
    </Section>
  );
}
