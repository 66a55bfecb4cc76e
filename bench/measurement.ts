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

/** What `measure-analyze.ts` reports. */
export interface AnalyzeMeasurement extends ProcessMeasurement {
  readonly nodes: number;
  readonly unknownOperators: readonly string[];
  readonly shapeErrors: number;
}

/** What `measure-ort.ts` reports. */
export interface OrtMeasurement extends ProcessMeasurement {
  /** onnxruntime-node's version, as the loaded package reports it. */
  readonly runtimeVersion: string;
}

/** Middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

export interface RunSummary {
  readonly medianMs: number;
  /** Largest peak RSS of the runs: memory barely varies, and a target should not pass on luck. */
  readonly peakRssBytes: number;
  /** Largest of (peak RSS − RSS just before the measured work). */
  readonly netRssBytes: number;
  readonly baselineRssBytes: number;
}

export function summarizeRuns(runs: readonly ProcessMeasurement[]): RunSummary | undefined {
  if (runs.length === 0) return undefined;
  return {
    medianMs: median(runs.map((r) => r.elapsedMs)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    netRssBytes: Math.max(...runs.map((r) => r.peakRssBytes - r.baselineRssBytes)),
    baselineRssBytes: median(runs.map((r) => r.baselineRssBytes)),
  };
}
