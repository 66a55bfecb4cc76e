/** Figures one measured child process reports, and how repeated runs are summarised. */

export interface ProcessMeasurement {
  readonly elapsedMs: number;
  /** Resident set after start-up and module loading, just before the measured work. */
  readonly baselineRssBytes: number;
  /** Peak resident set reached during start-up, before the measured work. */
  readonly startupPeakRssBytes: number;
  /** Peak resident set of the whole process (getrusage maxRSS), after the measured work. */
  readonly peakRssBytes: number;
}

/** Middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The run with the median time, so its time and memory figures come from the same run. */
export function medianRun<T extends ProcessMeasurement>(runs: readonly T[]): T | undefined {
  const sorted = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
