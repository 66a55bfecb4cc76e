/**
 * The layout copies onnxruntime adds around its blocked (NCHWc) kernels (core/predict/layout.ts):
 * Cutline's count, on this machine's channel block, equals the ReorderInput and ReorderOutput
 * nodes in the optimised graph a real onnxruntime session writes, for the samples, the
 * calibration's generated networks (squeeze-and-excitation at unaligned channels, grouped convs of
 * 8 channels per group, bottlenecks without a blocked residual), two models held out of
 * calibration and convs over 18, 20 and 24 channels; and a node that pays for copies predicts
 * longer on a kernel-level device.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { decodeModelProto, encodeModelProto } from '../core/onnx/codec.js';
import { fusionOf } from '../core/predict/fusion.js';
import { extractSubModel } from '../core/export/extract.js';
import { splitSegments } from '../core/export/segments.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { partitionSource } from '../core/partition/source.js';
import { layoutReorders } from '../core/predict/layout.js';
import { sameDeviceTopology } from '../core/profiling/segment-eval.js';
import { cutCopiesOf, nodeWork, predictComputeMs } from '../core/predict/roofline.js';
import { kernelNetworks } from '../core/profiling/kernel-networks.js';
import { Chain } from '../core/profiling/kernel-samples.js';
import { loadDeviceProfile } from '../core/profiles/load.js';
import type { DeviceProfile } from '../core/profiles/types.js';
import { writeHoldoutModels } from './support/holdout-models.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-layout-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const samples = ['edge-prune-vehicle', 'resnet-mini', 'mobilenetv2-mini', 'transformer-encoder'].map((name) =>
  path.join(import.meta.dirname, '..', 'samples', `${name}.onnx`),
);

/** The layout copies in the graph onnxruntime optimised for this CPU. */
async function ortReorders(file: string): Promise<number> {
  const optimized = path.join(dir, `${path.basename(file)}.optimized.onnx`);
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    optimizedModelFilePath: optimized,
    logSeverityLevel: 3,
  });
  await session.release();
  const nodes = decodeModelProto(fs.readFileSync(optimized)).graph?.node ?? [];
  return nodes.filter((n) => n.opType === 'ReorderInput' || n.opType === 'ReorderOutput').length;
}

/** onnxruntime's NCHWc block on this CPU: 16 channels with AVX-512, else 8 (MLAS). */
function hostBlock(): 8 | 16 {
  return /\bavx512f\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8')) ? 16 : 8;
}

/**
 * Convolutions over channel counts that are not whole blocks: onnxruntime blocks 20 and 24
 * channels (padding them) but leaves 18 in plain NCHW, dense or depthwise (its input reorder takes
 * multiples of 4 only).
 */
function unalignedConvs(): string[] {
  return [18, 20, 24].flatMap((c) =>
    [1, c].map((groups) => {
      const chain = new Chain(`unaligned-${c}-g${groups}`);
      const x = chain.op('Relu', [chain.conv(chain.plainInput([1, c, 28, 28]), c, c, 3, 1, groups)]);
      const file = path.join(dir, `${chain.name}.onnx`);
      fs.writeFileSync(
        file,
        encodeModelProto(chain.build(chain.op('Sigmoid', [chain.op('Add', [x, x])])).proto),
      );
      return file;
    }),
  );
}

describe('NCHWc layout copies', () => {
  it('counts the reorders onnxruntime inserts, model by model', async () => {
    const block = hostBlock();
    const networks = kernelNetworks().map((n) => {
      const file = path.join(dir, `${n.name}.onnx`);
      fs.writeFileSync(file, encodeModelProto(n.proto));
      return file;
    });
    const files = [...samples, ...networks, ...writeHoldoutModels(dir), ...unalignedConvs()];
    const rows: string[] = [];
    let total = 0;
    for (const file of files) {
      const analysis = analyzeFile(file);
      const predicted = [
        ...layoutReorders(analysis, fusionOf(analysis.graph).anchors, block).values(),
      ].reduce((sum, r) => sum + r.count, 0);
      const actual = await ortReorders(file);
      rows.push(`${path.basename(file)}: ${predicted} predicted, ${actual} in onnxruntime's graph`);
      expect(predicted, path.basename(file)).toBe(actual);
      total += actual;
    }
    console.log(`block ${block}\n${rows.join('\n')}`);
    // The set is not trivially empty: the squeeze-and-excitation and grouped networks reorder.
    expect(total).toBeGreaterThanOrEqual(20);
  });

  it('adds the copies a cut makes: out of the blocked segment, into the next one, as onnxruntime runs the segments', async () => {
    const block = hostBlock();
    const chain = new Chain('two-convs');
    const first = chain.op('Relu', [chain.conv(chain.plainInput([1, 16, 28, 28]), 16, 32, 3)]);
    const file = path.join(dir, 'two-convs.onnx');
    fs.writeFileSync(
      file,
      encodeModelProto(chain.build(chain.op('Relu', [chain.conv(first, 32, 32, 3)])).proto),
    );
    const analysis = analyzeFile(file);
    expect(cutCopiesOf(analysis, first)?.[block]).toEqual({ out: true, in: true });
    // Device: the first Conv and its ReLU; edge: the second.
    const firstRelu = analysis.graph.tensors.get(first)!.producer;
    const nodeTiers = analysis.graph.nodes.map((n) => (n.index <= firstRelu ? 0 : 1));
    for (const segment of splitSegments(analysis, nodeTiers, ['device', 'edge'])) {
      const segmentFile = path.join(dir, `two-convs-${segment.id}.onnx`);
      fs.writeFileSync(segmentFile, extractSubModel(analysis, segment));
      const own = segment.nodes.reduce(
        (n, node) => n + (nodeWork(analysis, node).kernel?.layout?.[block]?.count ?? 0),
        0,
      );
      // One copy each side of the cut, beside the whole model's own (the input's and the output's).
      expect(own + 1, segment.id).toBe(await ortReorders(segmentFile));
    }
    // Priced on a kernel-level device: the cut adds a copy of the cut tensor on each tier.
    const device: DeviceProfile = {
      ...loadDeviceProfile('i7-8650u-edge'),
      channelBlock: block,
      kernelModels: {
        convDense: { ms: 0.01, msPerGflop: 1, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        activation: { ms: 0.002, msPerGflop: 0, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        dataMovement: { ms: 0.003, msPerMB: 0.05, msPerWeightMB: 0, msPerGflop: 0, samples: 3 },
      },
    };
    const { source } = partitionSource(analysis);
    const problem = problemFromSource(source, sameDeviceTopology(device));
    const cutAfter = source.units.findIndex((u) => u.name === analysis.graph.nodes[firstRelu]!.name);
    const placement = Uint8Array.from(source.units, (_, u) => (u <= cutAfter ? 0 : 1));
    const together = new Uint8Array(source.units.length);
    const copy = 0.003 + (0.05 * source.tensors.find((t) => t.name === first)!.bytes) / 1e6;
    const split = evaluatePlacement(problem, placement);
    const whole = evaluatePlacement(problem, together);
    expect(split.computeMsPerTier[0]! + split.computeMsPerTier[1]!).toBeCloseTo(
      whole.computeMsPerTier[0]! + 2 * copy,
      9,
    );
  });

  it('charges each copy as data movement to the node that pays it, on a device with kernel models', () => {
    const file = path.join(dir, 'net-squeeze-excite.onnx');
    fs.writeFileSync(
      file,
      encodeModelProto(kernelNetworks().find((n) => n.name === 'net-squeeze-excite')!.proto),
    );
    const analysis = analyzeFile(file);
    const paying = analysis.graph.nodes.filter((n) => nodeWork(analysis, n.index).kernel?.layout?.[16]);
    expect(paying.length).toBeGreaterThan(0);
    const base = loadDeviceProfile('i7-8650u-edge');
    const device = (move: number): DeviceProfile => ({
      ...base,
      channelBlock: 16,
      kernelModels: {
        convPointwise: { ms: 0.01, msPerGflop: 1, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        convDepthwise: { ms: 0.01, msPerGflop: 1, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        elementwise: { ms: 0.002, msPerGflop: 0, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        pooling: { ms: 0.002, msPerGflop: 0, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 },
        dataMovement: { ms: move, msPerMB: 0.05, msPerWeightMB: 0, msPerGflop: 0, samples: 3 },
      },
    });
    for (const node of paying) {
      const work = nodeWork(analysis, node.index);
      const copies = work.kernel!.layout![16]!;
      const withCopies = predictComputeMs(device(0.003), 'fp32', work);
      const kernel = { ...work.kernel! };
      delete (kernel as { layout?: unknown }).layout;
      const without = predictComputeMs(device(0.003), 'fp32', { ...work, kernel });
      expect(withCopies - without).toBeCloseTo(copies.count * 0.003 + (0.05 * copies.bytes) / 1e6, 9);
    }
  });
});
