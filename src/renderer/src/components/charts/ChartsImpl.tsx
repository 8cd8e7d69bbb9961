/**
 * The chart library's half of the §25 charts: loaded lazily by Charts.tsx, so neither @mantine/charts, recharts nor
 * their styles are part of the Queue page's first render (§16).
 */
import { BarChart, LineChart } from '@mantine/charts';
import { formatExact, formatMoney } from '../../lib/format';
import type { HistoryRow, ReportBar, WeightBar } from './chart-data';

const percent = (value: number): string => `${value.toFixed(2)}%`;
const day = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getMonth() + 1}/${d.getDate()}`;
};

/** One horizontal bar pair per symbol, a row of 26 px each: the weights and the report charts. */
function SymbolBars({
  bars,
  series,
  valueFormatter,
}: {
  bars: { symbol: string }[];
  series: { name: string; label: string; color: string }[];
  valueFormatter?: (value: number) => string;
}) {
  return (
    <BarChart
      h={Math.max(120, 26 * bars.length + 40)}
      data={bars}
      dataKey="symbol"
      orientation="vertical"
      withLegend
      accessibilityLayer={false}
      {...(valueFormatter ? { valueFormatter } : {})}
      yAxisProps={{ width: 56, interval: 0 }}
      series={series}
    />
  );
}

export function WeightsChartImpl({ bars }: { bars: WeightBar[] }) {
  return (
    <SymbolBars
      bars={bars}
      valueFormatter={percent}
      series={[
        { name: 'current', label: 'Current', color: 'blue.6' },
        { name: 'target', label: 'Target', color: 'gray.5' },
      ]}
    />
  );
}

export function HistoryChartImpl({
  rows,
  kind,
  alertPercent,
  currency,
}: {
  rows: HistoryRow[];
  kind: 'nav' | 'drift';
  alertPercent?: number;
  currency?: string;
}) {
  return (
    <LineChart
      h={160}
      data={rows}
      dataKey="t"
      withDots={false}
      accessibilityLayer={false}
      curveType="linear"
      xAxisProps={{ type: 'number', scale: 'time', domain: ['dataMin', 'dataMax'], tickFormatter: day }}
      yAxisProps={{
        width: kind === 'nav' ? 90 : 48,
        // the drift axis always reaches the alert line, so the line shows even while the drift stays below it
        domain:
          kind === 'nav'
            ? ['auto', 'auto']
            : [0, (max: number) => Math.ceil(Math.max(max, alertPercent ?? 0) * 1.15 * 10) / 10],
      }}
      valueFormatter={kind === 'nav' ? (v) => formatMoney(v, currency) : percent}
      tooltipProps={{ labelFormatter: (t) => (typeof t === 'number' ? formatExact(new Date(t).toISOString()) : t) }}
      referenceLines={
        kind === 'drift' && alertPercent !== undefined
          ? [{ y: alertPercent, label: `alert ${percent(alertPercent)}`, color: 'red.6' }]
          : []
      }
      series={[
        { name: 'value', label: kind === 'nav' ? 'NAV' : 'Drift', color: kind === 'nav' ? 'blue.6' : 'orange.6' },
      ]}
    />
  );
}

export function ReportChartImpl({ bars }: { bars: ReportBar[] }) {
  return (
    <SymbolBars
      bars={bars}
      series={[
        { name: 'intended', label: 'Intended shares', color: 'gray.5' },
        { name: 'achieved', label: 'Achieved shares', color: 'teal.6' },
      ]}
    />
  );
}
