/**
 * Scoring per-tier predictions against measured segments, the pure half (the runner that cuts
 * and times the segments is segment-eval-run.ts): a deterministic device/edge/cloud split of a
 * model, the compute each tier is predicted to take on it, and the error figures.
 *
 * The prediction goes through the code the studio and `cutline solve` use (`problemFromSource`,
 * then `evaluatePlacement`'s `computeMsPerTier`) on a topology whose three tiers are all the same
 * device profile, so any change to the predictor or to how a placement is evaluated (a cost per
 * segment, fusions) shows in these figures without a change here.
 */
import { evaluatePlacement } from '../partition/evaluate.js';
import { chainPlacement } from '../partition/cut-lines.js';
import type { Placement } from '../partition/placement.js';
import { problemFromSource } from '../partition/problem-from-source.js';
import type { PartitionSource } from '../partition/source-types.js';
import type { DeviceProfile, LinkProfile, Topology } from '../profiles/types.js';
import type { TierName } from '../tiers.js';
import { median, percentError } from './stats.js';

export const SPLIT_TIERS: readonly TierName[] = ['device', 'edge', 'cloud'];

/**
 * A link that costs nothing measurable: every tier here is this machine, and only compute is
 * scored, so transfers must not weigh on anything the evaluation reports per tier.
 */
const SAME_HOST_LINK: LinkProfile = {
  id: 'same-host',
  name: 'Same host (no transfer cost)',
  uplinkMbps: 1e9,
  downlinkMbps: 1e9,
  rttMs: 1e-6,
  sources: { uplinkMbps: 'every tier runs on this machine; transfers are not scored' },
};

/** Device, edge and cloud all running `device`, joined by cost-free links. */
export function sameDeviceTopology(device: DeviceProfile): Topology {
  return {
    spec: {
      id: `three-tiers-${device.id}`,
      name: `Device, edge and cloud all ${device.name}`,
      tiers: SPLIT_TIERS.map((name) => ({ name, device: device.id })),
      links: SPLIT_TIERS.slice(1).map((to, h) => ({ from: SPLIT_TIERS[h]!, to, link: SAME_HOST_LINK.id })),
    },
    tiers: SPLIT_TIERS.map((name) => ({ name, device, precision: 'fp32' as const })),
    hops: SPLIT_TIERS.slice(1).map(() => SAME_HOST_LINK),
  };
}

/**
 * Cuts of a chain placement along the units' topological order that share `unitMs` (each unit's
 * cost on a reference profile) as evenly as the units allow: cut h falls after the first unit
 * whose running total reaches (h + 1) / tiers of the whole, and every tier keeps at least one
 * unit. Deterministic, and independent of the method being scored when `unitMs` comes from a
 * fixed profile.
 *
 * @throws RangeError with fewer units than tiers.
 */
export function balancedCuts(unitMs: readonly number[], tiers: number = SPLIT_TIERS.length): number[] {
  const n = unitMs.length;
  if (n < tiers)
    throw new RangeError(`A ${tiers}-tier split needs at least ${tiers} layers; the model has ${n}.`);
  const total = unitMs.reduce((sum, ms) => sum + ms, 0);
  const cuts: number[] = [];
  let running = 0;
  let u = 0;
  for (let h = 0; h < tiers - 1; h++) {
    const target = (total * (h + 1)) / tiers;
    while (u < n && running < target) running += unitMs[u++]!;
    // At least one unit on this tier and on each tier after it.
    const lowest = (cuts[h - 1] ?? 0) + 1;
    const highest = n - (tiers - 1 - h);
    cuts.push(Math.min(highest, Math.max(lowest, u)));
    while (u < cuts[h]!) running += unitMs[u++]!;
  }
  return cuts;
}

/** The three-tier chain split of a model: its cuts and the placement they give. */
export interface TierSplit {
  readonly cuts: readonly number[];
  readonly placement: Placement;
}

/** The balanced split of `source` (see `balancedCuts`), costed on `reference`. */
export function balancedSplit(source: PartitionSource, reference: DeviceProfile): TierSplit {
  const problem = problemFromSource(source, sameDeviceTopology(reference));
  const k = problem.tiers.length;
  const unitMs = source.units.map((_, u) => problem.computeMs[u * k]!);
  const cuts = balancedCuts(unitMs, k);
  return { cuts, placement: chainPlacement(source.units.length, cuts) };
}

/** Predicted compute per tier of `placement`, and of the whole model on one tier, ms. */
export interface TierPrediction {
  readonly tierMs: readonly number[];
  readonly wholeMs: number;
}

/** What `evaluatePlacement` reports for each tier's compute when every tier is `device`. */
export function predictTiers(
  source: PartitionSource,
  device: DeviceProfile,
  placement: Placement,
): TierPrediction {
  const problem = problemFromSource(source, sameDeviceTopology(device));
  const whole = new Uint8Array(source.units.length);
  return {
    tierMs: evaluatePlacement(problem, placement).computeMsPerTier,
    wholeMs: evaluatePlacement(problem, whole).computeMsPerTier[0]!,
  };
}

/** One model's predicted and measured compute per tier, with the signed errors, %. */
export interface TierScore {
  readonly predictedMs: readonly number[];
  readonly measuredMs: readonly number[];
  readonly errorPercent: readonly number[];
  /** Σ over the tiers: the compute part of one inference's latency through the split. */
  readonly endToEnd: {
    readonly predictedMs: number;
    readonly measuredMs: number;
    readonly errorPercent: number;
  };
  /** The whole model as one session, predicted with every layer on one tier. */
  readonly whole: {
    readonly predictedMs: number;
    readonly measuredMs: number;
    readonly errorPercent: number;
  };
}

/** Scores a prediction against the measured split (per tier, Σ tiers, and the whole model). */
export function scoreTiers(
  predicted: TierPrediction,
  measured: { readonly tierMs: readonly number[]; readonly wholeMs: number },
): TierScore {
  if (predicted.tierMs.length !== measured.tierMs.length)
    throw new RangeError(
      `${predicted.tierMs.length} predicted tiers against ${measured.tierMs.length} measured.`,
    );
  const sum = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0);
  const pair = (p: number, m: number) => ({
    predictedMs: p,
    measuredMs: m,
    errorPercent: percentError(p, m),
  });
  return {
    predictedMs: predicted.tierMs,
    measuredMs: measured.tierMs,
    errorPercent: predicted.tierMs.map((p, t) => percentError(p, measured.tierMs[t]!)),
    endToEnd: pair(sum(predicted.tierMs), sum(measured.tierMs)),
    whole: pair(predicted.wholeMs, measured.wholeMs),
  };
}

/** Median |error| over models: per tier (each tier pooled over the models), Σ tiers and whole. */
export interface TierErrorSummary {
  readonly perTier: readonly number[];
  /** Every tier of every model together. */
  readonly allTiers: number;
  readonly endToEnd: number;
  readonly whole: number;
}

export function summarizeTierScores(scores: readonly TierScore[]): TierErrorSummary {
  const abs = (values: readonly number[]): number[] => values.map(Math.abs);
  const tiers = scores[0]?.errorPercent.length ?? 0;
  return {
    perTier: Array.from({ length: tiers }, (_, t) => median(abs(scores.map((s) => s.errorPercent[t]!)))),
    allTiers: median(abs(scores.flatMap((s) => s.errorPercent))),
    endToEnd: median(abs(scores.map((s) => s.endToEnd.errorPercent))),
    whole: median(abs(scores.map((s) => s.whole.errorPercent))),
  };
}

/** True when every per-tier median and the end-to-end median are within `limitPercent`. */
export function meetsGoal(summary: TierErrorSummary, limitPercent: number): boolean {
  return summary.perTier.every((e) => e <= limitPercent) && summary.endToEnd <= limitPercent;
}
