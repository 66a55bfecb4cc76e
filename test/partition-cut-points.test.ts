/**
 * The single-cut ranking (core/partition/cut-points.ts): every row's figures are the evaluator's
 * own for that cut's placement, the rows are the fastest cuts in order, and the O(n) estimates
 * agree with the evaluator on random DAGs and on a real sample.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { isCutlineError } from '../core/errors.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import {
  estimatedLatencies,
  NEAR_TIE_EXTRA,
  rankCutPoints,
  type CutPoint,
} from '../core/partition/cut-points.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { ZERO_HOP, type PartitionProblem } from '../core/partition/problem.js';
import { loadTopology } from '../core/profiles/load.js';
import { randomProblem } from './support/random-partition.js';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');

function cutPlacement(problem: PartitionProblem, deviceLayers: number, serverTier: number): Uint8Array {
  return new Uint8Array(problem.units.length).fill(serverTier).fill(0, 0, deviceLayers);
}

/** Each row checked against a full evaluation of its cut's placement. */
function expectEvaluatorFigures(
  problem: PartitionProblem,
  serverTier: number,
  rows: readonly CutPoint[],
): void {
  for (const row of rows) {
    const e = evaluatePlacement(problem, cutPlacement(problem, row.deviceLayers, serverTier));
    expect(row.latencyMs).toBe(e.latencyMs);
    expect(row.deviceEnergyMj).toBe(e.deviceEnergyMj);
    expect(row.computeBeforeMs).toBe(e.computeMsPerTier[0]);
    expect(row.computeAfterMs).toBe(e.computeMsPerTier[serverTier]);
    expect(row.tensors).toBe(e.cutTensors.length);
    expect(row.cutBytes).toBe(e.cutTensors.reduce((sum, c) => sum + c.bytes, 0));
    expect(row.rawInputLeavesDevice).toBe(e.rawInputLeavesDevice);
    expect(row.afterLayer).toBe(row.deviceLayers > 0 ? problem.units[row.deviceLayers - 1]!.name : null);
  }
}

function expectSorted(rows: readonly CutPoint[]): void {
  for (let i = 1; i < rows.length; i++) {
    expect(rows[i]!.latencyMs).toBeGreaterThanOrEqual(rows[i - 1]!.latencyMs);
  }
}

describe('rankCutPoints on random DAGs', () => {
  it('lists every cut once, with the evaluator’s figures, fastest first', () => {
    fc.assert(
      fc.property(
        fc.oneof(randomProblem({ maxUnits: 14, tiers: 2 }), randomProblem({ maxUnits: 14, tiers: 3 })),
        fc.integer({ min: 1, max: 2 }),
        (problem, server) => {
          const serverTier = Math.min(server, problem.tiers.length - 1);
          const n = problem.units.length;
          const macs = problem.units.map((_, u) => 1000 * (u + 1));
          const ranking = rankCutPoints(problem, serverTier, macs, n + 1);
          expect(ranking.total).toBe(n + 1);
          expect(ranking.points.map((p) => p.deviceLayers).sort((a, b) => a - b)).toEqual(
            Array.from({ length: n + 1 }, (_, k) => k),
          );
          expectEvaluatorFigures(problem, serverTier, ranking.points);
          expectSorted(ranking.points);
          for (const row of ranking.points) {
            const before = macs.slice(0, row.deviceLayers).reduce((a, b) => a + b, 0);
            expect(row.macsBefore).toBe(before);
            expect(row.macsBefore + row.macsAfter).toBe(macs.reduce((a, b) => a + b, 0));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('estimates every cut’s latency as the evaluator computes it, up to rounding', () => {
    fc.assert(
      fc.property(
        randomProblem({ maxUnits: 20, tiers: 3 }),
        fc.integer({ min: 1, max: 2 }),
        (problem, serverTier) => {
          const estimate = estimatedLatencies(problem, serverTier);
          for (let k = 0; k <= problem.units.length; k++) {
            const exact = evaluatePlacement(problem, cutPlacement(problem, k, serverTier)).latencyMs;
            expect(Math.abs(estimate[k]! - exact)).toBeLessThanOrEqual(1e-9 * exact);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('returns the fastest `limit` cuts: the head of the full ranking', () => {
    fc.assert(
      fc.property(
        randomProblem({ minUnits: 4, maxUnits: 16, tiers: 2 }),
        fc.integer({ min: 1, max: 5 }),
        (problem, limit) => {
          const macs = problem.units.map(() => 1);
          const all = rankCutPoints(problem, 1, macs, problem.units.length + 1).points;
          const best = rankCutPoints(problem, 1, macs, limit).points;
          expect(best).toHaveLength(limit);
          expect(best.map((p) => p.latencyMs)).toEqual(all.slice(0, limit).map((p) => p.latencyMs));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('rankCutPoints on a sample', () => {
  const analysis = analyzeFile(path.join(SAMPLES, 'resnet-mini.onnx'));
  const { problem } = buildPartitionProblem(analysis, loadTopology('pi4-wifi-edge-wan-cloud'));
  const macs = analysis.layers.layers.map((layer) => layer.macs);

  it('ranks the cuts onto the cloud, the extremes included, with the layers’ MACs', () => {
    const n = problem.units.length;
    const ranking = rankCutPoints(problem, 2, macs, n + 1);
    expectEvaluatorFigures(problem, 2, ranking.points);
    expectSorted(ranking.points);
    const deviceOnly = ranking.points.find((p) => p.deviceLayers === n)!;
    expect(deviceOnly).toMatchObject({ computeAfterMs: 0, macsAfter: 0, rawInputLeavesDevice: false });
    expect(deviceOnly.macsBefore).toBe(analysis.layers.layers.reduce((sum, l) => sum + l.macs, 0));
    const cloudOnly = ranking.points.find((p) => p.deviceLayers === 0)!;
    expect(cloudOnly).toMatchObject({ afterLayer: null, computeBeforeMs: 0, rawInputLeavesDevice: true });
    expect(cloudOnly.macsBefore).toBe(0);
    // A cut in the middle sends at least the activation it cuts.
    const middle = ranking.points.find((p) => p.deviceLayers === Math.floor(n / 2))!;
    expect(middle.tensors).toBeGreaterThan(0);
    expect(middle.cutBytes).toBeGreaterThan(0);
  });

  it('refuses a server tier the topology lacks and an empty table', () => {
    const codeOf = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        if (isCutlineError(error)) return `${error.code}: ${error.message}`;
        throw error;
      }
      throw new Error('no error');
    };
    expect(codeOf(() => rankCutPoints(problem, 0, macs, 5))).toMatch(/^BAD_CONSTRAINT: Tier 0 cannot/);
    expect(codeOf(() => rankCutPoints(problem, 3, macs, 5))).toMatch(
      /server tiers are 1 to 2 \(edge, cloud\)/,
    );
    expect(codeOf(() => rankCutPoints(problem, 1, macs, 0))).toMatch(/^BAD_CONSTRAINT/);
  });

  it('evaluates at most NEAR_TIE_EXTRA cuts beyond the limit when every cut ties', () => {
    // A chain of 400 free layers over free links: every cut's estimate is 0.
    const n = 400;
    const tied: PartitionProblem = {
      tiers: ['device', 'edge'],
      units: Array.from({ length: n }, (_, u) => ({ name: `u${u}`, depth: u + 1, weightBytes: 0 })),
      computeMs: new Float64Array(2 * n),
      computeEnergyMj: new Float64Array(2 * n),
      tensors: Array.from({ length: n + 1 }, (_, t) => ({
        name: `t${t}`,
        bytes: 4,
        producer: t - 1,
        consumers: Int32Array.from(t < n ? [t] : []),
        isOutput: t === n,
      })),
      up: Array.from({ length: n + 1 }, () => [ZERO_HOP]),
      down: Array.from({ length: n + 1 }, () => [ZERO_HOP]),
      memoryBytes: [1e12, 1e12],
      wanHop: 0,
    };
    const fractions: number[] = [];
    const ranking = rankCutPoints(tied, 1, new Array<number>(n).fill(0), 3, {
      onProgress: (fraction) => fractions.push(fraction),
    });
    expect(ranking.points).toHaveLength(3);
    expect(ranking.points.every((row) => row.latencyMs === 0)).toBe(true);
    // Progress is reported every 32 evaluations as evaluated / candidates.
    expect(fractions.length).toBeGreaterThan(0);
    const candidates = Math.round(32 / fractions[0]!);
    expect(candidates).toBe(3 + NEAR_TIE_EXTRA);
  });
});
