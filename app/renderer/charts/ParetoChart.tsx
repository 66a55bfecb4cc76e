import {
  CartesianGrid,
  Legend,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  type ScatterShapeProps,
  type TooltipContentProps,
} from 'recharts';
import { formatBytes, formatMj, formatMs } from '../util/format.js';
import { niceAxis } from './axis-ticks.js';
import { ChartFrame } from './ChartFrame.js';
import { ChartMarker } from './ChartMarker.js';
import { ChartTooltipBox } from './ChartTooltipBox.js';
import { seriesStyle, type ChartColors, type SeriesStyle } from './chart-theme.js';
import { paretoDomains, type ParetoChartData, type ParetoChartPoint } from './pareto-data.js';

export interface ParetoChartProps {
  readonly data: ParetoChartData;
  readonly colors: ChartColors;
  readonly title: string;
  readonly fileName: string;
  /** Whether hovering previews and clicking applies (the points still fit the design). */
  readonly interactive: boolean;
  readonly onPreview: (point: ParetoChartPoint | null) => void;
  readonly onApply: (point: ParetoChartPoint) => void;
}

/** The style of each kind of point: the front first, then each suggestion, the design last. */
export function paretoStyles(data: ParetoChartData, colors: ChartColors) {
  const suggestion = (i: number): SeriesStyle => seriesStyle(colors, i + 1);
  const current: SeriesStyle = { color: colors.text, marker: 'star', dash: 'none' };
  return { front: seriesStyle(colors, 0), suggestion, current, count: data.suggestions.length };
}

function ParetoTooltip({ active, payload }: TooltipContentProps) {
  const point = payload[0]?.payload as ParetoChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <ChartTooltipBox
      heading={point.name}
      rows={[
        { label: 'Latency', value: formatMs(point.latencyMs) },
        { label: 'Device energy', value: formatMj(point.deviceEnergyMj) },
        { label: 'On links', value: formatBytes(point.linkBytes) },
        { label: 'Device layers', value: String(point.deviceLayers) },
        {
          label: 'Found',
          value: point.exact === null ? 'the design now' : point.exact ? 'exact' : 'heuristic',
        },
      ]}
    >
      {point.kind !== 'current' && !point.applied && <p className="chart-tooltip-note">Click to apply.</p>}
      {point.applied && point.kind !== 'current' && (
        <p className="chart-tooltip-note">This is the design now.</p>
      )}
    </ChartTooltipBox>
  );
}

/**
 * Latency × device energy: the Pareto front as a line of points, each solver's suggestion and the
 * design as their own symbols; exact points filled, heuristic ones hollow.
 */
export function ParetoChart({
  data,
  colors,
  title,
  fileName,
  interactive,
  onPreview,
  onApply,
}: ParetoChartProps) {
  const styles = paretoStyles(data, colors);
  const shape =
    (style: SeriesStyle, size: number) =>
    (props: ScatterShapeProps): React.JSX.Element => {
      const point = props.payload as ParetoChartPoint;
      const canApply = interactive && point.kind !== 'current';
      return (
        <ChartMarker
          cx={props.cx}
          cy={props.cy}
          style={style}
          filled={point.exact !== false}
          background={colors.background}
          size={size}
          ringed={point.applied}
          label={point.name}
          {...(canApply
            ? {
                onEnter: () => onPreview(point),
                onLeave: () => onPreview(null),
                onClick: () => onApply(point),
              }
            : {})}
        />
      );
    };
  const axisTick = { fill: colors.muted, fontSize: 11 };
  const domains = paretoDomains(data);
  const latencyAxis = niceAxis(...domains.latencyMs);
  const energyAxis = niceAxis(...domains.deviceEnergyMj);
  return (
    <ChartFrame title={title} fileName={fileName} height={230}>
      <ScatterChart margin={{ top: 8, right: 16, bottom: 18, left: 8 }}>
        <CartesianGrid stroke={colors.grid} />
        <XAxis
          type="number"
          dataKey="latencyMs"
          name="Latency"
          domain={latencyAxis.domain}
          ticks={latencyAxis.ticks}
          tick={axisTick}
          stroke={colors.axis}
          tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
          label={{
            value: 'Latency (ms)',
            position: 'insideBottom',
            offset: -12,
            fill: colors.text,
            fontSize: 12,
          }}
        />
        <YAxis
          type="number"
          dataKey="deviceEnergyMj"
          name="Device energy"
          domain={energyAxis.domain}
          ticks={energyAxis.ticks}
          tick={axisTick}
          stroke={colors.axis}
          width={56}
          tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
          label={{
            value: 'Device energy (mJ)',
            angle: -90,
            position: 'insideLeft',
            offset: 10,
            fill: colors.text,
            fontSize: 12,
            style: { textAnchor: 'middle' },
          }}
        />
        <Tooltip content={ParetoTooltip} cursor={{ stroke: colors.muted, strokeDasharray: '3 3' }} />
        <Legend
          verticalAlign="top"
          height={22}
          itemSorter={null}
          wrapperStyle={{ fontSize: 12, color: colors.text }}
        />
        <Scatter
          name="Pareto front"
          data={data.front as ParetoChartPoint[]}
          fill={styles.front.color}
          legendType={styles.front.marker}
          line={{ stroke: styles.front.color, strokeWidth: 1.5, strokeOpacity: 0.7 }}
          shape={shape(styles.front, 56)}
          isAnimationActive={false}
        />
        {data.suggestions.map((point, i) => (
          <Scatter
            key={point.id}
            name={point.name}
            data={[point]}
            fill={styles.suggestion(i).color}
            legendType={styles.suggestion(i).marker}
            shape={shape(styles.suggestion(i), 110)}
            isAnimationActive={false}
          />
        ))}
        <Scatter
          name="This design"
          data={[data.current]}
          fill={styles.current.color}
          legendType="star"
          shape={shape(styles.current, 150)}
          isAnimationActive={false}
        />
      </ScatterChart>
    </ChartFrame>
  );
}
