/**
 * Pareto front of end-to-end latency × device energy (optionally × bytes over the WAN).
 *
 * Two sources, merged and filtered for dominance:
 * - the split families (single, two-split, device → edge → cloud chain), enumerated exhaustively:
 *   their front is exact over those families (RoaD-RuNNer enumerates (i, j) the same way);
 * - the supported points over ALL placements: vertices of the front's convex hull, found by
 *   weighted min cuts (each exact) with the non-inferior set estimation recursion: between two
 *   hull points A and B, minimise (E_A − E_B)·latency + (L_B − L_A)·energy; a point below the
 *   segment is a new vertex.
 * Points of the full DAG front that lie inside the hull and outside the split families can be
 * missing; the tests measure how often against brute force.
 */
import {
  derivePins,
  memoryLimits,
  privacyImplications,
  violations,
  type Constraints,
} from './constraints.js';
import { evaluatePlacement } from './evaluate.js';
import { exactFront } from './pareto-exact.js';
import { solveMinCut } from './min-cut.js';
import type { Plan } from './plan.js';
import type { PartitionProblem } from './problem.js';
import { candidateKeepsPins, describeCandidate, segmentPinCheck, splitFamilies } from './solve-splits.js';
import { enumerateSplits, splitPlacement } from './splits.js';

export type ParetoAxis = 'latency' | 'energy' | 'wan';

export interface ParetoOptions {
  readonly axes?: readonly ParetoAxis[];
  /** Most weighted min cuts for the hull (default 64). */
  readonly maxCuts?: number;
  /**
   * Work budget of the exact front search, in min cuts × (units + tensors) (default 1.5·10⁵:
   * about 750 cuts on a 100-layer model). Ranking needs a cut per layer for each placement it
   * ranks, so the search is skipped when the budget cannot rank a few; 0 always skips it.
   */
  readonly exactWork?: number;
  readonly maxCutPositions?: number;
}

export interface ParetoPoint {
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly wanBytes: number;
  /** Where the point came from: a split family or the min-cut hull. */
  readonly source: 'single' | 'return' | 'tiered' | 'hull' | 'ranked';
  readonly plan: Plan;
}

export interface ParetoFront {
  /** Non-dominated points, by ascending latency. */
  readonly points: readonly ParetoPoint[];
  /** True when the front is proven to be the front over every placement (latency × energy only). */
  readonly exact: boolean;
  readonly notes: readonly string[];
}

type Coords = readonly [number, number, number];

/**
 * Figures equal to ~9 significant digits are the same, as the exact search (pareto-exact.ts)
 * counts them: sums of a dozen energies in another order leave dust of ~1e-12 relative, and at
 * 1e-12 a placement 300× slower survived beside an equal-energy one, its energy 1.0e-12 lower
 * (a fast-check counterexample of test/partition-pareto.test.ts).
 */
const slack = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));

function dominates(a: Coords, b: Coords, axes: number): boolean {
  let strictly = false;
  for (let d = 0; d < axes; d++) {
    if (a[d]! > b[d]! + slack(b[d]!)) return false;
    if (a[d]! < b[d]! - slack(b[d]!)) strictly = true;
  }
  return strictly;
}

function sameCoords(a: Coords, b: Coords, axes: number): boolean {
  for (let d = 0; d < axes; d++) if (Math.abs(a[d]! - b[d]!) > slack(b[d]!)) return false;
  return true;
}

/** A set of mutually non-dominated points; `offer` keeps it so. */
/**
 * A set of mutually non-dominated points. A point's payload is built only at the end, for the
 * points that survive: enumerations offer millions of candidates and many briefly enter the front.
 */
class FrontSet<T> {
  readonly items: { coords: Coords; make: () => T | null }[] = [];
  constructor(private readonly axes: number) {}

  /** Whether a point at `coords` would enter the front. */
  admits(coords: Coords): boolean {
    for (const item of this.items) {
      if (dominates(item.coords, coords, this.axes) || sameCoords(item.coords, coords, this.axes))
        return false;
    }
    return true;
  }

  offer(coords: Coords, make: () => T | null): void {
    if (!this.admits(coords)) return;
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (dominates(coords, this.items[i]!.coords, this.axes)) this.items.splice(i, 1);
    }
    this.items.push({ coords, make });
  }

  /** The survivors' payloads; `make` returning null (a constraint only a full evaluation shows) drops one. */
  materialize(): { values: T[]; dropped: number } {
    const values: T[] = [];
    let dropped = 0;
    for (const item of this.items) {
      const value = item.make();
      if (value === null) dropped++;
      else values.push(value);
    }
    return { values, dropped };
  }
}

export function paretoFront(
  problem: PartitionProblem,
  constraints: Constraints,
  options: ParetoOptions = {},
): ParetoFront {
  const axes = options.axes ?? ['latency', 'energy'];
  const order = axes.map((a) => ({ latency: 0, energy: 1, wan: 2 })[a]);
  const project = (l: number, e: number, w: number): Coords => {
    const all = [l, e, w];
    return [all[order[0]!] ?? 0, all[order[1]!] ?? 0, all[order[2]!] ?? 0];
  };
  const pins = derivePins(problem, constraints);
  const implications = privacyImplications(problem, constraints, pins);
  const limits = memoryLimits(problem, constraints);
  const deadline = constraints.latencyDeadlineMs ?? Infinity;
  const front = new FrontSet<ParetoPoint>(axes.length);
  const notes: string[] = [];
  const n = problem.units.length;

  const admit = (placement: Uint8Array, source: ParetoPoint['source'], note: string): ParetoPoint | null => {
    const evaluation = evaluatePlacement(problem, placement);
    if (violations(problem, constraints, evaluation).length > 0) return null;
    return {
      latencyMs: evaluation.latencyMs,
      deviceEnergyMj: evaluation.deviceEnergyMj,
      wanBytes: evaluation.wanBytes,
      source,
      plan: {
        solver: 'pareto',
        objective: { kind: 'latency' },
        placement,
        evaluation,
        exact: false,
        notes: [note],
      },
    };
  };

  // 1. Split families.
  const pinCheck = segmentPinCheck(problem, pins);
  let searched = 0;
  for (const solver of ['single-split', 'two-split'] as const) {
    const { families, positions, complete } = splitFamilies(problem, solver, constraints, options);
    if (!complete)
      notes.push(`two-split candidates use ${positions.length} block-boundary cut positions of ${n + 1}`);
    for (const family of families) {
      searched += enumerateSplits(problem, family.kind, family.server, positions, (candidate, figures) => {
        if (!candidateKeepsPins(pinCheck, candidate, n)) return;
        const latency = figures.latencyMs();
        if (latency > deadline) return;
        for (let t = 0; t < limits.length; t++) if (figures.weightBytes(t) > limits[t]!) return;
        front.offer(project(latency, figures.deviceEnergyMj(), figures.wanBytes()), () =>
          admit(splitPlacement(problem, candidate), candidate.kind, describeCandidate(problem, candidate)),
        );
      });
    }
  }
  notes.push(`${searched} split candidates enumerated`);

  // 2. Supported points over all placements: weighted min cuts (latency × energy hull).
  const allTiers = constraints.allowedTiers ?? problem.tiers.map((_, t) => t);
  const maxCuts = options.maxCuts ?? 64;
  let cuts = 0;
  const cut = (latency: number, energy: number): { placement: Uint8Array; l: number; e: number } | null => {
    cuts++;
    const result = solveMinCut(problem, { latency, energy }, pins, allTiers, undefined, implications);
    if (!Number.isFinite(result.value)) return null;
    const ev = evaluatePlacement(problem, result.placement);
    return { placement: result.placement, l: ev.latencyMs, e: ev.deviceEnergyMj };
  };
  const offerCut = (c: { placement: Uint8Array; l: number; e: number }): void => {
    const ev = evaluatePlacement(problem, c.placement);
    front.offer(project(c.l, c.e, ev.wanBytes), () =>
      admit(c.placement, 'hull', 'min cut over all placements (convex hull of the front)'),
    );
  };
  const fastest = cut(1, 0);
  const frugal = cut(0, 1);
  if (fastest && frugal) {
    // Lexicographic ends: the least energy among the fastest, the fastest among the most frugal.
    const a = cut(1, (1e-9 * Math.max(fastest.l, 1e-12)) / Math.max(fastest.e, 1e-12)) ?? fastest;
    const b = cut((1e-9 * Math.max(frugal.e, 1e-12)) / Math.max(frugal.l, 1e-12), 1) ?? frugal;
    offerCut(a);
    offerCut(b);
    const recurse = (p: typeof a, q: typeof a): void => {
      if (cuts >= maxCuts) return;
      const wl = p.e - q.e;
      const we = q.l - p.l;
      if (!(wl > 0 && we > 0)) return;
      const c = cut(wl, we);
      if (!c) return;
      const onSegment = wl * p.l + we * p.e;
      if (wl * c.l + we * c.e < onSegment - 1e-9 * Math.abs(onSegment)) {
        offerCut(c);
        recurse(p, c);
        recurse(c, q);
      }
    };
    recurse(a, b);
    if (cuts >= maxCuts) notes.push(`hull search stopped after ${maxCuts} min cuts`);
  }
  notes.push(`${cuts} weighted min cuts for the convex hull`);

  // 3. The exact front over all placements, within a work budget (latency × energy only).
  let exact = false;
  const size = problem.units.length + problem.tensors.length;
  const maxExactCuts = Math.floor((options.exactWork ?? 1.5e5) / Math.max(1, size));
  const twoAxes = axes.length === 2 && axes.includes('latency') && axes.includes('energy');
  if (twoAxes && maxExactCuts < 4 * (problem.units.length + 1)) {
    notes.push(
      `exact front search skipped: ${problem.units.length} layers need more min cuts than its budget`,
    );
  } else if (twoAxes) {
    const found = exactFront(problem, pins, allTiers, maxExactCuts, implications);
    for (const p of found.points) {
      const ev = evaluatePlacement(problem, p.placement);
      front.offer(project(p.latencyMs, p.deviceEnergyMj, ev.wanBytes), () =>
        admit(p.placement, 'ranked', 'exact front over all placements (ranked min cuts)'),
      );
    }
    exact = found.complete;
    notes.push(
      found.complete
        ? `exact front over every placement (${found.cuts} min cuts)`
        : `exact front search stopped at its budget (${found.cuts} min cuts): points between hull vertices may be missing`,
    );
  }

  // A point ruled out only by a full evaluation (peak activations over memory, the deadline, a
  // privacy rule) may have hidden feasible points it dominated: then the front is not proven.
  const { values, dropped } = front.materialize();
  if (dropped > 0) {
    exact = false;
    notes.push(
      `${dropped} points broke a constraint only a full evaluation shows; points they hid may be missing`,
    );
  }
  const points = values
    .map((p) => (exact ? { ...p, plan: { ...p.plan, exact: true } } : p))
    .sort((x, y) => x.latencyMs - y.latencyMs || x.deviceEnergyMj - y.deviceEnergyMj);
  return { points, exact, notes };
}
