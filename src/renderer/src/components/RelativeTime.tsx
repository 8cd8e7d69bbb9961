import { formatExact, formatRelative } from '../lib/format';
import { useNow } from '../lib/use-now';

/** "3 min ago" with the exact local time on hover. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  return (
    <time dateTime={iso ?? undefined} title={formatExact(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
