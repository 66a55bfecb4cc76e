/**
 * The per-tier prediction scorer (core/profiling/segment-eval*.ts): the balanced split, the error
 * arithmetic and its medians, and the runner on real held-out models with onnxruntime-node, whose
 * segments chained must compute what the whole model computes (so the bench times the real split).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bertLike } from '../bench/holdout/bert.js';
import { tierSessionOptions } from '../core/bundle/tier-serving.js';
import { analyzeFile } from '../core/analyze.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { partitionSource } from '../core/partition/source.js';
import {
  balancedCuts,
  balancedSplit,
  meetsGoal,
  predictTiers,
  sameDeviceTopology,
  scoreTiers,
  summarizeTierScores,
} from '../core/profiling/segment-eval.js';
import { measureBalancedSplit } from '../core/profiling/segment-eval-run.js';
import { loadDeviceProfile } from '../core/profiles/load.js';
import { writeHoldoutModels } from './support/holdout-models.js';

const reference = loadDeviceProfile('i7-8650u-edge');
const QUICK = { runs: 3, warmup: 1, sessionOptions: tierSessionOptions({ CUTLINE_THREADS: '1' }) };

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-segment-eval-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('balancedCuts', () => {
  it('puts a third of the cost on each tier where the units allow', () => {
    expect(balancedCuts([1, 1, 1, 1, 1, 1])).toEqual([2, 4]);
    expect(balancedCuts([1, 2, 3, 3, 2, 1])).toEqual([3, 4]);
  });

  it('keeps at least one unit on every tier, however the cost falls', () => {
    expect(balancedCuts([10, 1, 1])).toEqual([1, 2]);
    expect(balancedCuts([0, 0, 0, 0])).toEqual([1, 2]);
    expect(balancedCuts([1, 1, 1, 1, 100])).toEqual([3, 4]);
    expect(() => balancedCuts([1, 1])).toThrow(RangeError);
  });
});

describe('scoring', () => {
  it('gives signed errors per tier, Σ tiers and the whole model, and medians of |error|', () => {
    const a = scoreTiers({ tierMs: [2, 3, 4], wholeMs: 8 }, { tierMs: [1, 3, 5], wholeMs: 10 });
    expect(a.errorPercent).toEqual([100, 0, -20]);
    expect(a.endToEnd).toEqual({ predictedMs: 9, measuredMs: 9, errorPercent: 0 });
    expect(a.whole.errorPercent).toBeCloseTo(-20, 10);
    const b = scoreTiers({ tierMs: [1, 1, 1], wholeMs: 3 }, { tierMs: [1, 2, 4], wholeMs: 6 });
    const c = scoreTiers({ tierMs: [1.05, 0.9, 1], wholeMs: 3 }, { tierMs: [1, 1, 1], wholeMs: 3 });
    const summary = summarizeTierScores([a, b, c]);
    expect(summary.perTier.map((e) => Number(e.toFixed(6)))).toEqual([5, 10, 20]);
    expect(summary.endToEnd).toBeCloseTo(Math.abs((2.95 - 3) / 3) * 100, 10);
    expect(summary.whole).toBeCloseTo(20, 10);
    expect(meetsGoal(summary, 10)).toBe(false);
    expect(meetsGoal(summarizeTierScores([c]), 10)).toBe(true);
    expect(() => scoreTiers({ tierMs: [1, 1], wholeMs: 2 }, { tierMs: [1, 1, 1], wholeMs: 3 })).toThrow(
      RangeError,
    );
  });

  it('predicts each tier through the partition evaluator on three tiers of one device', () => {
    const topology = sameDeviceTopology(reference);
    expect(topology.tiers.map((t) => [t.name, t.device.id])).toEqual([
      ['device', reference.id],
      ['edge', reference.id],
      ['cloud', reference.id],
    ]);
    const { source } = partitionSource(
      analyzeFile(path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx')),
    );
    const split = balancedSplit(source, reference);
    // A chain placement along the layers' order: tiers never go back, each holds a layer.
    expect([...split.placement]).toEqual([...split.placement].sort((x, y) => x - y));
    expect(new Set(split.placement)).toEqual(new Set([0, 1, 2]));
    const predicted = predictTiers(source, reference, split.placement);
    expect(predicted.tierMs).toHaveLength(3);
    for (const ms of predicted.tierMs) expect(ms).toBeGreaterThan(0);
    expect(predicted.wholeMs).toBeGreaterThan(0);
  });
});

describe('measureBalancedSplit (onnxruntime-node)', () => {
  it('times every segment of a held-out CNN, whose chain computes the whole model', async () => {
    const file = writeHoldoutModels(tmp).find((f) => f.endsWith('separable-tower.onnx'))!;
    const { split, measurement } = await measureBalancedSplit(file, {}, reference, QUICK);
    expect(split.cuts).toHaveLength(2);
    expect(new Set(measurement.segments.map((s) => s.tier))).toEqual(new Set([0, 1, 2]));
    for (const s of measurement.segments) expect(s.medianMs).toBeGreaterThan(0);
    measurement.tierMs.forEach((ms, t) =>
      expect(ms).toBeCloseTo(
        measurement.segments.filter((s) => s.tier === t).reduce((sum, s) => sum + s.medianMs, 0),
        10,
      ),
    );
    expect(measurement.wholeMs).toBeGreaterThan(0);
    // The quiet figure is the tenth percentile of the same runs: never above the median.
    measurement.quiet.tierMs.forEach((ms, t) => expect(ms).toBeLessThanOrEqual(measurement.tierMs[t]!));
    expect(measurement.quiet.wholeMs).toBeLessThanOrEqual(measurement.wholeMs);
    expect(measurement.maxAbsOutput).toBeGreaterThan(0);
    expect(measurement.maxAbsDifference).toBeLessThanOrEqual(1e-5 * measurement.maxAbsOutput);
  });

  it('binds a symbolic sequence and splits a BERT-like encoder whose chain computes the whole model', async () => {
    const file = path.join(tmp, 'bert-like.onnx');
    fs.writeFileSync(file, encodeModelProto(bertLike.build()));
    const { analysis, measurement } = await measureBalancedSplit(
      file,
      { input_ids: [1, 16] },
      reference,
      QUICK,
    );
    expect(analysis.summary.outputs[0]!.shape).toEqual([1, 16, 256]);
    expect(new Set(measurement.segments.map((s) => s.tier))).toEqual(new Set([0, 1, 2]));
    expect(measurement.maxAbsOutput).toBeGreaterThan(0);
    expect(measurement.maxAbsDifference).toBeLessThanOrEqual(1e-5 * measurement.maxAbsOutput);
  });
});
