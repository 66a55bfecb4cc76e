/**
 * An imported onnxruntime profile on the graph: each layer takes the median kernel time the file
 * gives its node (layers are named by their node), through the same overlay the harness's
 * measured figures use. Unlike those (a tier's time shared out by prediction) these are each
 * node's own measurement, and the metric says so.
 */
import { matchOrtProfile, type OrtProfileMatch } from '../../../core/profiling/ort-profile-match.js';
import type { OrtProfileTimes } from '../../../core/profiling/ort-profile-times.js';
import type { ModelView } from '../../../core/view/types.js';
import type { MetricDef, MetricOverlay, MetricValues } from '../overlay/overlay.js';

export const ORT_PROFILE_METRIC: MetricDef = {
  key: 'ortProfileMs',
  label: 'Measured (imported onnxruntime profile, per node)',
  unit: 'ms',
};

/**
 * The profile against the main graph's layers: what the overlay shows, and the match (its
 * `unknown` names are the file's names that are no layer here: another model's nodes, nodes ORT
 * renamed when it optimised the graph, or exporter plumbing the view folds into a layer).
 */
export function ortProfileOverlay(
  view: ModelView,
  times: OrtProfileTimes,
): { readonly overlay: MetricOverlay; readonly match: OrtProfileMatch } {
  const layers = view.layers.filter((layer) => layer.within === undefined);
  const match = matchOrtProfile(
    layers.map((layer, index) => ({ index, name: layer.id, opType: layer.op })),
    times,
  );
  const values = new Map<string, MetricValues>();
  for (const node of match.nodes)
    if (node.medianMs !== null) values.set(node.name, { [ORT_PROFILE_METRIC.key]: node.medianMs });
  return { overlay: { metrics: [ORT_PROFILE_METRIC], values }, match };
}
