/**
 * Measured figures on the graph. The harness measures compute per tier, not per layer (a tier
 * runs its segments as whole onnxruntime sessions), so each tier's measured time is shared out
 * over the layers the bundle put on it in proportion to their predicted time there. A layer's
 * value is an apportioned share of a measurement, and the metric's label says so.
 */
import type { Placement } from '../../../core/partition/placement.js';
import type { ModelView } from '../../../core/view/types.js';
import type { DesignProblem } from '../design/figures.js';
import type { MetricDef, MetricOverlay, MetricValues } from '../overlay/overlay.js';
import { withBlockRollUps } from '../overlay/roll-up.js';

export const MEASURED_METRIC: MetricDef = {
  key: 'measuredTierShareMs',
  label: "Measured (its tier's time, shared by prediction)",
  unit: 'ms',
};

/**
 * Layer id → its share of its tier's measured compute: `measured[t] · predicted(layer) /
 * Σ predicted(layers on t)`, or an equal share when every layer on t is predicted at 0. Tiers
 * with no measurement (null) leave their layers out. Blocks get their layers' sums.
 */
export function measuredOverlay(
  view: ModelView,
  built: DesignProblem,
  placement: Placement,
  measuredMsPerTier: readonly (number | null)[],
): MetricOverlay {
  const { problem, unitOf } = built;
  const k = problem.tiers.length;
  const predictedSum = new Array<number>(k).fill(0);
  const layerCount = new Array<number>(k).fill(0);
  const placed: { id: string; tier: number; predictedMs: number }[] = [];
  for (const layer of view.layers) {
    const unit = unitOf.get(layer.id);
    if (unit === undefined) continue;
    const tier = placement[unit]!;
    const predictedMs = problem.computeMs[unit * k + tier]!;
    predictedSum[tier]! += predictedMs;
    layerCount[tier]!++;
    placed.push({ id: layer.id, tier, predictedMs });
  }
  const values = new Map<string, MetricValues>();
  for (const { id, tier, predictedMs } of placed) {
    const measured = measuredMsPerTier[tier];
    if (measured === null || measured === undefined) continue;
    const share = predictedSum[tier]! > 0 ? predictedMs / predictedSum[tier]! : 1 / layerCount[tier]!;
    values.set(id, { [MEASURED_METRIC.key]: measured * share });
  }
  return withBlockRollUps({ metrics: [MEASURED_METRIC], values }, view);
}
