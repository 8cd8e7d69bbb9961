/**
 * §25 charts as images with an accessible name ("Weights of NAME", "NAV of NAME", "Drift of NAME"). The chart itself
 * comes from a lazily loaded chunk (ChartsImpl.tsx with @mantine/charts and recharts), so pages render their rows
 * first and the Queue page never loads the library (§16).
 */
import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { DriftReading, HistoryPoint, TradeReport } from '../../../../shared/dto';
import { loadChartStyles } from '../../styles';
import { historyRows, reportBars, weightBars } from './chart-data';

/** The library and its stylesheet (loaded on demand, never with the window). */
const impl = () => Promise.all([import('./ChartsImpl'), loadChartStyles().catch(() => undefined)]).then(([m]) => m);
const WeightsChartImpl = lazy(() => impl().then((m) => ({ default: m.WeightsChartImpl })));
const HistoryChartImpl = lazy(() => impl().then((m) => ({ default: m.HistoryChartImpl })));
const ReportChartImpl = lazy(() => impl().then((m) => ({ default: m.ReportChartImpl })));

function ChartFrame({ name, height, children }: { name: string; height: number; children: React.ReactNode }) {
  return (
    <div role="img" aria-label={name} style={{ minHeight: height }}>
      <Suspense fallback={<Skeleton h={height} />}>{children}</Suspense>
    </div>
  );
}

/** Current against target weight per symbol and cash, from the account's drift reading. */
export function WeightsChart({ name, drift }: { name: string; drift: DriftReading }) {
  const bars = weightBars(drift);
  return (
    <ChartFrame name={`Weights of ${name}`} height={Math.max(120, 26 * bars.length + 40)}>
      <WeightsChartImpl bars={bars} />
    </ChartFrame>
  );
}

/** NAV or drift over time; the drift chart draws the alert line. */
export function HistoryChart({
  name,
  kind,
  points,
  alertPercent,
  currency,
}: {
  name: string;
  kind: 'nav' | 'drift';
  points: HistoryPoint[];
  alertPercent?: number;
  currency?: string;
}) {
  return (
    <ChartFrame name={`${kind === 'nav' ? 'NAV' : 'Drift'} of ${name}`} height={160}>
      <HistoryChartImpl
        rows={historyRows(points)}
        kind={kind}
        {...(alertPercent === undefined ? {} : { alertPercent })}
        {...(currency === undefined ? {} : { currency })}
      />
    </ChartFrame>
  );
}

/** A post-trade report: intended (target) against achieved (final) shares per symbol. */
export function ReportChart({ name, report }: { name: string; report: TradeReport }) {
  const bars = reportBars(report);
  return (
    <ChartFrame name={`Intended against achieved of ${name}`} height={Math.max(120, 26 * bars.length + 40)}>
      <ReportChartImpl bars={bars} />
    </ChartFrame>
  );
}
