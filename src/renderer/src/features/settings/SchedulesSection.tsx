import { SchedulesEditor } from './SchedulesEditor';
import { Section } from './Section';

export function SchedulesSection() {
  return (
    <Section
      title="Schedules"
      description="Commands run at cron times; a firing missed while the app was off is not replayed."
    >
      <SchedulesEditor />
    </Section>
  );
}
