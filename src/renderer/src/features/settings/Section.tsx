import { Paper, Text, Title } from '@mantine/core';
import { sectionId } from './settings-sections';

/**
 * One titled part of the Settings page (a region named by its title, which tests and screen readers find; its id,
 * from the title, is where the section menu jumps).
 */
export function Section({
  title,
  children,
  description,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label={title} id={sectionId(title)}>
      <Title order={2} size="h5" mb={description ? 0 : 'xs'}>
        {title}
      </Title>
      {description && (
        <Text size="xs" c="dimmed" mb="xs">
          {description}
        </Text>
      )}
      {children}
    </Paper>
  );
}
