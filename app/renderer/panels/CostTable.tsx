import { memo } from 'react';
import type { MetricDef, MetricValues } from '../overlay/overlay.js';
import { formatMetric } from '../util/format.js';

/** Every overlay metric of a node (static costs now, latencies later), in the overlay's order. */
export const CostTable = memo(function CostTable({
  metrics,
  figures,
  exact = true,
  atLeast,
}: {
  metrics: readonly MetricDef[];
  figures: MetricValues | undefined;
  exact?: boolean;
  /** Metrics that are lower bounds (a data-dependent layer's time and energy): `≥` rather than `~`. */
  atLeast?: ReadonlySet<string> | undefined;
}) {
  return (
    <table className="cost-table" aria-label="Costs">
      <tbody>
        {metrics.map((metric) => {
          const value = figures?.[metric.key];
          return (
            <tr key={metric.key}>
              <th scope="row">{metric.label}</th>
              <td>
                {value === undefined
                  ? '—'
                  : atLeast?.has(metric.key)
                    ? `≥ ${formatMetric(value, metric.unit)}`
                    : formatMetric(value, metric.unit, exact)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
});
