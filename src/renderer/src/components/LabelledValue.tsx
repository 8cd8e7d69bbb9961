import { Text, type TextProps } from '@mantine/core';

/**
 * A small dimmed label over its value: the facts of an account card, the fields of an event, the figures of a
 * panel. The value is sm text by default; `valueProps` sets it otherwise (a figure's size, weight, tabular digits).
 */
export function LabelledValue({
  label,
  children,
  title,
  truncate = false,
  valueProps,
}: {
  label: string;
  children: React.ReactNode;
  /** Shown on hover over label and value. */
  title?: string;
  /** Cut a long value with an ellipsis (the card's narrow columns). */
  truncate?: boolean;
  valueProps?: TextProps;
}) {
  return (
    <div title={title}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" truncate={truncate ? 'end' : undefined} {...valueProps}>
        {children}
      </Text>
    </div>
  );
}
