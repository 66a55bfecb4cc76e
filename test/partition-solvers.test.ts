/**
 * The constrained min-cut solvers against brute force, and the edge cases a review found:
 * privacy rules and pins exactly, one-tier topologies, tier subsets without the device, a huge
 * cost beside small ones in the max-flow, and shape-only tensors that carry no data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCutlineError } from '../core/errors.js';
import type { Constraints } from '../core/partition/constraints.js';
import { evaluatePlacement, type Evaluation } from '../core/partition/evaluate.js';
import { solveMinCut } from '../core/partition/min-cut.js';
import type { Objective } from '../core/partition/objective.js';
import type { PartitionProblem } from '../core/partition/problem.js';
import { runSolver } from '../core/partition/solve.js';
import { allPlacements, randomProblem } from './support/random-partition.js';

const unlimited = (p: PartitionProblem): PartitionProblem => ({
  ...p,
  memoryBytes: p.tiers.map(() => Infinity),
});

function keeps(c: Constraints, placement: Uint8Array, e: Evaluation): boolean {
  for (const [unit, tier] of c.pins ?? []) if (placement[unit] !== tier) return false;
  if (c.rawInputOnDevice && e.rawInputLeavesDevice) return false;
  const k = c.minDeviceLayers ?? 0;
  if (k > 0 && e.deviceLayersBeforeLeaving !== null && e.deviceLayersBeforeLeaving < k) return false;
  return true;
}

function value(objective: Objective, e: Evaluation): number {
  if (objective.kind === 'latency') return e.latencyMs;
  if (objective.kind === 'energy') return e.deviceEnergyMj;
  if (objective.kind === 'weighted')
    return objective.latencyWeight * e.latencyMs + objective.energyWeight * e.deviceEnergyMj;
  return e.periodMs;
}

describe('min-cut solvers with constraints', () => {
  it('tiers: pins, raw input on the device and k device layers are met exactly (brute force)', () => {
    let solved = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(
        randomProblem({ maxUnits: 8, tiers: 3 }).chain((problem) =>
          fc.tuple(
            fc.constant(unlimited(problem)),
            fc.constantFrom<Objective>(
              { kind: 'latency' },
              { kind: 'energy' },
              { kind: 'weighted', latencyWeight: 1, energyWeight: 2 },
            ),
            fc.record(
              {
                pins: fc
                  .array(
                    fc.tuple(
                      fc.integer({ min: 0, max: problem.units.length - 1 }),
                      fc.integer({ min: 0, max: 2 }),
                    ),
                    { maxLength: 2 },
                  )
                  .map((pairs) => new Map(pairs)),
                rawInputOnDevice: fc.boolean(),
                minDeviceLayers: fc.integer({ min: 0, max: 3 }),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
        ([problem, objective, constraints]) => {
          let best = Infinity;
          for (const placement of allPlacements(problem.units.length, 3)) {
            const e = evaluatePlacement(problem, placement);
            if (keeps(constraints, placement, e)) best = Math.min(best, value(objective, e));
          }
          try {
            const plan = runSolver(problem, 'tiers', objective, constraints);
            solved++;
            expect(plan.exact).toBe(true);
            expect(keeps(constraints, plan.placement, plan.evaluation)).toBe(true);
            expect(value(objective, plan.evaluation)).toBeCloseTo(best, 9);
          } catch (error) {
            if (!isCutlineError(error) || error.code !== 'INFEASIBLE') throw error;
            infeasible++;
            expect(best).toBe(Infinity);
          }
        },
      ),
      { numRuns: 400 },
    );
    console.log(
      `[partition] tiers with privacy rules and pins: ${solved} solved, ${infeasible} infeasible (brute force agrees)`,
    );
  });

  it('throughput from the cut solvers is never worse than the best two-split', () => {
    fc.assert(
      fc.property(randomProblem({ maxUnits: 10, tiers: 3 }), (generated) => {
        const problem = unlimited(generated);
        const objective: Objective = { kind: 'throughput' };
        const two = runSolver(problem, 'two-split', objective, {});
        for (const solver of ['min-cut', 'tiers'] as const) {
          expect(runSolver(problem, solver, objective, {}).evaluation.periodMs).toBeLessThanOrEqual(
            two.evaluation.periodMs + 1e-9,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Three layers in a chain on two or three tiers, costs given per layer as [device, edge, cloud]. */
function chain(costs: number[][], tiers = ['device', 'edge', 'cloud']): PartitionProblem {
  const k = tiers.length;
  const free = { latencyMs: 0, busyMs: 0, deviceEnergyMj: 0 };
  return {
    tiers,
    units: costs.map((_, u) => ({ name: `u${u}`, depth: u + 1, weightBytes: 0 })),
    computeMs: Float64Array.from(costs.flatMap((c) => c.slice(0, k))),
    computeEnergyMj: new Float64Array(costs.length * k),
    tensors: [
      { name: 'input', bytes: 4, producer: -1, consumers: Int32Array.of(0), isOutput: false },
      ...costs.map((_, u) => ({
        name: `t${u}`,
        bytes: 4,
        producer: u,
        consumers: u + 1 < costs.length ? Int32Array.of(u + 1) : new Int32Array(0),
        isOutput: u + 1 === costs.length,
      })),
    ],
    up: Array.from({ length: costs.length + 1 }, () => Array.from({ length: k - 1 }, () => free)),
    down: Array.from({ length: costs.length + 1 }, () => Array.from({ length: k - 1 }, () => free)),
    memoryBytes: tiers.map(() => Infinity),
    wanHop: k - 2,
  };
}

describe('solver edge cases', () => {
  it('a huge cost beside small ones does not blur the cut', () => {
    const problem = chain(
      [
        [1e13, 0],
        [0.5, 1],
      ],
      ['device', 'cloud'],
    );
    const cut = solveMinCut(problem, { latency: 1, energy: 0 }, new Int8Array(2).fill(-1), [0, 1]);
    expect([...cut.placement]).toEqual([1, 0]);
    expect(cut.value).toBeCloseTo(0.5, 12);
    expect(evaluatePlacement(problem, cut.placement).latencyMs).toBeCloseTo(0.5, 12);
  });

  it('a one-tier topology gets the all-on-device plan from every solver', () => {
    const problem = chain([[1], [2], [3]], ['device']);
    for (const solver of ['single-split', 'two-split', 'min-cut', 'tiers'] as const) {
      const plan = runSolver(problem, solver, { kind: 'latency' }, {});
      expect([...plan.placement]).toEqual([0, 0, 0]);
      expect(plan.evaluation.latencyMs).toBe(6);
    }
  });

  it('tier subsets that leave out the device still keep device pins there', () => {
    const problem = chain([
      [5, 1, 1],
      [5, 1, 1],
      [5, 1, 0.5],
    ]);
    const plan = runSolver(
      problem,
      'tiers',
      { kind: 'latency' },
      { allowedTiers: [2], rawInputOnDevice: true },
    );
    expect([...plan.placement]).toEqual([0, 2, 2]);
    const cut = runSolver(
      problem,
      'min-cut',
      { kind: 'latency' },
      { allowedTiers: [2], rawInputOnDevice: true },
    );
    expect([...cut.placement]).toEqual([0, 2, 2]);
  });

  it('a shape read across is not the raw input leaving the device', () => {
    const base = chain([
      [5, 1, 1],
      [5, 1, 1],
    ]);
    // The second layer also reads the input's shape (as a Reshape target would).
    const problem: PartitionProblem = {
      ...base,
      tensors: [
        ...base.tensors,
        {
          name: 'input (shape)',
          bytes: 32,
          producer: -1,
          consumers: Int32Array.of(1),
          isOutput: false,
          shapeOnly: true,
        },
      ],
      up: [...base.up, base.up[0]!],
      down: [...base.down, base.down[0]!],
    };
    const e = evaluatePlacement(problem, Uint8Array.of(0, 2));
    expect(e.cutTensors.map((c) => [c.name, c.shapeOnly])).toEqual([
      ['t0', false],
      ['t1', false],
      ['input (shape)', true],
    ]);
    expect(e.rawInputLeavesDevice).toBe(false);
    expect(e.deviceLayersBeforeLeaving).toBe(1);
    const plan = runSolver(problem, 'tiers', { kind: 'latency' }, { rawInputOnDevice: true });
    expect([...plan.placement]).toEqual([0, 2]);
  });

  it('infeasible privacy rules name the layers they fix', () => {
    const problem = chain([
      [5, 1, 1],
      [5, 1, 1],
      [5, 1, 1],
    ]);
    expect(() =>
      runSolver(
        problem,
        'single-split',
        { kind: 'latency' },
        { minDeviceLayers: 2, pins: new Map([[1, 2]]) },
      ),
    ).toThrow(/"u1" must run on the cloud \(pinned\) and on the device \(at least 2 layers on the device\)/);
  });
});
