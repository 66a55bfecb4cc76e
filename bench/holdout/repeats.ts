/**
 * The prediction bench's repeats: the whole experiment (calibration timed afresh, every held-out
 * split timed afresh) is run several times in one bench run, because on this shared VM one run's
 * medians move by up to 30% minutes apart and a calibration's fit with them. Each repeat's median
 * |error| per tier is reported, and the goal is judged on the median of the repeats' figures,
 * with their range beside it.
 */
import { median } from '../../core/profiling/stats.js';
import type { TierErrorSummary } from '../../core/profiling/segment-eval.js';

/** Repeats of the experiment: CUTLINE_PREDICTION_REPEATS (1–10), 3 by default. */
export function predictionRepeats(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.CUTLINE_PREDICTION_REPEATS;
  if (text === undefined || text === '') return 3;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new Error(`CUTLINE_PREDICTION_REPEATS must be a whole number from 1 to 10, not "${text}".`);
  return n;
}

/** One figure over the repeats: their median and range. */
export interface OverRepeats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly each: readonly number[];
}

function over(values: readonly number[]): OverRepeats {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), each: values };
}

/** A method's medians of |error| (one `TierErrorSummary` per repeat) taken over the repeats. */
export interface SummaryOverRepeats {
  readonly perTier: readonly OverRepeats[];
  readonly allTiers: OverRepeats;
  readonly endToEnd: OverRepeats;
  readonly whole: OverRepeats;
}

export function overRepeats(summaries: readonly TierErrorSummary[]): SummaryOverRepeats {
  const tiers = summaries[0]?.perTier.length ?? 0;
  return {
    perTier: Array.from({ length: tiers }, (_, t) => over(summaries.map((s) => s.perTier[t]!))),
    allTiers: over(summaries.map((s) => s.allTiers)),
    endToEnd: over(summaries.map((s) => s.endToEnd)),
    whole: over(summaries.map((s) => s.whole)),
  };
}

/** The medians over repeats as one summary (what the goal is judged on). */
export function medianSummary(summary: SummaryOverRepeats): TierErrorSummary {
  return {
    perTier: summary.perTier.map((t) => t.median),
    allTiers: summary.allTiers.median,
    endToEnd: summary.endToEnd.median,
    whole: summary.whole.median,
  };
}

/** "4.1–9.8" with one decimal. */
export function rangeText(figure: OverRepeats): string {
  return `${figure.min.toFixed(1)}–${figure.max.toFixed(1)}`;
}
