const DAY_MS = 86_400_000;

/**
 * §25: the warning a plan carries when its allocation's `as_of` is more than `maxDays` days before `now` (the
 * strategy may have stopped publishing, or the provider answers an old allocation), or null when it is recent enough
 * or has no date. Pure: the caller passes the clock.
 */
export function staleAllocationWarning(asOf: string | null, now: string, maxDays: number): string | null {
  if (!asOf || !(maxDays > 0)) return null;
  const at = Date.parse(asOf);
  const current = Date.parse(now);
  if (!Number.isFinite(at) || !Number.isFinite(current)) return null;
  const days = Math.floor((current - at) / DAY_MS);
  if (days <= maxDays) return null;
  return (
    `allocation is stale: as of ${asOf.slice(0, 10)}, ${days} days old (more than zehnlabs.staleAllocationDays ` +
    `${maxDays}); check that the strategy still publishes before trading on it`
  );
}
