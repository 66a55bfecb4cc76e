import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from '../charts/ChartFrame.js';
import { seriesStyle, useChartColors } from '../charts/chart-theme.js';
import type { RequestPoint } from './harness-run.js';
import { requestSeries } from './request-series.js';

/**
 * Every timed request as it is answered: its end-to-end latency against its place in the run,
 * sequential and stream requests apart (in the stream several share the tiers, so each waits
 * longer), fallbacks and failures marked on their own (a failure at the time it took to fail).
 */
export const RequestsChart = memo(function RequestsChart({
  requests,
  predictedMs,
}: {
  readonly requests: readonly RequestPoint[];
  /** The end-to-end latency predicted on this machine, drawn as a line when known. */
  readonly predictedMs: number | null;
}) {
  const colors = useChartColors();
  const series = useMemo(() => requestSeries(requests), [requests]);
  const axis = { stroke: colors.axis, tick: { fill: colors.muted, fontSize: 11 } };
  const style = (i: number) => seriesStyle(colors, i);
  const groups = [
    { key: 'sequential', name: 'sequential', data: series.sequential, s: style(0) },
    { key: 'stream', name: 'stream', data: series.stream, s: style(1) },
    { key: 'fallback', name: 'device alone (fallback)', data: series.fallback, s: style(3) },
    { key: 'failed', name: 'failed', data: series.failed, s: { ...style(4), marker: 'cross' as const } },
  ].filter((g) => g.data.length > 0);
  return (
    <ChartFrame
      title="Requests"
      fileName="harness-requests"
      height={220}
      footer={
        series.stride > 1 ? (
          <p className="run-note">
            1 in {series.stride} answered requests is drawn ({requests.length} in all); every failure and
            fallback is.
          </p>
        ) : undefined
      }
    >
      <ScatterChart margin={{ top: 8, right: 16, bottom: 18, left: 8 }}>
        <CartesianGrid stroke={colors.grid} />
        <XAxis
          type="number"
          dataKey="seq"
          name="request"
          allowDecimals={false}
          domain={[1, 'dataMax']}
          {...axis}
          label={{
            value: 'request (in the order answered)',
            position: 'insideBottom',
            offset: -10,
            fill: colors.muted,
            fontSize: 11,
          }}
        />
        <YAxis type="number" dataKey="latencyMs" name="latency" unit=" ms" width={64} {...axis} />
        <Tooltip
          cursor={{ stroke: colors.axis }}
          formatter={(value) => (typeof value === 'number' ? value.toFixed(2) : String(value))}
        />
        <Legend verticalAlign="top" align="right" wrapperStyle={{ color: colors.text, fontSize: 12 }} />
        {predictedMs !== null && (
          <ReferenceLine
            y={predictedMs}
            stroke={colors.muted}
            strokeDasharray="4 3"
            label={{
              value: 'predicted on this machine',
              fill: colors.muted,
              fontSize: 11,
              position: 'insideTopRight',
            }}
          />
        )}
        {groups.map((g) => (
          <Scatter
            key={g.key}
            name={g.name}
            data={g.data as RequestPoint[]}
            fill={g.s.color}
            shape={g.s.marker}
            isAnimationActive={false}
          />
        ))}
      </ScatterChart>
    </ChartFrame>
  );
});
