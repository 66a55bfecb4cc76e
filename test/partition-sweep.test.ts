/**
 * The bandwidth sweep (core/partition/sweep.ts) on real samples and bundled topologies: each
 * point is the evaluator's and the solver's figures on the topology at that bandwidth, the
 * design's own curve is its placement evaluated there, and `changes` marks exactly the points
 * whose best split moved.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { isCutlineError } from '../core/errors.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { uniformPlacement } from '../core/partition/placement.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { runSolver } from '../core/partition/solve.js';
import { partitionSource } from '../core/partition/source.js';
import { sweepBandwidth, withBandwidth } from '../core/partition/sweep.js';
import { loadTopology } from '../core/profiles/load.js';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');
const sourceOf = (name: string) => partitionSource(analyzeFile(path.join(SAMPLES, `${name}.onnx`))).source;

describe('sweepBandwidth', () => {
  const source = sourceOf('edge-prune-vehicle');
  const topology = loadTopology('n2-wifi-i7');

  it('gives, at each bandwidth, device only, server only, the best split and the design', () => {
    const base = problemFromSource(source, topology);
    // A design: the second half of the layers on the edge.
    const current = uniformPlacement(base, 0).fill(1, Math.floor(base.units.length / 2));
    const range = { hop: 0, fromMbps: 0.1, toMbps: 10_000, steps: 11 };
    const seen: number[] = [];
    const sweep = sweepBandwidth(source, topology, range, { current, onPoint: (done) => seen.push(done) });
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(sweep.link).toEqual({ id: 'wifi-16m', tiers: 'device-edge', rttMs: topology.hops[0]!.rttMs });
    expect(sweep.server).toBe('edge');
    expect(sweep.points[0]!.mbps).toBe(0.1);
    expect(sweep.points[10]!.mbps).toBeCloseTo(10_000, 6);
    const changes: number[] = [];
    let previous: Uint8Array | undefined;
    for (const point of sweep.points) {
      const problem = problemFromSource(source, withBandwidth(topology, 0, point.mbps));
      const best = runSolver(problem, 'min-cut', { kind: 'latency' }, { memoryBytes: [Infinity, Infinity] });
      expect(point.deviceOnlyMs).toBe(evaluatePlacement(problem, uniformPlacement(problem, 0)).latencyMs);
      expect(point.serverOnlyMs).toBe(evaluatePlacement(problem, uniformPlacement(problem, 1)).latencyMs);
      expect(point.bestSplitMs).toBe(best.evaluation.latencyMs);
      expect(point.bestSplitDeviceLayers).toBe(best.evaluation.unitsPerTier[0]);
      expect(point.currentMs).toBe(evaluatePlacement(problem, current).latencyMs);
      expect(point.bestSplitMs).toBeLessThanOrEqual(
        Math.min(point.deviceOnlyMs, point.serverOnlyMs, point.currentMs!),
      );
      if (previous && previous.some((tier, u) => tier !== best.placement[u])) changes.push(point.mbps);
      previous = best.placement;
    }
    expect(sweep.changes).toEqual(changes);
    // The device alone at a trickle, the edge alone on a fast link: the best split moves at least once.
    expect(sweep.points[0]!.fastest).toBe('device-only');
    expect(sweep.points[10]!.fastest).toBe('server-only');
    expect(sweep.changes.length).toBeGreaterThan(0);
  });

  it('sweeps the WAN of a three-tier topology with the tier chain, the cloud as server', () => {
    const wide = loadTopology('pi4-wifi-edge-wan-cloud');
    const sweep = sweepBandwidth(sourceOf('resnet-mini'), wide, {
      hop: 1,
      fromMbps: 1,
      toMbps: 1000,
      steps: 4,
    });
    expect(sweep.server).toBe('cloud');
    expect(sweep.link.tiers).toBe('edge-cloud');
    expect(sweep.points.map((p) => p.mbps)).toEqual(
      Array.from({ length: 4 }, (_, s) => 1 * (1000 / 1) ** (s / 3)),
    );
    expect(sweep.points.every((p) => p.currentMs === undefined)).toBe(true);
    for (const p of sweep.points) expect(p.deviceOnlyMs).toBe(sweep.points[0]!.deviceOnlyMs);
  });

  it('sets the bandwidth both ways and drops measured points, leaving other hops alone', () => {
    const wide = loadTopology('pi4-wifi-edge-wan-cloud');
    const measured = {
      ...wide,
      hops: wide.hops.map((link, h) =>
        h === 0 ? { ...link, measured: [{ bytes: 1, latencyMs: 1 }], fitDegree: 1 } : link,
      ),
    };
    const swept = withBandwidth(measured, 0, 5);
    expect(swept.hops[0]).toMatchObject({ uplinkMbps: 5, downlinkMbps: 5 });
    expect(swept.hops[0]).not.toHaveProperty('measured');
    expect(swept.hops[0]).not.toHaveProperty('fitDegree');
    expect(swept.hops[1]).toBe(wide.hops[1]);
  });

  it('refuses a range that does not go up and a hop the topology lacks, as the CLI does', () => {
    const messageOf = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        if (isCutlineError(error)) return `${error.code}: ${error.message}`;
        throw error;
      }
      throw new Error('no error');
    };
    expect(
      messageOf(() => sweepBandwidth(source, topology, { hop: 0, fromMbps: 10, toMbps: 10, steps: 3 })),
    ).toBe('BAD_CONSTRAINT: --to (10) must be larger than --from (10).');
    expect(
      messageOf(() => sweepBandwidth(source, topology, { hop: 1, fromMbps: 1, toMbps: 10, steps: 3 })),
    ).toMatch(/^BAD_TOPOLOGY: The topology n2-wifi-i7 has no hop 1/);
    expect(
      messageOf(() => sweepBandwidth(source, topology, { hop: 0, fromMbps: 1, toMbps: 10, steps: 1 })),
    ).toMatch(/^BAD_CONSTRAINT: A sweep needs at least 2 steps/);
  });
});
