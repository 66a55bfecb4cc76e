/**
 * How long a harness run will take, roughly, before Start is pressed: the ocr detector at
 * 640×640 runs for ≈40 s, and nothing on the Run tab said so. Figured from the bundle's plan, so
 * it is only an estimate: the tiers run on this machine, not on the topology's devices.
 */

/** Starting a process per tier and loading its segment (≈3 s in the walkthrough). */
export const TIER_START_S = 3;
/** Timing this machine's layers first, when asked to (≈2.7 s for "Calibrate this machine"). */
export const CALIBRATE_S = 3;

export interface RunEstimateInput {
  /** The plan's predicted end-to-end latency of one request, ms. */
  readonly latencyMs: number;
  /** The plan's predicted pipelined throughput, requests per second. */
  readonly throughputPerS: number;
  /** Requests sent one at a time. */
  readonly runs: number;
  /** Requests sent pipelined after them; 0 for none. */
  readonly stream: number;
  readonly calibrate: boolean;
}

/**
 * Seconds the run should take: the sequential runs at the plan's latency, the stream at its
 * throughput, plus starting the tiers (and calibrating). A throughput that is not a positive
 * finite rate (a design with no busy tier or link) streams at one request per latency instead.
 */
export function runEstimateS(input: RunEstimateInput): number {
  const { latencyMs, throughputPerS, runs, stream, calibrate } = input;
  const latencyS = Math.max(0, latencyMs) / 1000;
  const perStreamedS = Number.isFinite(throughputPerS) && throughputPerS > 0 ? 1 / throughputPerS : latencyS;
  return runs * latencyS + stream * perStreamedS + TIER_START_S + (calibrate ? CALIBRATE_S : 0);
}

/**
 * The estimate as a person would say it: to 5 s under a minute, to the minute under an hour,
 * then in hours; never more precise than a guess from predictions can be.
 */
export function formatEstimate(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 57.5) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  if (seconds < 59.5 * 60) return `about ${Math.round(seconds / 60)} min`;
  const hours = Math.round(seconds / 360) / 10;
  return `about ${hours} h`;
}
