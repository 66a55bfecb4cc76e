/**
 * Property tests of the partition engine against brute force: the evaluator against a
 * straightforward recomputation written here, and the exact min-cut solver against enumeration
 * of every placement of small random DAGs on two and three tiers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { solveMinCut } from '../core/partition/min-cut.js';
import { rankPlacements } from '../core/partition/ranking.js';
import type { PartitionProblem } from '../core/partition/problem.js';
import { allPlacements, randomProblem } from './support/random-partition.js';

/**
 * Latency, device energy, pipelined period and bytes on the links recomputed from first
 * principles: each tensor's destinations one by one, the hops each route uses collected in a set.
 */
function naiveFigures(
  problem: PartitionProblem,
  placement: Uint8Array,
): { latencyMs: number; energyMj: number; periodMs: number; linkBytes: number } {
  const k = problem.tiers.length;
  let latencyMs = 0;
  let energyMj = 0;
  let linkBytes = 0;
  const stage = new Map<string, number>();
  const load = (key: string, ms: number): void => void stage.set(key, (stage.get(key) ?? 0) + ms);
  for (let u = 0; u < problem.units.length; u++) {
    latencyMs += problem.computeMs[u * k + placement[u]!]!;
    energyMj += problem.computeEnergyMj[u * k + placement[u]!]!;
    load(`tier ${placement[u]}`, problem.computeMs[u * k + placement[u]!]!);
  }
  problem.tensors.forEach((tensor, t) => {
    const from = tensor.producer === -1 ? 0 : placement[tensor.producer]!;
    const destinations = [...tensor.consumers].map((c) => placement[c]!);
    if (tensor.isOutput) destinations.push(0);
    const used = new Set<string>();
    for (const to of destinations) {
      for (let h = Math.min(from, to); h < Math.max(from, to); h++)
        used.add(`${to > from ? 'up' : 'down'}:${h}`);
    }
    for (const key of used) {
      const [direction, hop] = key.split(':') as ['up' | 'down', string];
      const cost = problem[direction][t]![Number(hop)]!;
      latencyMs += cost.latencyMs;
      energyMj += cost.deviceEnergyMj;
      linkBytes += tensor.bytes;
      load(key, cost.busyMs);
    }
  });
  return { latencyMs, energyMj, linkBytes, periodMs: Math.max(0, ...stage.values()) };
}

const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('evaluator', () => {
  it('agrees with a hop-by-hop recomputation on random placements of random DAGs', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(
            randomProblem({ maxUnits: 14, tiers: 3 }),
            randomProblem({ maxUnits: 14, tiers: 3, chain: true }),
          )
          .chain((problem) =>
            fc.tuple(
              fc.constant(problem),
              fc.array(fc.integer({ min: 0, max: 2 }), {
                minLength: problem.units.length,
                maxLength: problem.units.length,
              }),
            ),
          ),
        ([problem, tiers]) => {
          const placement = Uint8Array.from(tiers);
          const evaluation = evaluatePlacement(problem, placement);
          const naive = naiveFigures(problem, placement);
          expect(close(evaluation.latencyMs, naive.latencyMs)).toBe(true);
          expect(close(evaluation.deviceEnergyMj, naive.energyMj)).toBe(true);
          expect(close(evaluation.periodMs, naive.periodMs)).toBe(true);
          expect(evaluation.linkBytes).toBe(naive.linkBytes);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('min-cut solver', () => {
  for (const tiers of [2, 3] as const) {
    it(`finds the optimum of every placement on ${tiers} tiers (random DAGs ≤ ${tiers === 2 ? 14 : 9} units)`, () => {
      fc.assert(
        fc.property(
          fc.oneof(
            randomProblem({ maxUnits: tiers === 2 ? 14 : 9, tiers }),
            randomProblem({ maxUnits: tiers === 2 ? 14 : 9, tiers, chain: true }),
          ),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (problem, mix) => {
            const weights = { latency: mix, energy: 1 - mix };
            const cut = solveMinCut(
              problem,
              weights,
              new Int8Array(problem.units.length).fill(-1),
              [0, 1, 2],
            );
            let best = Infinity;
            for (const placement of allPlacements(problem.units.length, tiers)) {
              const f = naiveFigures(problem, placement);
              best = Math.min(best, weights.latency * f.latencyMs + weights.energy * f.energyMj);
            }
            const found = naiveFigures(problem, cut.placement);
            const value = weights.latency * found.latencyMs + weights.energy * found.energyMj;
            expect(close(value, best)).toBe(true);
            expect(close(cut.value, best)).toBe(true);
          },
        ),
        { numRuns: tiers === 2 ? 600 : 400 },
      );
    });
  }
});

describe('placement ranking', () => {
  it('yields every placement keeping the pins exactly once, in order of the weighted objective', () => {
    fc.assert(
      fc.property(
        randomProblem({ maxUnits: 7, tiers: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 })), { nil: undefined }),
        (problem, mix, pin) => {
          const n = problem.units.length;
          const pins = new Int8Array(n).fill(-1);
          if (pin) pins[pin[0] % n] = pin[1];
          const weights = { latency: mix, energy: 1 - mix };
          const expected: number[] = [];
          for (const placement of allPlacements(n, 3)) {
            if (pin && placement[pin[0] % n] !== pin[1]) continue;
            const f = naiveFigures(problem, placement);
            expected.push(weights.latency * f.latencyMs + weights.energy * f.energyMj);
          }
          expected.sort((a, b) => a - b);
          const ranking = rankPlacements(problem, weights, pins, [0, 1, 2]);
          const seen = new Set<string>();
          const values: number[] = [];
          for (let next = ranking.next(); next; next = ranking.next()) {
            seen.add(next.placement.join(''));
            values.push(next.value);
          }
          expect(seen.size).toBe(expected.length);
          expect(values).toHaveLength(expected.length);
          values.forEach((v, i) => expect(close(v, expected[i]!)).toBe(true));
        },
      ),
      { numRuns: 150 },
    );
  });
});
