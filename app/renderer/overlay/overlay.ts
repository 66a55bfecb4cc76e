/**
 * The one keyed overlay every per-node figure reaches the graph through: node id (layer or
 * block) → metric → value. Static costs fill it now; predicted or measured latencies later add
 * their metrics to the same map, so badges, heat colouring and roll-ups treat them alike.
 */
export type MetricUnit = 'count' | 'bytes' | 'ms' | 'mJ';

export interface MetricDef {
  readonly key: string;
  readonly label: string;
  readonly unit: MetricUnit;
}

export type MetricValues = Readonly<Record<string, number>>;

export interface MetricOverlay {
  readonly metrics: readonly MetricDef[];
  readonly values: ReadonlyMap<string, MetricValues>;
}

export const EMPTY_OVERLAY: MetricOverlay = { metrics: [], values: new Map() };

/**
 * Adds `extra`'s metrics and values to `base`; a metric `extra` defines replaces the one of
 * the same key. Returns `base` itself when `extra` is empty.
 */
export function mergeOverlays(base: MetricOverlay, extra: MetricOverlay): MetricOverlay {
  if (extra.metrics.length === 0) return base;
  const keys = new Set(extra.metrics.map((m) => m.key));
  const metrics = [...base.metrics.filter((m) => !keys.has(m.key)), ...extra.metrics];
  const values = new Map(base.values);
  for (const [id, figures] of extra.values) values.set(id, { ...values.get(id), ...figures });
  return { metrics, values };
}

export function metricDef(overlay: MetricOverlay, key: string): MetricDef | undefined {
  return overlay.metrics.find((m) => m.key === key);
}
