/**
 * The prediction bench's table (bench/sections/prediction.ts): its columns, a row per model and
 * tier, the medians of |error| per method (over the repeats), each repeat's medians for the new
 * method, and the per-kernel figures.
 */
import { SPLIT_TIERS, type TierErrorSummary, type TierScore } from '../../core/profiling/segment-eval.js';
import type { DeviceProfile } from '../../core/profiles/types.js';
import type { Column, SectionRow, TargetCheck } from '../section.js';
import { scoreKernels, type KernelSet } from './per-kernel.js';
import { rangeText, type OverRepeats, type SummaryOverRepeats } from './repeats.js';

/** Goal of issue 15: median |error| per tier and end to end. */
export const GOAL_PERCENT = 10;

/** A way of predicting: the device profile it gives this machine. */
export interface Method {
  readonly label: string;
  readonly profile: DeviceProfile;
}

export const COLUMNS: readonly Column[] = [
  { key: 'method', title: 'method', align: 'left' },
  { key: 'model', title: 'model', align: 'left' },
  { key: 'tier', title: 'tier', align: 'left' },
  { key: 'predicted', title: 'predicted ms' },
  { key: 'measured', title: 'measured ms' },
  { key: 'error', title: 'error %' },
  { key: 'quiet', title: 'quiet (p10) ms' },
  { key: 'quietError', title: 'vs quiet %' },
  { key: 'cpu', title: 'CPU ms' },
  { key: 'cpuError', title: 'vs CPU %' },
  { key: 'spread', title: 'repeats min–max %' },
];

const twoDecimals = (ms: number): string => ms.toFixed(2);
const signed = (percent: number): string => `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}`;

export function row(
  cells: Record<string, string>,
  figures: Record<string, unknown>,
  checks: TargetCheck[] = [],
  errors: string[] = [],
): SectionRow {
  return { cells, figures, checks, errors };
}

/** A method's scores of one model against the median runs, the quiet (p10) runs and CPU time. */
export interface ModelScores {
  readonly median: TierScore;
  readonly quiet: TierScore;
  readonly cpu: TierScore;
}

export function modelRows(method: string, model: string, { median, quiet, cpu }: ModelScores): SectionRow[] {
  type Pair = { predictedMs: number; measuredMs: number; errorPercent: number };
  const line = (tier: string, m: Pair, q: Pair, c: Pair): SectionRow =>
    row(
      {
        method,
        model,
        tier,
        predicted: twoDecimals(m.predictedMs),
        measured: twoDecimals(m.measuredMs),
        error: signed(m.errorPercent),
        quiet: twoDecimals(q.measuredMs),
        quietError: signed(q.errorPercent),
        cpu: twoDecimals(c.measuredMs),
        cpuError: signed(c.errorPercent),
      },
      {
        method,
        model,
        tier,
        predictedMs: m.predictedMs,
        measuredMs: m.measuredMs,
        errorPercent: m.errorPercent,
        quietMs: q.measuredMs,
        quietErrorPercent: q.errorPercent,
        cpuMs: c.measuredMs,
        cpuErrorPercent: c.errorPercent,
      },
    );
  const tier = (score: TierScore, t: number): Pair => ({
    predictedMs: score.predictedMs[t]!,
    measuredMs: score.measuredMs[t]!,
    errorPercent: score.errorPercent[t]!,
  });
  return [
    ...SPLIT_TIERS.map((name, t) => line(name, tier(median, t), tier(quiet, t), tier(cpu, t))),
    line('Σ tiers (end to end)', median.endToEnd, quiet.endToEnd, cpu.endToEnd),
    line('whole model', median.whole, quiet.whole, cpu.whole),
  ];
}

/** A method's medians of |error| over the held-out models, by the three measured figures. */
export interface MethodSummary {
  readonly median: TierErrorSummary;
  readonly quiet: TierErrorSummary;
  readonly cpu: TierErrorSummary;
}

export function summaryRows(
  method: string,
  summary: MethodSummary,
  isNew: boolean,
  spread: SummaryOverRepeats,
  repeats: number,
): SectionRow[] {
  const line = (
    tier: string,
    pick: (s: TierErrorSummary) => number,
    checked: boolean,
    range: OverRepeats,
  ): SectionRow => {
    const value = pick(summary.median);
    const quietValue = pick(summary.quiet);
    const cpuValue = pick(summary.cpu);
    return row(
      {
        method,
        model: repeats > 1 ? `median |err|, median of ${repeats} repeats` : 'median |err| (held out)',
        tier,
        error: value.toFixed(1),
        quietError: quietValue.toFixed(1),
        cpuError: cpuValue.toFixed(1),
        ...(repeats > 1 ? { spread: rangeText(range) } : {}),
      },
      { method, summary: 'median |error| %', tier, value, quietValue, cpuValue, repeats: range.each },
      checked
        ? [{ label: `prediction (${method}): median |error| ${tier} %`, value, limit: GOAL_PERCENT }]
        : [],
    );
  };
  return [
    ...SPLIT_TIERS.map((tier, t) => line(tier, (s) => s.perTier[t]!, isNew, spread.perTier[t]!)),
    line('all tiers pooled', (s) => s.allTiers, false, spread.allTiers),
    line('Σ tiers (end to end)', (s) => s.endToEnd, isNew, spread.endToEnd),
    line('whole model', (s) => s.whole, false, spread.whole),
  ];
}

/** Median |error| per kernel of each method over a set of models timed as the tiers run them. */
export function perKernelRows(set: string, kernels: KernelSet, methods: readonly Method[]): SectionRow[] {
  return methods.map((m) => {
    const score = scoreKernels(kernels, m.profile);
    return row(
      {
        method: m.label,
        model: `per kernel: ${set} (${score.kernels})`,
        tier: '-',
        error: score.medianAbsErrorPercent.toFixed(1),
        quietError: score.quietMedianAbsErrorPercent.toFixed(1),
      },
      { method: m.label, perKernel: set, ...score },
    );
  });
}

/** (c)'s medians of one repeat, a line per tier and end to end. */
export function repeatRows(repeat: number, summary: MethodSummary): SectionRow[] {
  const line = (tier: string, pick: (s: TierErrorSummary) => number): SectionRow =>
    row(
      {
        method: '(c) new',
        model: `median |err|, repeat ${repeat}`,
        tier,
        error: pick(summary.median).toFixed(1),
        quietError: pick(summary.quiet).toFixed(1),
        cpuError: pick(summary.cpu).toFixed(1),
      },
      {
        method: '(c) new',
        repeat,
        tier,
        value: pick(summary.median),
        quietValue: pick(summary.quiet),
        cpuValue: pick(summary.cpu),
      },
    );
  return [
    ...SPLIT_TIERS.map((tier, t) => line(tier, (s) => s.perTier[t]!)),
    line('Σ tiers (end to end)', (s) => s.endToEnd),
  ];
}
