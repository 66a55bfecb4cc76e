import { formatMj, formatMs } from '../util/format.js';
import { ChartMarker } from './ChartMarker.js';
import type { ChartColors, SeriesStyle } from './chart-theme.js';
import { signedDelta, type ParetoChartData, type ParetoChartPoint } from './pareto-data.js';
import { paretoStyles } from './ParetoChart.js';

export interface ParetoTableProps {
  readonly data: ParetoChartData;
  readonly colors: ChartColors;
  readonly interactive: boolean;
  readonly onPreview: (point: ParetoChartPoint | null) => void;
  readonly onApply: (point: ParetoChartPoint) => void;
}

/** The chart's points as rows, for the keyboard and for exact figures: focus previews, Apply applies. */
export function ParetoTable({ data, colors, interactive, onPreview, onApply }: ParetoTableProps) {
  const styles = paretoStyles(data, colors);
  const rows: { point: ParetoChartPoint; style: SeriesStyle }[] = [
    { point: data.current, style: styles.current },
    ...data.suggestions.map((point, i) => ({ point, style: styles.suggestion(i) })),
    ...data.front.map((point) => ({ point, style: styles.front })),
  ];
  const base = data.current;
  return (
    <div className="chart-table-wrap">
      <table className="chart-table" aria-label="Pareto points">
        <thead>
          <tr>
            <th scope="col">Point</th>
            <th scope="col">Latency</th>
            <th scope="col">Device energy</th>
            <th scope="col" title="Layers on the device">
              On device
            </th>
            <th
              scope="col"
              title="exact: proved optimal by its solver; heuristic: a solver's best effort, not proved; now: the design as it is"
            >
              Found
            </th>
            <th scope="col">
              <span className="visually-hidden">Apply</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ point, style }) => {
            const canApply = interactive && point.kind !== 'current';
            return (
              <tr
                key={point.id}
                data-point={point.id}
                data-applied={point.applied || undefined}
                onMouseEnter={canApply ? () => onPreview(point) : undefined}
                onMouseLeave={canApply ? () => onPreview(null) : undefined}
              >
                <th scope="row">
                  <span className="chart-key">
                    <svg width="14" height="14" aria-hidden="true">
                      <ChartMarker
                        cx={7}
                        cy={7}
                        style={style}
                        filled={point.exact !== false}
                        background={colors.background}
                        size={48}
                      />
                    </svg>
                    {point.name}
                  </span>
                </th>
                <td className="num" data-value={point.latencyMs}>
                  {formatMs(point.latencyMs)}
                  {point.kind !== 'current' && (
                    <span className="muted"> {signedDelta(point.latencyMs, base.latencyMs, formatMs)}</span>
                  )}
                </td>
                <td className="num" data-value={point.deviceEnergyMj}>
                  {formatMj(point.deviceEnergyMj)}
                  {point.kind !== 'current' && (
                    <span className="muted">
                      {' '}
                      {signedDelta(point.deviceEnergyMj, base.deviceEnergyMj, formatMj)}
                    </span>
                  )}
                </td>
                <td className="num">{point.deviceLayers}</td>
                <td title={point.notes.join('\n') || undefined}>
                  {point.exact === null ? 'now' : point.exact ? 'exact' : 'heuristic'}
                </td>
                <td>
                  {point.kind !== 'current' && (
                    <button
                      type="button"
                      disabled={!canApply || point.applied}
                      aria-label={`Apply ${point.name}`}
                      title={
                        point.applied ? 'This is the design now' : `${point.applyLabel} (undo with Ctrl+Z)`
                      }
                      onFocus={canApply ? () => onPreview(point) : undefined}
                      onBlur={canApply ? () => onPreview(null) : undefined}
                      onClick={() => onApply(point)}
                    >
                      Apply
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
