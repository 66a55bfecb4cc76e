/**
 * The calibration scatter's data: per layer, the fitted profile's predicted time against the
 * measured one, on log axes (layer times span orders of magnitude), with the y = x line across
 * the same span. A time of 0 cannot sit on a log axis; such layers are counted, not drawn.
 */
import type { ProfileResult } from '../../shared/studio-api.js';

export interface CalibrationPoint {
  readonly name: string;
  readonly opType: string;
  readonly measuredMs: number;
  readonly predictedMs: number;
}

export interface CalibrationScatter {
  /** Points by op type, most frequent first (the series of the chart). */
  readonly series: readonly { readonly opType: string; readonly points: readonly CalibrationPoint[] }[];
  /** Both axes' span, whole powers of ten around every drawn point; null when none can be drawn. */
  readonly domain: readonly [number, number] | null;
  /** Layers left out because a time was 0 (or not finite). */
  readonly undrawable: number;
}

/** Op types beyond this many are drawn together as "other", so the legend stays readable. */
export const MAX_OP_SERIES = 5;

export function calibrationScatter(result: ProfileResult): CalibrationScatter {
  // A fused layer has no times of its own (its anchor's point carries them): not a point at all.
  const layers = result.layers.filter((l) => l.fusedInto === undefined);
  const drawable = layers.filter(
    (l) =>
      l.measuredMs > 0 &&
      l.predictedMs > 0 &&
      Number.isFinite(l.measuredMs) &&
      Number.isFinite(l.predictedMs),
  );
  const counts = new Map<string, number>();
  for (const l of drawable) counts.set(l.opType, (counts.get(l.opType) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = new Set(
    ranked.slice(0, ranked.length > MAX_OP_SERIES ? MAX_OP_SERIES - 1 : MAX_OP_SERIES).map(([op]) => op),
  );
  const groups = new Map<string, CalibrationPoint[]>();
  for (const l of drawable) {
    const key = named.has(l.opType) ? l.opType : 'other';
    const group = groups.get(key);
    if (group) group.push(l);
    else groups.set(key, [l]);
  }
  const order = [...ranked.map(([op]) => op).filter((op) => named.has(op)), 'other'];
  const series = order.flatMap((opType) => {
    const points = groups.get(opType);
    return points ? [{ opType, points }] : [];
  });
  let domain: [number, number] | null = null;
  if (drawable.length > 0) {
    const all = drawable.flatMap((l) => [l.measuredMs, l.predictedMs]);
    domain = [10 ** Math.floor(Math.log10(Math.min(...all))), 10 ** Math.ceil(Math.log10(Math.max(...all)))];
    if (domain[0] === domain[1]) domain = [domain[0], domain[1] * 10];
  }
  return { series, domain, undrawable: layers.length - drawable.length };
}

/** Ticks for a log axis over `domain` (whole powers of ten): each decade, and 3× between when few. */
export function logTicks(domain: readonly [number, number]): number[] {
  const from = Math.round(Math.log10(domain[0]));
  const to = Math.round(Math.log10(domain[1]));
  const ticks: number[] = [];
  for (let e = from; e <= to; e++) {
    ticks.push(10 ** e);
    if (to - from <= 4 && e < to) ticks.push(3 * 10 ** e);
  }
  // 10 ** -3 is 0.0010000000000000002 in floating point: round to the digits that matter.
  return ticks.map((t) => Number(t.toPrecision(3)));
}
