/** Roll-ups for overlays that only know layers (a profile, a latency prediction). */
import type { ModelView } from '../../../core/view/types.js';
import type { MetricOverlay, MetricValues } from './overlay.js';

/**
 * Gives every block the sum of its layers' values for each metric of `overlay`, children
 * first, so a collapsed block shows what its layers would add up to. A layer without a value
 * for a metric adds nothing to it. Block values already in `overlay` are kept.
 */
export function withBlockRollUps(overlay: MetricOverlay, view: ModelView): MetricOverlay {
  const values = new Map(overlay.values);
  const keys = overlay.metrics.map((m) => m.key);
  const byId = new Map(view.blocks.map((b) => [b.id, b]));
  const sums = new Map<string, Record<string, number>>();
  const sumOf = (blockId: string): Record<string, number> => {
    const known = sums.get(blockId);
    if (known) return known;
    const block = byId.get(blockId)!;
    const total: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    const add = (figures: MetricValues | undefined): void => {
      if (!figures) return;
      for (const k of keys) total[k] = (total[k] ?? 0) + (figures[k] ?? 0);
    };
    for (const layer of block.layers) add(overlay.values.get(layer));
    for (const child of block.blocks) add(sumOf(child));
    sums.set(blockId, total);
    return total;
  };
  for (const block of view.blocks)
    values.set(block.id, { ...sumOf(block.id), ...overlay.values.get(block.id) });
  return { metrics: overlay.metrics, values };
}
