/**
 * A placement that cuts a fused layer off its kernel (resnet-mini's first ReLU on another tier
 * than its Conv) breaks the fusion: on a kernel-level profile the ReLU then costs a kernel of its
 * own on its tier, in evaluatePlacement's per-tier compute, latency and energy; on the same tier
 * as its Conv it still costs nothing, and a roofline profile (every layer costed alone already)
 * adds nothing.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { partitionSource } from '../core/partition/source.js';
import { predictComputeMs } from '../core/predict/compute-time.js';
import { sameDeviceTopology } from '../core/profiling/segment-eval.js';
import { loadDeviceProfile } from '../core/profiles/load.js';
import type { DeviceProfile, KernelModel } from '../core/profiles/types.js';

const model = (ms: number, msPerMB: number): KernelModel => ({
  ms,
  msPerGflop: 0.5,
  msPerMB,
  msPerWeightMB: 0.01,
  samples: 3,
});

const kernelLevel: DeviceProfile = {
  ...loadDeviceProfile('i7-8650u-edge'),
  kernelModels: {
    convDense: model(0.01, 0.02),
    convPointwise: model(0.01, 0.02),
    activation: model(0.004, 0.05),
    normalization: model(0.004, 0.05),
    pooling: model(0.003, 0.05),
    elementwise: model(0.003, 0.05),
    matmul: model(0.005, 0.02),
    dataMovement: model(0.002, 0.03),
  },
  channelBlock: 16,
};

describe('cutting a fused layer off its kernel', () => {
  const analysis = analyzeFile(path.join(import.meta.dirname, '..', 'samples', 'resnet-mini.onnx'));
  const { source } = partitionSource(analysis);
  const relu = source.units.findIndex((u) => u.name === '/relu/Relu');
  const conv = source.units.findIndex((u) => u.name === '/conv1/Conv');

  it('names the unit a fused layer belongs to', () => {
    expect(relu).toBeGreaterThan(conv);
    expect(source.units[relu]!.fusedInto).toBe(conv);
    expect(source.units[relu]!.alone?.kernel?.kind).toBe('activation');
    expect(source.units[conv]!.fusedInto).toBeUndefined();
  });

  it("adds the layer's own kernel to its tier when the cut falls between it and its Conv", () => {
    const problem = problemFromSource(source, sameDeviceTopology(kernelLevel));
    const k = problem.tiers.length;
    expect(problem.computeMs[relu * k]).toBe(0);
    const together = new Uint8Array(source.units.length).fill(0);
    for (let u = relu; u < source.units.length; u++) together[u] = 1;
    const apart = together.slice();
    apart[relu] = 1;
    // Both on the edge: still fused. The ReLU alone on the edge, its Conv on the device: not.
    const inTogether = together.map((_, u) => (u >= conv ? 1 : 0));
    const alone = predictComputeMs(kernelLevel, 'fp32', source.units[relu]!.alone!);
    expect(alone).toBeGreaterThan(0.004);
    const cut = evaluatePlacement(problem, apart);
    const whole = evaluatePlacement(problem, inTogether);
    const reference = evaluatePlacement(
      problem,
      together.map((t, u) => (u === relu ? 0 : t)),
    );
    // `apart` and `reference` differ only in where the ReLU runs: fused on the device, or alone on the edge.
    expect(cut.computeMsPerTier[1]! - reference.computeMsPerTier[1]!).toBeCloseTo(alone, 9);
    expect(cut.latencyMs - reference.latencyMs).toBeCloseTo(alone, 6);
    const total = (e: typeof cut): number => e.computeMsPerTier.reduce((a, b) => a + b, 0);
    expect(total(cut) - total(whole)).toBeGreaterThanOrEqual(alone - 1e-9);
  });

  it('adds nothing on a roofline profile, which costs every layer alone', () => {
    const problem = problemFromSource(source, sameDeviceTopology(loadDeviceProfile('i7-8650u-edge')));
    expect(problem.splitFusion).toBeUndefined();
  });
});
