/**
 * The exact latency × device-energy front over ALL placements (the two-phase method of
 * bi-objective combinatorial optimisation, Ulungu & Teghem 1995):
 *
 * 1. supported points: the ends (least energy among the fastest placements, fastest among the
 *    most frugal) and every vertex of the front's convex hull, by weighted min cuts (exact);
 * 2. non-supported points: between two neighbouring hull vertices P and Q, placements are ranked
 *    by the weighted objective whose level lines run parallel to PQ (`ranking.ts`); any front
 *    point between them lies in the triangle under P, Q and the corner (L_Q, E_P), so ranking stops
 *    once the value exceeds the worst corner of the front found so far in that triangle.
 *
 * Exponential in the worst case (the bi-objective problem is intractable in general), so it runs
 * within a work budget and says whether it finished.
 */
import type { PinTable } from './constraints.js';
import { evaluatePlacement } from './evaluate.js';
import { solveMinCut } from './min-cut.js';
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';
import { rankPlacements } from './ranking.js';

export interface FrontPoint {
  readonly placement: Placement;
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
}

export interface ExactFront {
  /** By ascending latency. */
  readonly points: readonly FrontPoint[];
  /** True when every phase finished within the budget: the front is then exact. */
  readonly complete: boolean;
  readonly cuts: number;
}

const slack = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));

export function exactFront(
  problem: PartitionProblem,
  pins: PinTable,
  allowedTiers: readonly number[],
  /** Most min cuts to solve in all (each costs O(units + tensors) arcs). */
  maxCuts: number,
  implications: readonly (readonly [number, number])[] = [],
): ExactFront {
  let cuts = 0;
  let complete = true;
  const point = (placement: Placement): FrontPoint => {
    const e = evaluatePlacement(problem, placement);
    return { placement, latencyMs: e.latencyMs, deviceEnergyMj: e.deviceEnergyMj };
  };
  const cut = (latency: number, energy: number): FrontPoint | null => {
    cuts++;
    const r = solveMinCut(problem, { latency, energy }, pins, allowedTiers, undefined, implications);
    return Number.isFinite(r.value) ? point(r.placement) : null;
  };

  /** The end of the front along one axis: the best of the other axis among the ties. */
  const end = (axis: 'latency' | 'energy'): FrontPoint | null => {
    const weights = { latency: axis === 'latency' ? 1 : 0, energy: axis === 'energy' ? 1 : 0 };
    const ranking = rankPlacements(problem, weights, pins, allowedTiers, maxCuts - cuts, implications);
    const first = ranking.next();
    if (!first) {
      cuts += ranking.cuts;
      if (!ranking.exhausted) return null;
      // No budget to rank even once: the plain optimum, without the tie-break.
      complete = false;
      return cut(weights.latency, weights.energy);
    }
    let best = point(first.placement);
    for (;;) {
      const next = ranking.next();
      if (!next) {
        if (ranking.exhausted) complete = false;
        break;
      }
      if (next.value > first.value + slack(first.value)) break;
      const p = point(next.placement);
      const better =
        axis === 'latency' ? p.deviceEnergyMj < best.deviceEnergyMj : p.latencyMs < best.latencyMs;
      if (better) best = p;
    }
    cuts += ranking.cuts;
    return best;
  };

  const fastest = end('latency');
  const frugal = end('energy');
  if (!fastest || !frugal) return { points: [], complete, cuts };
  if (Math.abs(fastest.deviceEnergyMj - frugal.deviceEnergyMj) <= slack(frugal.deviceEnergyMj)) {
    return { points: [fastest], complete, cuts };
  }

  // Phase 1: hull vertices between the ends (non-inferior set estimation).
  const vertices: FrontPoint[] = [fastest];
  const hull = (p: FrontPoint, q: FrontPoint): void => {
    const wl = p.deviceEnergyMj - q.deviceEnergyMj;
    const we = q.latencyMs - p.latencyMs;
    if (!(wl > 0 && we > 0)) return;
    if (cuts >= maxCuts) {
      complete = false;
      return;
    }
    const c = cut(wl, we);
    const onSegment = wl * p.latencyMs + we * p.deviceEnergyMj;
    if (c && wl * c.latencyMs + we * c.deviceEnergyMj < onSegment - slack(onSegment)) {
      hull(p, c);
      vertices.push(c);
      hull(c, q);
    }
  };
  hull(fastest, frugal);
  vertices.push(frugal);

  // Phase 2: non-supported points inside each triangle.
  const front: FrontPoint[] = [];
  for (let v = 0; v + 1 < vertices.length; v++) {
    const p = vertices[v]!;
    const q = vertices[v + 1]!;
    front.push(p, ...triangle(p, q));
  }
  front.push(frugal);
  return { points: dedupe(front), complete, cuts };

  function triangle(p: FrontPoint, q: FrontPoint): FrontPoint[] {
    const wl = p.deviceEnergyMj - q.deviceEnergyMj;
    const we = q.latencyMs - p.latencyMs;
    const value = (l: number, e: number): number => wl * l + we * e;
    // The local front between p and q, by ascending latency (p and q included).
    const local: FrontPoint[] = [p, q];
    const bound = (): number => {
      let worst = -Infinity;
      for (let i = 0; i + 1 < local.length; i++) {
        worst = Math.max(worst, value(local[i + 1]!.latencyMs, local[i]!.deviceEnergyMj));
      }
      return worst;
    };
    let limit = bound();
    const ranking = rankPlacements(
      problem,
      { latency: wl, energy: we },
      pins,
      allowedTiers,
      maxCuts - cuts,
      implications,
    );
    for (;;) {
      const next = ranking.next();
      if (!next) {
        if (ranking.exhausted) complete = false;
        break;
      }
      if (next.value > limit + slack(limit)) break;
      const c = point(next.placement);
      if (c.latencyMs <= p.latencyMs + slack(p.latencyMs) || c.latencyMs >= q.latencyMs - slack(q.latencyMs))
        continue;
      const dominated = local.some(
        (f) =>
          f.latencyMs <= c.latencyMs + slack(c.latencyMs) &&
          f.deviceEnergyMj <= c.deviceEnergyMj + slack(c.deviceEnergyMj),
      );
      if (dominated) continue;
      for (let i = local.length - 1; i >= 0; i--) {
        const f = local[i]!;
        if (c.latencyMs <= f.latencyMs && c.deviceEnergyMj <= f.deviceEnergyMj) local.splice(i, 1);
      }
      local.push(c);
      local.sort((a, b) => a.latencyMs - b.latencyMs);
      limit = bound();
    }
    cuts += ranking.cuts;
    return local.filter((f) => f !== p && f !== q);
  }
}

function dedupe(points: FrontPoint[]): FrontPoint[] {
  const sorted = [...points].sort((a, b) => a.latencyMs - b.latencyMs || a.deviceEnergyMj - b.deviceEnergyMj);
  return sorted.filter(
    (p, i) =>
      i === 0 ||
      Math.abs(p.latencyMs - sorted[i - 1]!.latencyMs) > slack(p.latencyMs) ||
      Math.abs(p.deviceEnergyMj - sorted[i - 1]!.deviceEnergyMj) > slack(p.deviceEnergyMj),
  );
}
