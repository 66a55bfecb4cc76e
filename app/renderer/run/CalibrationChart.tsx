import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProfileResult } from '../../shared/studio-api.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { seriesStyle, useChartColors } from '../charts/chart-theme.js';
import { calibrationScatter, logTicks } from './calibration-points.js';
import { formatMs } from '../util/format.js';

/** A tick's time; under 0.1 µs in ns, where µs to one decimal would read 0 (a layer predicted ~1 ns). */
const tickMs = (value: number): string =>
  value > 0 && value < 1e-4
    ? `${Number((value * 1e6).toPrecision(2))} ns`
    : formatMs(value).replace(/\.0+ /, ' ');

/**
 * Per layer, the calibrated profile's predicted time against the measured one on log-log axes,
 * by op type, with the y = x line: a point above it is predicted slower than it ran.
 */
export const CalibrationChart = memo(function CalibrationChart({
  result,
}: {
  readonly result: ProfileResult;
}) {
  const colors = useChartColors();
  const scatter = useMemo(() => calibrationScatter(result), [result]);
  const axis = { stroke: colors.axis, tick: { fill: colors.muted, fontSize: 11 } };
  const domain = scatter.domain;
  const logAxis = domain
    ? { domain: [domain[0], domain[1]], ticks: logTicks(domain) }
    : { domain: ['auto', 'auto'] };
  const footer = (
    <p className="run-note">
      Median |error| {result.medianAbsErrorPct.toFixed(1)} % over{' '}
      {result.layers.filter((l) => l.fusedInto === undefined).length} layers
      {scatter.undrawable > 0
        ? ` (${scatter.undrawable} with a time of 0 are not drawn on the log axes)`
        : ''}
      . {result.note}
    </p>
  );
  return (
    <ChartFrame
      title="Predicted against measured"
      fileName="this-machine-calibration"
      height={260}
      footer={footer}
    >
      <ScatterChart margin={{ top: 8, right: 16, bottom: 18, left: 8 }}>
        <CartesianGrid stroke={colors.grid} />
        <XAxis
          type="number"
          dataKey="measuredMs"
          name="measured"
          scale="log"
          {...logAxis}
          allowDataOverflow
          tickFormatter={tickMs}
          {...axis}
          label={{
            value: 'measured per layer',
            position: 'insideBottom',
            offset: -10,
            fill: colors.muted,
            fontSize: 11,
          }}
        />
        <YAxis
          type="number"
          dataKey="predictedMs"
          name="predicted"
          scale="log"
          {...logAxis}
          allowDataOverflow
          tickFormatter={tickMs}
          width={64}
          {...axis}
          label={{ value: 'predicted', angle: -90, position: 'insideLeft', fill: colors.muted, fontSize: 11 }}
        />
        <Tooltip
          cursor={{ stroke: colors.axis }}
          formatter={(value) => (typeof value === 'number' ? `${value.toPrecision(3)} ms` : String(value))}
        />
        {/* Above the plot, as the Pareto chart's: below it, it ran over the x axis's label. */}
        <Legend verticalAlign="top" height={22} wrapperStyle={{ color: colors.text, fontSize: 12 }} />
        {domain && (
          <ReferenceLine
            segment={[
              { x: domain[0], y: domain[0] },
              { x: domain[1], y: domain[1] },
            ]}
            stroke={colors.muted}
            strokeDasharray="4 3"
            ifOverflow="extendDomain"
            label={{ value: 'y = x', fill: colors.muted, fontSize: 11, position: 'insideTopLeft' }}
          />
        )}
        {scatter.series.map((series, i) => {
          const style = seriesStyle(colors, i);
          return (
            <Scatter
              key={series.opType}
              name={series.opType}
              data={series.points as never[]}
              fill={style.color}
              shape={style.marker}
              isAnimationActive={false}
            />
          );
        })}
      </ScatterChart>
    </ChartFrame>
  );
});
