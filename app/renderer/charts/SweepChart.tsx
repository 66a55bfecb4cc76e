import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type MouseHandlerDataParam,
  type TooltipContentProps,
} from 'recharts';
import type { SweepPoint, SweepResult } from '../../shared/studio-api.js';
import { formatBytes, formatMbps } from '../util/format.js';
import { ChartFrame } from './ChartFrame.js';
import { ChartMarker } from './ChartMarker.js';
import { ChartTooltipBox } from './ChartTooltipBox.js';
import type { ChartColors } from './chart-theme.js';
import {
  bestSplitText,
  changeMarkers,
  sweptLinkText,
  logDomain,
  logTicks,
  sweepLatencies,
  sweepSeries,
  type SweepSeries,
} from './sweep-data.js';

export interface SweepChartProps {
  readonly result: SweepResult;
  readonly fromMbps: number;
  readonly toMbps: number;
  readonly colors: ChartColors;
  readonly title: string;
  readonly fileName: string;
  readonly logLatency: boolean;
  /** The swept link's bandwidth now (a marker when inside the range). */
  readonly currentMbps: number;
  /** Sets the link's bandwidth (a point or a change marker clicked). */
  readonly onPick: (mbps: number) => void;
}

const axisNumber = (v: number): string => String(Number(v.toPrecision(3)));

/** Latency with enough digits to compare with `cutline sweep` (its table shows two decimals). */
const latencyText = (ms: number): string => `${ms.toFixed(ms >= 1000 ? 1 : 3)} ms`;

function makeTooltip(series: readonly SweepSeries[], server: SweepResult['server']) {
  return function SweepTooltip({ active, payload }: TooltipContentProps) {
    const point = payload[0]?.payload as SweepPoint | undefined;
    if (!active || !point) return null;
    return (
      <ChartTooltipBox
        heading={formatMbps(point.mbps)}
        rows={[
          ...series.map((s) => ({ label: s.name, value: latencyText(point[s.key]), color: s.style.color })),
          { label: 'Best split', value: bestSplitText(point, server) },
          { label: 'On links (best)', value: formatBytes(point.bestSplitLinkBytes) },
        ]}
      >
        <p className="chart-tooltip-note">Click to set the link to this bandwidth.</p>
      </ChartTooltipBox>
    );
  };
}

/**
 * Latency against one link's bandwidth on a log axis: device only, the server tier only, the
 * best split and this design, with the bandwidths where the best split changes and the link's
 * bandwidth now marked. Clicking the plot sets the link to the nearest point's bandwidth.
 */
export function SweepChart({
  result,
  fromMbps,
  toMbps,
  colors,
  title,
  fileName,
  logLatency,
  currentMbps,
  onPick,
}: SweepChartProps) {
  const series = sweepSeries(result.server, colors);
  const markers = changeMarkers(result);
  const latencyDomain = logDomain(sweepLatencies(result.points));
  const axisTick = { fill: colors.muted, fontSize: 11 };
  const pick = (state: MouseHandlerDataParam) => {
    const point = result.points[Number(state.activeTooltipIndex)];
    if (state.activeTooltipIndex !== undefined && point) onPick(point.mbps);
  };
  const inRange = currentMbps >= fromMbps && currentMbps <= toMbps;
  return (
    <ChartFrame title={title} fileName={fileName} height={250}>
      <LineChart
        data={result.points as SweepPoint[]}
        margin={{ top: 14, right: 20, bottom: 18, left: 8 }}
        onClick={pick}
        style={{ cursor: 'pointer' }}
      >
        <CartesianGrid stroke={colors.grid} />
        <XAxis
          type="number"
          dataKey="mbps"
          scale="log"
          domain={[fromMbps, toMbps]}
          ticks={logTicks(fromMbps, toMbps)}
          allowDataOverflow
          tick={axisTick}
          stroke={colors.axis}
          tickFormatter={axisNumber}
          label={{
            value: `Bandwidth of ${sweptLinkText(result)} (Mb/s, log scale)`,
            position: 'insideBottom',
            offset: -12,
            fill: colors.text,
            fontSize: 12,
          }}
        />
        <YAxis
          type="number"
          {...(logLatency
            ? {
                scale: 'log' as const,
                domain: latencyDomain,
                ticks: logTicks(...latencyDomain),
                allowDataOverflow: true,
              }
            : { domain: [0, 'auto'] as [number, string] })}
          tick={axisTick}
          stroke={colors.axis}
          width={58}
          tickFormatter={axisNumber}
          label={{
            value: logLatency ? 'Latency (ms, log)' : 'Latency (ms)',
            angle: -90,
            position: 'insideLeft',
            offset: 10,
            fill: colors.text,
            fontSize: 12,
            style: { textAnchor: 'middle' },
          }}
        />
        <Tooltip content={makeTooltip(series, result.server)} cursor={{ stroke: colors.muted }} />
        <Legend
          verticalAlign="top"
          height={22}
          itemSorter={null}
          wrapperStyle={{ fontSize: 12, color: colors.text }}
        />
        {markers.map((marker, i) => (
          <ReferenceLine
            key={`change-${marker.mbps}`}
            x={marker.mbps}
            stroke={colors.muted}
            strokeDasharray="4 3"
            label={{
              value: marker.label,
              // Alternately high and low, so close changes do not write over each other.
              position: i % 2 === 0 ? 'insideTopRight' : 'insideTopLeft',
              dy: i % 2 === 0 ? 0 : 12,
              fill: colors.muted,
              fontSize: 10,
            }}
          />
        ))}
        {inRange && (
          <ReferenceLine
            x={currentMbps}
            stroke={colors.accent}
            strokeWidth={2}
            label={{
              value: `now ${formatMbps(currentMbps)}`,
              position: 'insideBottomLeft',
              fill: colors.accent,
              fontSize: 11,
            }}
          />
        )}
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stroke={s.style.color}
            strokeWidth={s.key === 'bestSplitMs' || s.key === 'currentMs' ? 2.2 : 1.6}
            strokeDasharray={s.style.dash}
            legendType={s.style.marker}
            dot={(props: { cx?: number; cy?: number; index?: number }) => (
              <ChartMarker
                key={`${s.key}-${props.index}`}
                cx={props.cx}
                cy={props.cy}
                style={s.style}
                filled
                background={colors.background}
                size={22}
              />
            )}
            activeDot={{ r: 4, fill: s.style.color, stroke: colors.background }}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
