/**
 * §27: an account's net liquidation from the gateway within a few seconds, or null when it cannot say (not
 * connected, no answer in time, no finite value). Used when a `raise-cash` is enqueued, so the check can be made at
 * once; otherwise the run makes it.
 */
import type { IbPort } from './ib-client';

/** How long an enqueue of `raise-cash` waits for the account's net liquidation before leaving the check to the run. */
export const NET_LIQUIDATION_WAIT_MS = 3_000;

export async function netLiquidationWithin(
  ib: Pick<IbPort, 'status' | 'getEquity'>,
  accountId: string,
  waitMs = NET_LIQUIDATION_WAIT_MS,
): Promise<number | null> {
  if (ib.status().state !== 'connected') return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    const equity = ib.getEquity(accountId).then(
      (e) => (Number.isFinite(e.netLiquidation) ? e.netLiquidation : null),
      () => null,
    );
    return await Promise.race([equity, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
