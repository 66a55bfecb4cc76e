/**
 * The kernel-level predictor: which nodes onnxruntime fuses (checked against what a real
 * optimised session runs), the fit recovering known coefficients, and the fixed cost of a
 * segment run charged once per used tier in evaluatePlacement (so every solver reports it).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { partitionSource } from '../core/partition/source.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { runSolver } from '../core/partition/solve.js';
import { paddedFlops, runKind, type KernelWork } from '../core/predict/compute-time.js';
import { fusionAnchors } from '../core/predict/fusion.js';
import { nodeWork, predictComputeMs } from '../core/predict/roofline.js';
import { attributeRun } from '../core/profiling/kernel-attribution.js';
import { calibrateKernels } from '../core/profiling/kernel-calibrate.js';
import { fitKernelModels, withKernelModels } from '../core/profiling/kernel-fit.js';
import { deviceProfileSchema } from '../core/profiles/schema.js';
import type { KernelMeasurement } from '../core/profiling/kernel-profile.js';
import { runKernelProfile } from '../core/profiling/kernel-profile.js';
import { kernelSamples } from '../core/profiling/kernel-samples.js';
import { solveNnls } from '../core/profiling/nnls.js';
import { loadDeviceProfile, loadTopology } from '../core/profiles/load.js';
import type { DeviceProfile, Topology } from '../core/profiles/types.js';

const sample = (name: string): string => path.join(import.meta.dirname, '..', 'samples', `${name}.onnx`);

describe('fusion anchors', () => {
  it("folds ResNet's BatchNorm, residual Add and ReLU into the convolution before them", () => {
    const analysis = analyzeFile(sample('resnet-mini'));
    const { nodes } = analysis.graph;
    const anchors = fusionAnchors(analysis.graph);
    const anchorOf = (name: string): string =>
      nodes[anchors[nodes.find((n) => n.name === name)!.index]!]!.name;
    expect(anchorOf('/bn1/BatchNormalization')).toBe('/conv1/Conv');
    expect(anchorOf('/relu/Relu')).toBe('/conv1/Conv');
    expect(anchorOf('/maxpool/MaxPool')).toBe('/maxpool/MaxPool');
    expect(anchorOf('/layer1/layer1.0/bn2/BatchNormalization')).toBe('/layer1/layer1.0/conv2/Conv');
    expect(anchorOf('/layer1/layer1.0/Add')).toBe('/layer1/layer1.0/conv2/Conv');
    expect(anchorOf('/layer1/layer1.0/relu/Relu_1')).toBe('/layer1/layer1.0/conv2/Conv');
    expect(anchorOf('/layer2/layer2.0/downsample/1/BatchNormalization')).toBe(
      '/layer2/layer2.0/downsample/0/Conv',
    );
    expect(anchorOf('/fc/Gemm')).toBe('/fc/Gemm');
    // A fused node predicts as nothing on a device with kernel models, as the roofline without.
    const relu = nodes.find((n) => n.name === '/relu/Relu')!.index;
    const withModels: DeviceProfile = {
      ...loadDeviceProfile('i7-8650u-edge'),
      kernelModels: { activation: { ms: 0.01, msPerGflop: 1, msPerMB: 1, msPerWeightMB: 0, samples: 3 } },
    };
    expect(nodeWork(analysis, relu).kernel?.fused).toBe(true);
    expect(predictComputeMs(withModels, 'fp32', nodeWork(analysis, relu))).toBe(0);
    expect(
      predictComputeMs(loadDeviceProfile('i7-8650u-edge'), 'fp32', nodeWork(analysis, relu)),
    ).toBeGreaterThan(0);
  });

  it('matches what onnxruntime runs with graph optimisations on: every kernel lands on an anchor', async () => {
    for (const name of ['resnet-mini', 'mobilenetv2-mini']) {
      const measured = await runKernelProfile(sample(name), { runs: 2, warmup: 1, intraOpThreads: 1 });
      const anchors = fusionAnchors(measured.analysis.graph);
      const timed = new Set(measured.anchors.map((a) => a.index));
      // Nothing ORT ran belongs to a node Cutline thinks is fused away...
      for (const index of timed)
        expect(anchors[index], measured.analysis.graph.nodes[index]!.name).toBe(index);
      // ...and every convolution Cutline keeps runs a kernel of its own.
      for (const node of measured.analysis.graph.nodes)
        if (node.opType === 'Conv') expect(timed.has(node.index), node.name).toBe(true);
      // ...and so does every node Cutline gives its own kernel, which leaves the boundary the
      // kernel or two ORT adds (a layout reorder). Counted, not timed: the reorder takes ~3 µs, and
      // one preemption inside it on a loaded machine would break any ratio of times.
      const own = measured.analysis.graph.nodes.filter((n) => anchors[n.index] === n.index);
      expect(timed.size).toBe(own.length);
      expect(measured.kernelsRun - timed.size).toBeLessThanOrEqual(2);
    }
  });
});

describe('channel blocks', () => {
  const conv = (
    kind: KernelWork['kind'],
    channelsIn: number,
    channelsOut: number,
    groups = 1,
  ): KernelWork => ({
    kind,
    fused: false,
    activationBytes: 0,
    weightBytes: 0,
    channelsIn,
    channelsOut,
    groups,
  });

  it('pads input and output channels to a whole block, narrow inputs not at all', () => {
    expect(paddedFlops(1e6, conv('convDense', 24, 24), 16)).toBeCloseTo(1e6 * (32 / 24) ** 2, 3);
    expect(paddedFlops(1e6, conv('convDense', 3, 24), 16)).toBeCloseTo(1e6 * (32 / 24), 3);
    expect(paddedFlops(1e6, conv('convPointwise', 32, 64), 16)).toBe(1e6);
    expect(paddedFlops(1e6, conv('convDepthwise', 40, 40, 40), 16)).toBeCloseTo(1e6 * (48 / 40), 3);
    // onnxruntime leaves convs over 18 channels in plain NCHW: nothing padded.
    expect(paddedFlops(1e6, conv('convDense', 18, 18), 16)).toBe(1e6);
    expect(paddedFlops(1e6, conv('convDepthwise', 18, 18, 18), 16)).toBe(1e6);
    expect(paddedFlops(1e6, conv('convDense', 24, 24), 1)).toBe(1e6);
    // No channels, no work: 0, not NaN (which the min cut refuses as a capacity).
    expect(paddedFlops(0, conv('convDense', 16, 0), 16)).toBe(0);
    expect(paddedFlops(0, conv('convDepthwise', 0, 0, 1), 16)).toBe(0);
  });

  it('runs a grouped conv blocked when its groups hold whole blocks', () => {
    expect(runKind(conv('convGrouped', 368, 368, 23), 16)).toBe('convDense');
    expect(runKind(conv('convGrouped', 368, 368, 46), 16)).toBe('convGrouped');
    expect(runKind(conv('convGrouped', 368, 368, 23), 1)).toBe('convGrouped');
  });
});

describe('kernel attribution', () => {
  it("gives each optimised kernel to its anchor by ORT's names, and the rest to the boundary", () => {
    const linear = kernelSamples().find((s) => s.name.startsWith('linear-'))!;
    const analysis = analyzeBytes(encodeModelProto(linear.proto));
    const { graph } = analysis;
    const matmul = graph.nodes.find((n) => n.opType === 'MatMul')!;
    const bias = graph.nodes.find((n) => n.opType === 'Add' && n.inputs.includes(matmul.outputs[0]!))!;
    const prelude = graph.nodes.find((n) => n.opType === 'Mul')!;
    const kernel = (ms: number) => ({ opName: 'x', ms });
    const run = {
      durationMs: 1,
      kernels: new Map([
        [`${matmul.name}/MatMulAddFusion`, kernel(0.5)],
        [`${prelude.outputs[0]}_nchwc`, kernel(0.25)],
        ['ReorderOutput', kernel(0.125)],
        ['gemm_input_reshape', kernel(0.0625)],
      ]),
    };
    const anchors = fusionAnchors(graph);
    expect(anchors[bias.index]).toBe(matmul.index);
    const attributed = attributeRun(graph, anchors, run);
    expect(attributed.anchorMs.get(matmul.index)).toBe(0.5);
    expect(attributed.anchorMs.get(prelude.index)).toBe(0.25);
    expect(attributed.boundaryMs).toBe(0.1875);
    expect(attributed.kernels).toBe(4);
  });
});

describe('fitting', () => {
  it('non-negative least squares recovers known coefficients and clips a negative one at 0', () => {
    const rows = [1, 2, 3, 4, 5, 6].map((a) => ({
      features: [1, a, a * a],
      target: 0.5 + 2 * a + 0.25 * a * a,
      weight: 1,
    }));
    const { x } = solveNnls(rows, 3);
    expect(x[0]).toBeCloseTo(0.5, 9);
    expect(x[1]).toBeCloseTo(2, 9);
    expect(x[2]).toBeCloseTo(0.25, 9);
    const falling = [1, 2, 3].map((a) => ({ features: [1, a], target: 10 - a, weight: 1 }));
    expect(solveNnls(falling, 2).x[1]).toBe(0);
  });

  it('fitKernelModels recovers a known per-kind model and channel block from generated samples', () => {
    const truth = { ms: 0.004, msPerGflop: 9, msPerMB: 0.02, msPerWeightMB: 0 };
    const measurements: KernelMeasurement[] = kernelSamples()
      .filter((s) => s.name.startsWith('conv3x3') || s.name.startsWith('conv1x1'))
      .map((s): KernelMeasurement => {
        const analysis = analyzeBytes(encodeModelProto(s.proto));
        const anchors = analysis.graph.nodes
          .filter((n) => n.opType === 'Conv')
          .map((n) => {
            const work = nodeWork(analysis, n.index);
            const ms =
              truth.ms +
              (truth.msPerGflop * paddedFlops(work.flops, work.kernel!, 16)) / 1e9 +
              (truth.msPerMB * work.kernel!.activationBytes) / 1e6;
            return { index: n.index, name: n.name, medianMs: ms, quietMs: ms };
          });
        const kernelSumMs = anchors.reduce((sum, a) => sum + a.medianMs, 0);
        // Each run costs 0.01 ms more than its kernels, plus 0.002 ms per tensor handed.
        const wallMs = kernelSumMs + 0.01 + 0.002 * 2;
        return {
          modelPath: s.name,
          analysis,
          anchors,
          boundaryMs: 0,
          kernelSumMs,
          kernelsRun: anchors.length,
          wallMs,
          quietWallMs: wallMs,
          cpuMs: wallMs,
          tensorsHanded: 2,
          intraOpThreads: 1,
        };
      });
    const fit = fitKernelModels(measurements);
    expect(fit.channelBlock).toBe(16);
    for (const kind of ['convDense', 'convPointwise'] as const) {
      const model = fit.kernelModels[kind]!;
      expect(model.msPerGflop).toBeCloseTo(truth.msPerGflop, 6);
      expect(model.msPerMB).toBeCloseTo(truth.msPerMB, 6);
      expect(model.ms).toBeCloseTo(truth.ms, 6);
    }
    expect(fit.segmentOverheadMs + 2 * fit.tensorOverheadMs).toBeCloseTo(0.014, 6);
    // The profile that carries it is a valid device profile, every new figure with its source.
    const profile = withKernelModels(loadDeviceProfile('i7-8650u-edge'), fit, 'fitted in a test');
    expect(deviceProfileSchema.safeParse(profile).error).toBeUndefined();
    expect(profile.channelBlock).toBe(16);
  });
});

describe('calibrateKernels', () => {
  it('times real models as a tier runs them and fits a profile that predicts them', async () => {
    const models = ['resnet-mini', 'mobilenetv2-mini'].map((name) => ({ path: sample(name) }));
    const fit = await calibrateKernels(models, {
      runs: 3,
      warmup: 1,
      intraOpThreads: 1,
      withoutSamples: true,
    });
    expect(fit.samples).toBe(0);
    expect(fit.models).toBe(2);
    expect(
      fit.kernelModels.convDense?.msPerGflop ?? fit.kernelModels.convPointwise?.msPerGflop,
    ).toBeGreaterThan(0);
    const profile = withKernelModels(loadDeviceProfile('i7-8650u-edge'), fit, 'fitted in a test');
    expect(deviceProfileSchema.safeParse(profile).error).toBeUndefined();
    // The whole model on one tier: its layers plus one run's fixed costs, a positive figure.
    const analysis = analyzeFile(sample('resnet-mini'));
    const problem = problemFromSource(partitionSource(analysis).source, {
      ...loadTopology('pi4-wifi-edge-wan-cloud'),
      tiers: loadTopology('pi4-wifi-edge-wan-cloud').tiers.map((t) => ({ ...t, device: profile })),
    });
    const whole = evaluatePlacement(problem, new Uint8Array(problem.units.length));
    expect(whole.computeMsPerTier[0]).toBeGreaterThan(profile.segmentOverheadMs ?? 0);
  });
});

describe('segment overhead in evaluatePlacement', () => {
  const withOverhead = (topology: Topology): Topology => ({
    ...topology,
    tiers: topology.tiers.map((t) => ({
      ...t,
      device: { ...t.device, segmentOverheadMs: 1, tensorOverheadMs: 0.1 },
    })),
  });

  it('is charged once per used tier, with one binding per tensor handed in or out', () => {
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const { source } = partitionSource(analyzeFile(sample('edge-prune-vehicle')));
    const plain = problemFromSource(source, topology);
    const charged = problemFromSource(source, withOverhead(topology));
    expect(plain.segmentCost).toBeUndefined();
    const units = source.units.length;
    const allDevice = new Uint8Array(units);
    // Device only: one run, the image in and the class scores out.
    const d0 = evaluatePlacement(plain, allDevice);
    const d1 = evaluatePlacement(charged, allDevice);
    expect(d1.latencyMs - d0.latencyMs).toBeCloseTo(1 + 0.1 * 2, 9);
    expect(d1.computeMsPerTier[0]! - d0.computeMsPerTier[0]!).toBeCloseTo(1.2, 9);
    expect(d1.computeMsPerTier[1]).toBe(0);
    // The first half of the layers on the device, the rest on the edge: one tensor goes up (out
    // of the device's segment, into the edge's) and the scores come back from the edge's segment.
    const split = new Uint8Array(units).map((_, u) => (u < units / 2 ? 0 : 1));
    const s0 = evaluatePlacement(plain, split);
    const s1 = evaluatePlacement(charged, split);
    expect(s0.cutTensors.filter((t) => t.fromTier === 0)).toHaveLength(1);
    expect(s1.computeMsPerTier[0]! - s0.computeMsPerTier[0]!).toBeCloseTo(1 + 0.1 * 2, 9);
    expect(s1.computeMsPerTier[1]! - s0.computeMsPerTier[1]!).toBeCloseTo(1 + 0.1 * 2, 9);
    expect(s1.latencyMs - s0.latencyMs).toBeCloseTo(2.4, 9);
    // The cloud holds nothing and pays nothing.
    expect(s1.computeMsPerTier[2]).toBe(0);
    // Device → edge → device: the device runs two segments (as the export cuts them), each a
    // run: the image in and a tensor out, then a tensor in and the scores out.
    const back = new Uint8Array(units).map((_, u) => (u < units / 3 || u >= (2 * units) / 3 ? 0 : 1));
    const b0 = evaluatePlacement(plain, back);
    const b1 = evaluatePlacement(charged, back);
    expect(b1.computeMsPerTier[0]! - b0.computeMsPerTier[0]!).toBeCloseTo(2 * 1 + 0.1 * 4, 9);
    expect(b1.computeMsPerTier[1]! - b0.computeMsPerTier[1]!).toBeCloseTo(1 + 0.1 * 2, 9);
  });

  it("every solver's figures are evaluatePlacement's, overhead included", () => {
    const topology = withOverhead(loadTopology('pi4-wifi-edge-wan-cloud'));
    const problem = problemFromSource(partitionSource(analyzeFile(sample('resnet-mini'))).source, topology);
    for (const solver of ['single-split', 'two-split', 'min-cut', 'tiers'] as const) {
      const plan = runSolver(problem, solver, { kind: 'latency' }, {});
      expect(plan.evaluation.latencyMs).toBe(evaluatePlacement(problem, plan.placement).latencyMs);
      const used = plan.evaluation.unitsPerTier.filter((n) => n > 0).length;
      expect(plan.evaluation.latencyMs).toBeGreaterThan(used);
    }
  });
});
