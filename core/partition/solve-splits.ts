/**
 * Best placement within the split families (Neurosurgeon's single split, RoaD-RuNNer's two
 * splits, the device → edge → cloud chain) for any objective, throughput included, under every
 * constraint. Exact over the family searched: each candidate's figures are computed incrementally;
 * memory (which needs peak activations) is checked on a full evaluation whenever a candidate would
 * become the new best.
 */
import {
  derivePins,
  describePins,
  formatMiB,
  memoryLimits,
  violationScore,
  violations,
  type Constraints,
  type PinTable,
  type Violation,
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
  // Without a server tier the only placement is everything on the device.
  if (servers.length === 0)
    return { families: [{ kind: 'single', server: 0 }], positions: [], complete: true };
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

/** The K best candidates seen, by (objective, latency). */
class Shortlist {
  readonly items: { value: number; latency: number; candidate: SplitCandidate }[] = [];
  constructor(private readonly capacity: number) {}

  /** Whether a candidate with this key would enter. */
  admits(value: number, latency: number): boolean {
    if (this.items.length < this.capacity) return true;
    const last = this.items[this.items.length - 1]!;
    return value < last.value || (value === last.value && latency < last.latency);
  }

  add(value: number, latency: number, candidate: SplitCandidate): void {
    let at = this.items.length;
    while (at > 0 && !before(this.items[at - 1]!, value, latency)) at--;
    this.items.splice(at, 0, { value, latency, candidate });
    if (this.items.length > this.capacity) this.items.pop();
  }
}

const before = (item: { value: number; latency: number }, value: number, latency: number): boolean =>
  item.value < value || (item.value === value && item.latency <= latency);

/**
 * The best candidate of the family under the constraints. The enumeration checks what the
 * figures give at once (pins, deadline, weights per tier) and keeps a shortlist of the best; the
 * shortlist is then checked in order on full evaluations (peak activations need the whole
 * placement). If every shortlisted candidate breaks the memory limit, the search runs again past
 * them with a longer list, so the answer stays exact.
 */
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
  let searched: number;
  // Candidates strictly better than this key were all shortlisted and failed: later passes skip
  // them (ties with it may not all have fit, so they are looked at again).
  let floor: { value: number; latency: number } | null = null;

  for (let capacity = 8; ; capacity *= 4) {
    const shortlist = new Shortlist(capacity);
    searched = 0;
    for (const family of families) {
      searched += enumerateSplits(problem, family.kind, family.server, positions, (candidate, figures) => {
        if (!candidateKeepsPins(pinCheck, candidate, n)) return;
        const value = splitObjective(objective, figures);
        const latency = figures.latencyMs();
        if (floor && (value < floor.value || (value === floor.value && latency < floor.latency))) return;
        if (!shortlist.admits(value, latency)) return;
        let score = Math.max(0, latency - deadline) / Math.max(deadline, 1e-9);
        for (let t = 0; t < limits.length; t++) {
          score += Math.max(0, figures.weightBytes(t) - limits[t]!) / Math.max(limits[t]!, 1);
        }
        if (score > 0) {
          miss.offer(score, () => cheapViolations(problem, deadline, limits, latency, figures));
          return;
        }
        shortlist.add(value, latency, candidate);
      });
    }
    for (const item of shortlist.items) {
      const placement = splitPlacement(problem, item.candidate);
      const evaluation = evaluatePlacement(problem, placement);
      const broken = violations(problem, constraints, evaluation);
      if (broken.length > 0) {
        miss.offer(violationScore(broken), () => broken);
        continue;
      }
      const how = complete
        ? ''
        : ` over ${positions.length} block-boundary cut positions (not every position: the model has ${n} layers)`;
      return {
        solver,
        objective,
        placement,
        evaluation,
        exact: complete,
        notes: [describeCandidate(problem, item.candidate), `searched ${searched} candidates${how}`],
      };
    }
    if (shortlist.items.length < capacity) break;
    floor = shortlist.items[shortlist.items.length - 1]!;
  }
  throw miss.error(
    `the ${searched} ${solver === 'single-split' ? 'single splits' : 'two-split placements'}`,
    describePins(problem, pins, constraints),
  );
}

/** What the figures alone show a candidate breaking: the deadline and weights per tier. */
function cheapViolations(
  problem: PartitionProblem,
  deadline: number,
  limits: readonly number[],
  latency: number,
  figures: SplitFigures,
): Violation[] {
  const found: Violation[] = [];
  limits.forEach((limit, tier) => {
    const weights = figures.weightBytes(tier);
    if (weights > limit) {
      found.push({
        constraint: `memory on the ${problem.tiers[tier]}`,
        tier,
        excess: weights - limit,
        relativeExcess: (weights - limit) / Math.max(limit, 1),
        message: `needs ${formatMiB(weights)} for weights alone, ${formatMiB(weights - limit)} over its ${formatMiB(limit)}`,
      });
    }
  });
  if (latency > deadline) {
    found.push({
      constraint: 'latency deadline',
      excess: latency - deadline,
      relativeExcess: (latency - deadline) / Math.max(deadline, 1e-9),
      message: `takes ${latency.toFixed(2)} ms, ${(latency - deadline).toFixed(2)} ms over the ${deadline} ms deadline`,
    });
  }
  return found;
}

export function describeCandidate(problem: PartitionProblem, c: SplitCandidate): string {
  const n = problem.units.length;
  const tier = (t: number): string => problem.tiers[t]!;
  const segments: { tier: number; from: number; to: number }[] = [
    { tier: 0, from: 0, to: c.i },
    { tier: c.server, from: c.i, to: c.j },
    ...(c.kind === 'single' ? [] : [{ tier: c.kind === 'return' ? 0 : 2, from: c.j, to: n }]),
  ]
    .filter((s) => s.to > s.from)
    // An empty middle leaves two device segments side by side: one segment.
    .reduce<{ tier: number; from: number; to: number }[]>((merged, s) => {
      const last = merged[merged.length - 1];
      if (last && last.tier === s.tier) last.to = s.to;
      else merged.push({ ...s });
      return merged;
    }, []);
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
