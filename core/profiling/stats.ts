/** Order statistics for repeated timings: medians resist the odd run a scheduler hiccup slows. */

/** Middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid]!;
  return sorted.length % 2 === 1 ? upper : (sorted[mid - 1]! + upper) / 2;
}

/** Signed error of a prediction, percent of the measured value: `(predicted − measured) / measured · 100`. */
export function percentError(predicted: number, measured: number): number {
  return ((predicted - measured) / measured) * 100;
}

/** The value below which a share `q` (0–1) of the values lie, nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
}
