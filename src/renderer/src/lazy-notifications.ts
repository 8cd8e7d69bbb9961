/**
 * Mantine's notification area alone, so providers.tsx can load it as a chunk of its own after the first render
 * (§16): the boot chunk keeps only the `notifications` store the pages call.
 */
export { Notifications } from '@mantine/notifications';
