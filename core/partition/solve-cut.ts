/**
 * Min-cut solvers with constraints and objectives layered on `solveMinCut`:
 *
 * - `min-cut` (DADS): the device and one server tier; with several server tiers, each is tried.
 * - `tiers`: every tier at once (device → edge → cloud), exact over all placements.
 *
 * Latency, energy and weighted objectives with pins are exact. A latency deadline is met by
 * Lagrangian relaxation (bisection on the weight of latency), a memory limit by a per-byte
 * penalty on the overfull tier; throughput (a bottleneck, not a sum) by multiplicative weights
 * on the pipeline stages. Those three are heuristics and the plan says so (`exact: false`).
 */
import {
  derivePins,
  describePins,
  privacyImplications,
  violationScore,
  violations,
  type Constraints,
  type PinTable,
  type Violation,
} from './constraints.js';
import { evaluatePlacement, type Evaluation } from './evaluate.js';
import { NearestMiss } from './infeasible.js';
import { isCutlineError } from '../errors.js';
import { solveSplits } from './solve-splits.js';
import { solveMinCut, type CutWeights } from './min-cut.js';
import { additiveWeights, objectiveValue, type Objective } from './objective.js';
import type { Plan } from './plan.js';
import type { PartitionProblem } from './problem.js';

const BISECTION_STEPS = 24;
const PENALTY_STEPS = 40;
const THROUGHPUT_ROUNDS = 30;

interface Attempt {
  readonly placement: Uint8Array;
  readonly evaluation: Evaluation;
  readonly broken: readonly Violation[];
}

export function solveCut(
  problem: PartitionProblem,
  solver: 'min-cut' | 'tiers',
  objective: Objective,
  constraints: Constraints,
): Plan {
  const pins = derivePins(problem, constraints);
  // The device is always allowed: inputs arrive there.
  const allowed = [...new Set([0, ...(constraints.allowedTiers ?? problem.tiers.map((_, t) => t))])].sort();
  const servers = allowed.filter((t) => t > 0);
  const tierSets =
    solver === 'tiers' || servers.length === 0 ? [allowed] : servers.map((server) => [0, server]);
  const miss = new NearestMiss();
  const failure = { heuristic: false };
  let best: Plan | null = null;
  if (objective.kind === 'throughput') {
    // The bottleneck objective is not a sum, so the cut search is a heuristic: start from the
    // exact optimum of the two-split family (a subset of every placement) and keep the better.
    try {
      const seed = solveSplits(problem, 'two-split', objective, constraints);
      best = { ...seed, solver, exact: false, notes: [`best two-split placement (${seed.notes[0]})`] };
    } catch (error) {
      if (!isCutlineError(error) || error.code !== 'INFEASIBLE') throw error;
    }
  }
  for (const tiers of tierSets) {
    // A pin outside this tier set rules the set out.
    if (pins.some((tier) => tier !== -1 && !tiers.includes(tier))) continue;
    const plan = solveOnTiers(problem, solver, objective, constraints, pins, tiers, miss, failure);
    if (
      plan &&
      (!best || objectiveValue(objective, plan.evaluation) < objectiveValue(objective, best.evaluation))
    ) {
      best = plan;
    }
  }
  if (!best) {
    const scope =
      solver === 'tiers' || servers.length === 0
        ? `the placements on ${allowed.map((t) => problem.tiers[t]).join(' + ')}`
        : `the two-tier placements (device + ${servers.map((t) => problem.tiers[t]).join(' or ')})`;
    throw miss.error(scope, describePins(problem, pins, constraints), failure.heuristic);
  }
  return best;
}

function solveOnTiers(
  problem: PartitionProblem,
  solver: 'min-cut' | 'tiers',
  objective: Objective,
  constraints: Constraints,
  pins: PinTable,
  tiers: readonly number[],
  miss: NearestMiss,
  failure: { heuristic: boolean },
): Plan | null {
  const implications = privacyImplications(problem, constraints, pins);
  const attempt = (weights: CutWeights): Attempt | null => {
    const cut = solveMinCut(problem, weights, pins, tiers, undefined, implications);
    if (!Number.isFinite(cut.value)) return null;
    const evaluation = evaluatePlacement(problem, cut.placement);
    return { placement: cut.placement, evaluation, broken: violations(problem, constraints, evaluation) };
  };
  const scope =
    solver === 'tiers'
      ? problem.tiers.filter((_, t) => tiers.includes(t)).join(' + ')
      : tiers.map((t) => problem.tiers[t]).join(' + ');
  const plan = (a: Attempt, exact: boolean, notes: string[]): Plan => ({
    solver,
    objective,
    placement: a.placement,
    evaluation: a.evaluation,
    exact,
    notes: [`min cut over every placement on ${scope}`, ...notes],
  });

  const base = additiveWeights(objective);
  if (base === null) {
    failure.heuristic = true;
    return throughputSearch(problem, attempt, miss, (a, notes) => plan(a, false, notes));
  }
  const first = attempt(base);
  if (!first) return null;
  if (first.broken.length === 0) return plan(first, true, []);

  let current = first;
  let notes: string[] = [];
  // Memory: penalise weight bytes on each overfull tier until it fits.
  const penalty = new Array<number>(problem.tiers.length).fill(0);
  const scale =
    Math.max(1e-12, objectiveValue(objective, first.evaluation)) / Math.max(1, totalWeightBytes(problem));
  for (let step = 0; step < PENALTY_STEPS && overfull(current).length > 0; step++) {
    for (const tier of overfull(current)) penalty[tier] = penalty[tier]! === 0 ? scale : penalty[tier]! * 2;
    const next = attempt({ ...base, tierWeightBytes: penalty });
    if (!next) break;
    current = next;
    notes = ['memory met by penalising weights on the overfull tier (heuristic)'];
  }
  // Deadline: raise the weight of latency until the deadline holds, keeping the cheapest that does.
  const deadline = constraints.latencyDeadlineMs;
  if (deadline !== undefined && current.evaluation.latencyMs > deadline) {
    const withLatency = (lambda: number): CutWeights => ({
      latency: base.latency + lambda,
      energy: base.energy,
      ...(penalty.some((p) => p > 0) ? { tierWeightBytes: penalty } : {}),
    });
    const scaleMs = Math.max(
      1,
      objectiveValue(objective, current.evaluation) / Math.max(current.evaluation.latencyMs, 1e-9),
    );
    let hi = scaleMs;
    let feasible: Attempt | null = null;
    for (let step = 0; step < BISECTION_STEPS && !feasible; step++, hi *= 4) {
      const a = attempt(withLatency(hi));
      if (a && a.broken.length === 0) feasible = a;
    }
    if (feasible) {
      let lo = 0;
      for (let step = 0; step < BISECTION_STEPS; step++) {
        const mid = (lo + hi) / 2;
        const a = attempt(withLatency(mid));
        if (a && a.broken.length === 0) {
          hi = mid;
          if (objectiveValue(objective, a.evaluation) < objectiveValue(objective, feasible.evaluation))
            feasible = a;
        } else lo = mid;
      }
      current = feasible;
      notes = [...notes, 'deadline met by Lagrangian relaxation on latency (heuristic)'];
    }
  }
  if (current.broken.length > 0) {
    failure.heuristic = true;
    miss.offer(violationScore(current.broken), () => current.broken);
    return null;
  }
  return plan(current, false, notes);
}

function overfull(a: Attempt): number[] {
  return a.broken.flatMap((v) => (v.tier === undefined ? [] : [v.tier]));
}

function totalWeightBytes(problem: PartitionProblem): number {
  return problem.units.reduce((s, u) => s + u.weightBytes, 0);
}

/**
 * Throughput: minimise the busiest stage. Multiplicative weights: each round solves a min cut
 * whose costs are the stages' loads weighted by how close each stage is to the bottleneck.
 */
function throughputSearch(
  problem: PartitionProblem,
  attempt: (weights: CutWeights) => Attempt | null,
  miss: NearestMiss,
  toPlan: (a: Attempt, notes: string[]) => Plan,
): Plan | null {
  const k = problem.tiers.length;
  const tierWeights = new Array<number>(k).fill(1);
  const hopWeights = Array.from({ length: k - 1 }, () => ({ up: 1, down: 1 }));
  let best: Attempt | null = null;
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    // A little latency keeps ties sensible (no pointless transfers).
    const a = attempt({ latency: 1e-6, energy: 0, tierComputeMs: tierWeights, hopBusyMs: hopWeights });
    if (!a) return null;
    if (a.broken.length === 0 && (!best || a.evaluation.periodMs < best.evaluation.periodMs)) best = a;
    if (a.broken.length > 0) miss.offer(violationScore(a.broken), () => a.broken);
    const period = Math.max(a.evaluation.periodMs, 1e-12);
    a.evaluation.computeMsPerTier.forEach(
      (ms, t) => (tierWeights[t] = tierWeights[t]! * Math.exp(ms / period)),
    );
    a.evaluation.hops.forEach((hop, h) => {
      hopWeights[h] = {
        up: hopWeights[h]!.up * Math.exp(hop.upBusyMs / period),
        down: hopWeights[h]!.down * Math.exp(hop.downBusyMs / period),
      };
    });
    const norm = Math.max(...tierWeights, ...hopWeights.flatMap((w) => [w.up, w.down]));
    for (let t = 0; t < k; t++) tierWeights[t] = tierWeights[t]! / norm;
    for (const w of hopWeights) {
      w.up /= norm;
      w.down /= norm;
    }
  }
  return best
    ? toPlan(best, ['throughput by multiplicative weights over pipeline stages (heuristic)'])
    : null;
}
