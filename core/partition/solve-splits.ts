/**
 * Best placement within the split families (Neurosurgeon's single split, RoaD-RuNNer's two
 * splits, the device → edge → cloud chain) for any objective, throughput included, under every
 * constraint. Exact over the family searched: each candidate's figures are computed incrementally;
 * memory (which needs peak activations) is checked on a full evaluation whenever a candidate would
 * become the new best.
 */
import {
  derivePins,
  memoryLimits,
  violationScore,
  violations,
  type Constraints,
  type PinTable,
} from './constraints.js';
import { evaluatePlacement } from './evaluate.js';
import { NearestMiss } from './infeasible.js';
import { additiveWeights, type Objective } from './objective.js';
import type { Plan } from './plan.js';
import type { PartitionProblem } from './problem.js';
import type { SplitFigures } from './split-metrics.js';
import {
  blockBoundaries,
  enumerateSplits,
  splitPlacement,
  type SplitCandidate,
  type SplitKind,
} from './splits.js';

export interface SplitSearchOptions {
  /** Most cut positions tried per split for two-split families (default 2,001). */
  readonly maxCutPositions?: number;
}

/** The families a solver searches, with the cut positions to try. */
export function splitFamilies(
  problem: PartitionProblem,
  solver: 'single-split' | 'two-split',
  constraints: Constraints,
  options: SplitSearchOptions = {},
): { families: { kind: SplitKind; server: number }[]; positions: number[]; complete: boolean } {
  const k = problem.tiers.length;
  const n = problem.units.length;
  const allowed = new Set(constraints.allowedTiers ?? problem.tiers.map((_, t) => t));
  const servers = problem.tiers.map((_, t) => t).filter((t) => t > 0 && allowed.has(t));
  const all = Array.from({ length: n + 1 }, (_, i) => i);
  if (solver === 'single-split') {
    return {
      families: servers.map((server) => ({ kind: 'single', server })),
      positions: all,
      complete: true,
    };
  }
  const families: { kind: SplitKind; server: number }[] = servers.map((server) => ({
    kind: 'return',
    server,
  }));
  if (k === 3 && allowed.has(1) && allowed.has(2)) families.push({ kind: 'tiered', server: 1 });
  const limit = options.maxCutPositions ?? 2001;
  if (n + 1 <= limit) return { families, positions: all, complete: true };
  const { positions, complete } = blockBoundaries(problem, limit);
  return { families, positions, complete };
}

/** Pin check per segment in O(1): `notOn[t][i]` counts units in [0, i) pinned off tier t. */
export function segmentPinCheck(
  problem: PartitionProblem,
  pins: PinTable,
): (tier: number, a: number, b: number) => boolean {
  const n = problem.units.length;
  const notOn = problem.tiers.map((_, t) => {
    const counts = new Int32Array(n + 1);
    for (let u = 0; u < n; u++) counts[u + 1] = counts[u]! + (pins[u] !== -1 && pins[u] !== t ? 1 : 0);
    return counts;
  });
  return (tier, a, b) => b <= a || notOn[tier]![b]! - notOn[tier]![a]! === 0;
}

export function candidateKeepsPins(
  check: (tier: number, a: number, b: number) => boolean,
  candidate: SplitCandidate,
  n: number,
): boolean {
  const { kind, i, j, server } = candidate;
  if (!check(0, 0, i)) return false;
  if (kind === 'single') return check(server, i, n);
  return check(server, i, j) && check(kind === 'return' ? 0 : 2, j, n);
}

/** The objective of a candidate from its figures. */
export function splitObjective(objective: Objective, figures: SplitFigures): number {
  const weights = additiveWeights(objective);
  if (weights === null) return figures.periodMs();
  return (
    (weights.latency ? weights.latency * figures.latencyMs() : 0) +
    (weights.energy ? weights.energy * figures.deviceEnergyMj() : 0)
  );
}

export function solveSplits(
  problem: PartitionProblem,
  solver: 'single-split' | 'two-split',
  objective: Objective,
  constraints: Constraints,
  options: SplitSearchOptions = {},
): Plan {
  const pins = derivePins(problem, constraints);
  const pinCheck = segmentPinCheck(problem, pins);
  const limits = memoryLimits(problem, constraints);
  const deadline = constraints.latencyDeadlineMs ?? Infinity;
  const { families, positions, complete } = splitFamilies(problem, solver, constraints, options);
  const n = problem.units.length;
  const miss = new NearestMiss();
  let best: { value: number; latency: number; plan: Plan } | null = null;
  let searched = 0;

  for (const family of families) {
    searched += enumerateSplits(problem, family.kind, family.server, positions, (candidate, figures) => {
      if (!candidateKeepsPins(pinCheck, candidate, n)) return;
      const value = splitObjective(objective, figures);
      const latency = figures.latencyMs();
      if (best && (value > best.value || (value === best.value && latency >= best.latency))) return;
      // Cheap bounds first: the deadline and the weights per tier (activations only add to them).
      let score = Math.max(0, latency - deadline) / deadline;
      for (let t = 0; t < limits.length; t++) {
        score += Math.max(0, figures.weightBytes(t) - limits[t]!) / limits[t]!;
      }
      const placement = splitPlacement(problem, candidate);
      if (score > 0) {
        miss.offer(score, () => violations(problem, constraints, evaluatePlacement(problem, placement)));
        return;
      }
      const evaluation = evaluatePlacement(problem, placement);
      const broken = violations(problem, constraints, evaluation);
      if (broken.length > 0) {
        miss.offer(violationScore(problem, constraints, broken), () => broken);
        return;
      }
      best = {
        value,
        latency,
        plan: {
          solver,
          objective,
          placement,
          evaluation,
          exact: complete,
          notes: [describeCandidate(problem, candidate)],
        },
      };
    });
  }
  const found = best as { plan: Plan } | null;
  if (!found)
    throw miss.error(
      `the ${searched} ${solver === 'single-split' ? 'single splits' : 'two-split placements'}`,
    );
  const notes = [
    ...found.plan.notes,
    `searched ${searched} candidates${complete ? '' : ` over ${positions.length} block-boundary cut positions (not every position: the model has ${n} layers)`}`,
  ];
  return { ...found.plan, notes };
}

export function describeCandidate(problem: PartitionProblem, c: SplitCandidate): string {
  const n = problem.units.length;
  const tier = (t: number): string => problem.tiers[t]!;
  const segments: { tier: number; from: number; to: number }[] = [
    { tier: 0, from: 0, to: c.i },
    { tier: c.server, from: c.i, to: c.j },
    ...(c.kind === 'single' ? [] : [{ tier: c.kind === 'return' ? 0 : 2, from: c.j, to: n }]),
  ].filter((s) => s.to > s.from);
  if (segments.length === 1) return `everything on the ${tier(segments[0]!.tier)}`;
  return segments
    .map((s) => {
      const count = s.to - s.from;
      const span =
        count === 1
          ? `"${problem.units[s.from]!.name}"`
          : `"${problem.units[s.from]!.name}" … "${problem.units[s.to - 1]!.name}"`;
      return `${tier(s.tier)}: ${span} (${count} layer${count === 1 ? '' : 's'})`;
    })
    .join(' → ');
}
