/**
 * The predicted overlay: every layer's compute time on the tier the design puts it on, and the
 * device energy it costs (active power on the device, idle power while another tier runs it),
 * from the same partition problem the live figures evaluate. Blocks roll up. Heat colouring,
 * badges and the details panel read it like the static costs.
 */
import type { ModelView } from '../../../core/view/types.js';
import type { DesignProblem } from '../design/figures.js';
import type { Placement } from '../../../core/partition/placement.js';
import type { MetricDef, MetricOverlay, MetricValues } from './overlay.js';
import { withBlockRollUps } from './roll-up.js';

export const PREDICTED_METRICS: readonly MetricDef[] = [
  { key: 'predictedMs', label: 'Predicted time (its tier)', unit: 'ms' },
  { key: 'deviceEnergyMj', label: 'Device energy', unit: 'mJ' },
];

export function predictedOverlay(view: ModelView, built: DesignProblem, placement: Placement): MetricOverlay {
  const { problem, unitOf } = built;
  const k = problem.tiers.length;
  const values = new Map<string, MetricValues>();
  for (const layer of view.layers) {
    const unit = unitOf.get(layer.id);
    if (unit === undefined) continue;
    const cell = unit * k + placement[unit]!;
    values.set(layer.id, {
      predictedMs: problem.computeMs[cell]!,
      deviceEnergyMj: problem.computeEnergyMj[cell]!,
    });
  }
  return withBlockRollUps({ metrics: PREDICTED_METRICS, values }, view);
}
