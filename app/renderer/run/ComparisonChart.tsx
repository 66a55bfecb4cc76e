import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from '../charts/ChartFrame.js';
import { seriesStyle, useChartColors } from '../charts/chart-theme.js';
import { formatMs } from '../util/format.js';
import type { ComparisonRow } from './comparison.js';

// Bars are told apart by fill and outline as well as colour. This order is the order of the bars
// in each group (top to bottom) and of the legend: what was measured, then the two predictions.
const SERIES = [
  { key: 'measuredMs', name: 'measured', fillOpacity: 0.9 },
  { key: 'thisMachineMs', name: 'predicted on this machine', fillOpacity: 0.45 },
  { key: 'planMs', name: "predicted (plan, the topology's devices)", fillOpacity: 0.15 },
] as const;

const cell = (ms: number | null): string => (ms === null ? '–' : ms === 0 ? '0' : formatMs(ms));
const bound = (row: ComparisonRow, ms: number | null): string => (row.lowerBound && ms !== null ? '≥ ' : '');
const boundTitle = (row: ComparisonRow): string | undefined =>
  row.lowerBound
    ? `At least this: the tier runs ${row.lowerBound}. Its time depends on the input; the measured figure is the one to trust.`
    : undefined;

/**
 * Per tier's compute and per link: measured (medians so far) next to the two predictions, as
 * grouped bars and the same figures as a table (readable without the chart, and by a screen
 * reader). A series with no figure yet is left out of the chart.
 */
export const ComparisonChart = memo(function ComparisonChart({
  rows,
}: {
  readonly rows: readonly ComparisonRow[];
}) {
  const colors = useChartColors();
  const axis = { stroke: colors.axis, tick: { fill: colors.muted, fontSize: 11 } };
  const shown = SERIES.map((s, i) => ({ ...s, style: seriesStyle(colors, i) })).filter((s) =>
    rows.some((row) => row[s.key] !== null),
  );
  // Recharts orders bars by when each <Bar> first mounted: the plan's prediction arrives before
  // any measurement, so a series that appears later would land after it. Drawing the chart anew
  // when the set of series changes keeps SERIES order.
  const shownKey = shown.map((s) => s.key).join(' ');
  const table = (
    <table className="run-table run-compare-table" aria-label="Measured and predicted figures">
      <thead>
        <tr>
          <th scope="col">Figure</th>
          {SERIES.map((s) => (
            <th scope="col" className="num" key={s.key}>
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            <td className="num">{cell(row.measuredMs)}</td>
            {/* A tier running a data-dependent layer predicts a lower bound: ≥, and why on hover. */}
            <td className="num" title={boundTitle(row)}>
              {bound(row, row.thisMachineMs)}
              {cell(row.thisMachineMs)}
            </td>
            <td className="num" title={boundTitle(row)}>
              {bound(row, row.planMs)}
              {cell(row.planMs)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFrame
      title="Measured and predicted"
      fileName="harness-measured-predicted"
      height={Math.max(140, 36 + rows.length * 34)}
      footer={table}
    >
      <BarChart
        key={shownKey}
        data={rows as ComparisonRow[]}
        layout="vertical"
        margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
      >
        <CartesianGrid stroke={colors.grid} horizontal={false} />
        <XAxis type="number" unit=" ms" {...axis} />
        <YAxis type="category" dataKey="label" width={130} {...axis} />
        <Tooltip
          cursor={{ fill: colors.grid }}
          formatter={(value) => (typeof value === 'number' ? formatMs(value) : String(value))}
        />
        {/* itemSorter null: the legend in series order (recharts sorts it by name otherwise). */}
        <Legend wrapperStyle={{ color: colors.text, fontSize: 12 }} itemSorter={null} />
        {shown.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            className={`run-bar run-bar-${s.key}`}
            fill={s.style.color}
            fillOpacity={s.fillOpacity}
            stroke={s.style.color}
            strokeDasharray={s.style.dash}
            isAnimationActive={false}
            maxBarSize={10}
          />
        ))}
      </BarChart>
    </ChartFrame>
  );
});
