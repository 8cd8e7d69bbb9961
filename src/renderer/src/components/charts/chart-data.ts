/**
 * §25 chart data, computed without the chart library (so it is tested in jsdom and costs nothing on the Queue page).
 * Weights and drift are in percent of net liquidation.
 */
import type { DriftReading, HistoryPoint, TradeReport } from '../../../../shared/dto';

export interface WeightBar {
  symbol: string;
  current: number;
  target: number;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Current against target per symbol and cash, from the drift reading (its targets are the effective ones of §24).
 * Cash is the reading's own cash line when it has one, else what the symbols leave of 100 %.
 */
export function weightBars(drift: DriftReading): WeightBar[] {
  const rows = Object.entries(drift.bySymbol)
    .map(([symbol, s]) => ({ symbol, current: round2(s.current), target: round2(s.target) }))
    .sort((a, b) => b.target - a.target || b.current - a.current || a.symbol.localeCompare(b.symbol));
  const own = (drift as DriftReading & { cash?: { current: number; target: number } }).cash;
  const cash = own
    ? { current: own.current, target: own.target }
    : {
        current: 100 - rows.reduce((sum, r) => sum + r.current, 0),
        target: 100 - rows.reduce((sum, r) => sum + r.target, 0),
      };
  return [...rows, { symbol: 'Cash', current: round2(cash.current), target: round2(cash.target) }];
}

export interface HistoryRow {
  /** Epoch ms (the x axis is time). */
  t: number;
  value: number;
}

export function historyRows(points: readonly HistoryPoint[]): HistoryRow[] {
  return points.map((p) => ({ t: Date.parse(p.at), value: p.value }));
}

export interface ReportBar {
  symbol: string;
  intended: number;
  achieved: number;
}

/** A report's intended (target) against achieved (final) shares per symbol. */
export function reportBars(report: TradeReport): ReportBar[] {
  return report.rows.map((r) => ({ symbol: r.symbol, intended: r.targetShares, achieved: r.finalShares }));
}
