import { Button, Group, Paper, Title, type GroupProps } from '@mantine/core';
import { Download } from 'lucide-react';

/**
 * A bordered panel with its h2 title and, on the title's right, its actions (filters, an export button).
 * `region` makes it a `<section>` named by its title, a landmark the window's tests and a screen reader find.
 */
export function Panel({
  title,
  region = false,
  actions,
  headerProps,
  children,
}: {
  title: string;
  region?: boolean;
  actions?: React.ReactNode;
  /** Alignment of the header row, e.g. `{ align: 'flex-end', wrap: 'wrap' }` beside labelled filters. */
  headerProps?: GroupProps;
  children: React.ReactNode;
}) {
  const heading = (
    <Title order={2} size="h5" mb={actions ? undefined : 'xs'}>
      {title}
    </Title>
  );
  return (
    <Paper withBorder p="sm" radius="sm" {...(region ? { component: 'section' as const, 'aria-label': title } : {})}>
      {actions ? (
        <Group justify="space-between" mb="xs" {...headerProps}>
          {heading}
          {actions}
        </Group>
      ) : (
        heading
      )}
      {children}
    </Paper>
  );
}

/** The panel's CSV export: disabled while there is nothing to export. */
export function ExportButton({
  children,
  disabled,
  onClick,
}: {
  children: React.ReactNode;
  disabled: boolean;
  onClick: () => void;
}) {
  return (
    <Button size="xs" variant="default" leftSection={<Download size={14} />} disabled={disabled} onClick={onClick}>
      {children}
    </Button>
  );
}
