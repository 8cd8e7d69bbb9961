import type { EventRecord, Plan, RebalanceReport, TradeReport } from '../../shared/dto';

/** Done events read per `GET /api/reports` (the newest; older reports are reached with `since` and `accountId`). */
export const REPORT_SCAN_LIMIT = 10_000;

function reportOf(event: EventRecord): TradeReport | null {
  const report = (event.result as { report?: TradeReport } | null)?.report;
  return report && Array.isArray(report.rows) && typeof report.totals === 'object' ? report : null;
}

/**
 * §20 `GET /api/reports`: the reports of finished live rebalances among `done` (given newest first), optionally since
 * a time, newest first, at most `limit`, with how many matched in all.
 */
export function reportsOf(
  done: readonly EventRecord[],
  { since, limit }: { since?: string; limit: number },
): { reports: RebalanceReport[]; total: number } {
  const from = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  const all: RebalanceReport[] = [];
  for (const event of done) {
    if (event.command !== 'rebalance' || Date.parse(event.updatedAt) < from) continue;
    const report = reportOf(event);
    if (!report) continue;
    const plan = (event.result as { plan?: Plan } | null)?.plan;
    all.push({
      eventId: event.id,
      accountId: event.accountId,
      strategy: event.strategy ?? plan?.strategy ?? null,
      asOf: plan?.asOf ?? null,
      finishedAt: event.updatedAt,
      totals: report.totals,
      rows: report.rows,
    });
  }
  all.sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt));
  return { reports: all.slice(0, limit), total: all.length };
}
