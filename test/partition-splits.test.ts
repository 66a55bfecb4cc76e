/**
 * The split-family solvers (single split, two splits, device → edge → cloud chain) against
 * brute-force enumeration of the same families built here, for every objective and with
 * constraints, on random small DAGs and chains.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Constraints } from '../core/partition/constraints.js';
import { evaluatePlacement, type Evaluation } from '../core/partition/evaluate.js';
import type { Objective } from '../core/partition/objective.js';
import type { PartitionProblem } from '../core/partition/problem.js';
import { solveSplits } from '../core/partition/solve-splits.js';
import { isCutlineError } from '../core/errors.js';
import { randomProblem } from './support/random-partition.js';

/** Placements of the family, built directly from the segment definitions. */
function familyPlacements(problem: PartitionProblem, solver: 'single-split' | 'two-split'): Uint8Array[] {
  const n = problem.units.length;
  const k = problem.tiers.length;
  const out: Uint8Array[] = [];
  const build = (segments: [number, number, number][]): Uint8Array => {
    const p = new Uint8Array(n);
    for (const [a, b, tier] of segments) for (let u = a; u < b; u++) p[u] = tier;
    return p;
  };
  for (let s = 1; s < k; s++) {
    for (let i = 0; i <= n; i++) {
      if (solver === 'single-split') out.push(build([[i, n, s]]));
      else for (let j = i; j <= n; j++) out.push(build([[i, j, s]]));
    }
  }
  if (solver === 'two-split' && k === 3) {
    for (let i = 0; i <= n; i++)
      for (let j = i; j <= n; j++)
        out.push(
          build([
            [i, j, 1],
            [j, n, 2],
          ]),
        );
  }
  return out;
}

function value(objective: Objective, e: Evaluation): number {
  switch (objective.kind) {
    case 'latency':
      return e.latencyMs;
    case 'energy':
      return e.deviceEnergyMj;
    case 'throughput':
      return e.periodMs;
    case 'weighted':
      return objective.latencyWeight * e.latencyMs + objective.energyWeight * e.deviceEnergyMj;
  }
}

function feasible(problem: PartitionProblem, c: Constraints, p: Uint8Array, e: Evaluation): boolean {
  for (const [unit, tier] of c.pins ?? []) if (p[unit] !== tier) return false;
  if (c.rawInputOnDevice && e.rawInputLeavesDevice) return false;
  const k = c.minDeviceLayers ?? 0;
  if (k > 0 && e.deviceLayersBeforeLeaving !== null && e.deviceLayersBeforeLeaving < k) return false;
  if (c.latencyDeadlineMs !== undefined && e.latencyMs > c.latencyDeadlineMs) return false;
  return e.memory.every((m, t) => m.totalBytes <= (c.memoryBytes?.[t] ?? problem.memoryBytes[t]!));
}

const objectives = fc.oneof(
  fc.constant<Objective>({ kind: 'latency' }),
  fc.constant<Objective>({ kind: 'energy' }),
  fc.constant<Objective>({ kind: 'throughput' }),
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((w): Objective => ({ kind: 'weighted', latencyWeight: w, energyWeight: 1 - w })),
);

function constraintsFor(problem: PartitionProblem): fc.Arbitrary<Constraints> {
  const n = problem.units.length;
  return fc.record(
    {
      pins: fc
        .array(
          fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: problem.tiers.length - 1 })),
          {
            maxLength: 2,
          },
        )
        .map((pairs) => new Map(pairs)),
      rawInputOnDevice: fc.boolean(),
      minDeviceLayers: fc.integer({ min: 0, max: 3 }),
      latencyDeadlineMs: fc.double({ min: 100, max: 4000, noNaN: true }),
    },
    { requiredKeys: [] },
  );
}

describe('split-family solvers', () => {
  for (const solver of ['single-split', 'two-split'] as const) {
    for (const tiers of [2, 3] as const) {
      it(`${solver} on ${tiers} tiers equals brute force over its family, any objective and constraints`, () => {
        let solved = 0;
        let infeasible = 0;
        fc.assert(
          fc.property(
            fc
              .oneof(
                randomProblem({ maxUnits: 12, tiers }),
                randomProblem({ maxUnits: 12, tiers, chain: true }),
              )
              .chain((problem) => fc.tuple(fc.constant(problem), objectives, constraintsFor(problem))),
            ([problem, objective, constraints]) => {
              let best = Infinity;
              for (const placement of familyPlacements(problem, solver)) {
                const e = evaluatePlacement(problem, placement);
                if (feasible(problem, constraints, placement, e)) best = Math.min(best, value(objective, e));
              }
              let plan;
              try {
                plan = solveSplits(problem, solver, objective, constraints);
              } catch (error) {
                if (!isCutlineError(error) || error.code !== 'INFEASIBLE') throw error;
                infeasible++;
                expect(best).toBe(Infinity);
                return;
              }
              solved++;
              expect(feasible(problem, constraints, plan.placement, plan.evaluation)).toBe(true);
              expect(value(objective, plan.evaluation)).toBeCloseTo(best, 9);
            },
          ),
          { numRuns: 1000 },
        );
        console.log(
          `[partition] ${solver}, ${tiers} tiers: ${solved} solved, ${infeasible} infeasible (both agree)`,
        );
        expect(solved).toBeGreaterThan(100);
      });
    }
  }
});
