import { Text } from '@mantine/core';

/** Says what will appear here and how to make it appear. */
export function EmptyState({ children }: { children: React.ReactNode }) {
  return (
    <Text c="dimmed" size="sm" py="sm" px="xs">
      {children}
    </Text>
  );
}
