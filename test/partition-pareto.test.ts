/**
 * The Pareto front (latency × device energy) against brute force on random small DAGs: exact over
 * the split families, every convex-hull vertex of the front over ALL placements found, and with
 * the exact search the whole brute-force front over every placement, point for point.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { paretoFront } from '../core/partition/pareto.js';
import type { PartitionProblem } from '../core/partition/problem.js';
import { allPlacements, randomProblem } from './support/random-partition.js';

type Point = readonly [number, number];

const tol = (a: number): number => 1e-9 * Math.max(1, Math.abs(a));
const le = (a: number, b: number): boolean => a <= b + tol(b);
const same = (p: Point, q: Point): boolean =>
  Math.abs(p[0] - q[0]) <= tol(q[0]) && Math.abs(p[1] - q[1]) <= tol(q[1]);
const dominates = (p: Point, q: Point): boolean => le(p[0], q[0]) && le(p[1], q[1]) && !same(p, q);

function front(points: readonly Point[]): Point[] {
  return points
    .filter((p) => !points.some((q) => dominates(q, p)))
    .filter((p, i, all) => all.findIndex((q) => same(p, q)) === i);
}

/** Vertices of the lower-left convex hull of a front sorted by latency. */
function hullVertices(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const hull: Point[] = [];
  for (const p of sorted) {
    while (hull.length >= 2) {
      const [a, b] = [hull[hull.length - 2]!, hull[hull.length - 1]!];
      const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
      if (cross <= tol(Math.abs((b[0] - a[0]) * (p[1] - a[1])))) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

function familyPoints(problem: PartitionProblem): Point[] {
  const n = problem.units.length;
  const k = problem.tiers.length;
  const points: Point[] = [];
  const add = (segments: [number, number, number][]): void => {
    const p = new Uint8Array(n);
    for (const [a, b, tier] of segments) for (let u = a; u < b; u++) p[u] = tier;
    const e = evaluatePlacement(problem, p);
    points.push([e.latencyMs, e.deviceEnergyMj]);
  };
  for (let i = 0; i <= n; i++) {
    for (let j = i; j <= n; j++) {
      for (let s = 1; s < k; s++) add([[i, j, s]]);
      if (k === 3)
        add([
          [i, j, 1],
          [j, n, 2],
        ]);
    }
  }
  return points;
}

describe('Pareto front', () => {
  for (const tiers of [2, 3] as const) {
    it(`on ${tiers} tiers equals the brute-force front over every placement`, () => {
      let fullFrontPoints = 0;
      let recovered = 0;
      fc.assert(
        fc.property(
          fc.oneof(
            randomProblem({ maxUnits: tiers === 2 ? 12 : 8, tiers }),
            randomProblem({ maxUnits: tiers === 2 ? 12 : 8, tiers, chain: true }),
          ),
          (problem) => {
            // No memory limits here: the front is about latency and energy.
            const free = { ...problem, memoryBytes: problem.memoryBytes.map(() => Infinity) };
            const result = paretoFront(free, {}, { exactWork: Infinity });
            const ours: Point[] = result.points.map((p) => [p.latencyMs, p.deviceEnergyMj]);
            const families = front(familyPoints(free));
            const all: Point[] = [];
            for (const placement of allPlacements(free.units.length, tiers)) {
              const e = evaluatePlacement(free, placement);
              all.push([e.latencyMs, e.deviceEnergyMj]);
            }
            const full = front(all);
            // Nothing we return is dominated by a family placement, and the family front is covered.
            for (const p of ours) expect(families.some((q) => dominates(q, p))).toBe(false);
            for (const q of families) expect(ours.some((p) => same(p, q) || dominates(p, q))).toBe(true);
            // Every vertex of the full front's convex hull is among ours, and with the exact search
            // finished the front is the brute-force front over every placement, point for point.
            for (const v of hullVertices(full)) expect(ours.some((p) => same(p, v))).toBe(true);
            expect(result.exact).toBe(true);
            expect(ours).toHaveLength(full.length);
            for (const q of full) expect(ours.some((p) => same(p, q))).toBe(true);
            fullFrontPoints += full.length;
            recovered += full.filter((q) => ours.some((p) => same(p, q))).length;
          },
        ),
        { numRuns: tiers === 2 ? 500 : 300 },
      );
      const share = (100 * recovered) / fullFrontPoints;
      console.log(
        `[pareto] ${tiers} tiers: ${recovered} of ${fullFrontPoints} brute-force front points recovered (${share.toFixed(1)}%)`,
      );
      expect(recovered).toBeGreaterThan(0);
    });
  }
});
