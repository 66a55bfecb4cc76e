/**
 * Which measured figure the graph shows, if any: a harness run's (each tier's time shared over
 * its layers) or an imported onnxruntime profile's (each node's own time). The time badges show
 * that metric in place of the prediction.
 */
import { MEASURED_METRIC } from './measured-overlay.js';
import { ORT_PROFILE_METRIC } from './ort-profile-overlay.js';

const MEASURED_KEYS: ReadonlySet<string> = new Set([MEASURED_METRIC.key, ORT_PROFILE_METRIC.key]);

export const selectMeasuredKey = (s: { metric: string }): string | null =>
  MEASURED_KEYS.has(s.metric) ? s.metric : null;
