/**
 * Heat colouring: a metric's value as a 0 … 1 position on a logarithmic scale over the nodes
 * on screen. Costs span orders of magnitude (a 1×1 Add next to a 3×3 Conv), so a linear scale
 * would paint all but the largest node cold.
 */
import type { MetricOverlay } from './overlay.js';

export interface HeatScale {
  readonly metric: string;
  readonly max: number;
}

export function heatScale(overlay: MetricOverlay, metric: string, nodeIds: Iterable<string>): HeatScale {
  let max = 0;
  for (const id of nodeIds) max = Math.max(max, overlay.values.get(id)?.[metric] ?? 0);
  return { metric, max };
}

/** log(1 + v) / log(1 + max); 0 when the node has no value or every value is 0. */
export function heatOf(scale: HeatScale, value: number | undefined): number {
  if (value === undefined || value <= 0 || scale.max <= 0) return 0;
  return Math.min(1, Math.log1p(value) / Math.log1p(scale.max));
}
