/** The static-cost overlay: every layer's figures from the analysis, every block's roll-up. */
import type { LayerCostView, ModelView } from '../../../core/view/types.js';
import type { MetricDef, MetricOverlay, MetricValues } from './overlay.js';

export const STATIC_METRICS: readonly MetricDef[] = [
  { key: 'macs', label: 'MACs', unit: 'count' },
  { key: 'flops', label: 'FLOPs', unit: 'count' },
  { key: 'params', label: 'Parameters', unit: 'count' },
  { key: 'paramBytes', label: 'Parameter bytes', unit: 'bytes' },
  { key: 'outputBytes', label: 'Activation bytes (out)', unit: 'bytes' },
  { key: 'inputBytes', label: 'Activation bytes (in)', unit: 'bytes' },
];

export const DEFAULT_METRIC = 'macs';

const figures = (cost: LayerCostView): MetricValues => ({
  macs: cost.macs,
  flops: cost.flops,
  params: cost.params,
  paramBytes: cost.paramBytes,
  outputBytes: cost.outputBytes,
  inputBytes: cost.inputBytes,
});

/** Blocks take the view's own roll-ups (sums over every layer inside, at any depth). */
export function staticCostOverlay(view: ModelView): MetricOverlay {
  const values = new Map<string, MetricValues>();
  for (const layer of view.layers) values.set(layer.id, figures(layer.cost));
  for (const block of view.blocks) values.set(block.id, figures(block.cost));
  return { metrics: STATIC_METRICS, values };
}
