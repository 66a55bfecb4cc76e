/**
 * GELU and LayerNorm written out node by node fold into one kernel, as onnxruntime runs them
 * (core/predict/fusion-patterns.ts): the pattern's nodes are fused into its last node, which
 * carries the whole pattern's work; a real optimised session runs no kernel of the fused nodes
 * and every kernel it runs lands on an anchor, found by name, by a trailing-slash name or through
 * the optimised graph onnxruntime wrote (core/profiling/kernel-attribution.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { fusionOf } from '../core/predict/fusion.js';
import { nodeWork } from '../core/predict/roofline.js';
import { KERNEL_ATTRIBUTION_VERSION, kernelNode } from '../core/profiling/kernel-attribution.js';
import { decomposedLayerNorm, erfGelu } from '../core/profiling/kernel-pattern-samples.js';
import { runKernelProfile } from '../core/profiling/kernel-profile.js';
import { Chain } from '../core/profiling/kernel-samples.js';
import { kernelStaleReason, type KernelEntry, type KernelKey } from '../core/profiling/kernel-table.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-fusion-patterns-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** x → LayerNorm → MatMul + bias → GELU → MatMul, all written out; 96 tokens of width 64. */
function writtenOutBlock(): Uint8Array {
  const chain = new Chain('written-out-test');
  const x = chain.plainInput([1, 96, 64]);
  const normed = decomposedLayerNorm(chain, x, 64);
  const hidden = chain.op('Add', [
    chain.op('MatMul', [normed, chain.weight([64, 256])]),
    chain.weight([256]),
  ]);
  const out = chain.op('MatMul', [erfGelu(chain, hidden), chain.weight([256, 64])]);
  return encodeModelProto(chain.build(out).proto);
}

describe('multi-node fusion patterns', () => {
  it('folds a written-out LayerNorm and GELU into their last nodes, which carry the whole pattern', () => {
    const analysis = analyzeBytes(writtenOutBlock());
    const { nodes } = analysis.graph;
    const { anchors, patterns } = fusionOf(analysis.graph);
    const kinds = [...patterns.values()].map((p) => [p.kind, p.members.length]);
    expect(kinds).toEqual([
      ['normalization', 9],
      ['activation', 5],
    ]);
    for (const pattern of patterns.values()) {
      for (const member of pattern.members) expect(anchors[member]).toBe(pattern.anchor);
      const work = nodeWork(analysis, pattern.anchor);
      expect(work.kernel?.kind).toBe(pattern.kind);
      expect(work.kernel?.fused).toBe(false);
      const memberFlops = pattern.members.reduce((s, m) => s + analysis.costs[m]!.flops, 0);
      expect(work.kernel?.flops).toBe(memberFlops);
      // Read once, written once: twice the pattern's output.
      expect(work.kernel?.activationBytes).toBe(2 * analysis.costs[pattern.anchor]!.outputBytes);
      const erf = nodes.find((n) => n.opType === 'Erf')!;
      if (pattern.kind === 'activation') expect(pattern.members).toContain(erf.index);
    }
    // The MatMul's bias Add still folds into the MatMul; the MatMuls keep their own kernels.
    const matmuls = nodes.filter((n) => n.opType === 'MatMul');
    expect(matmuls.every((m) => anchors[m.index] === m.index)).toBe(true);
  });

  it('leaves a pattern whose intermediate is read elsewhere unfused', () => {
    const chain = new Chain('gelu-leaky');
    const x = chain.plainInput([1, 8, 32]);
    const gelu = erfGelu(chain, x);
    // Read the Erf's result a second time: onnxruntime cannot fuse, nor may Cutline.
    const proto = chain.build(gelu).proto;
    const graphProto = proto.graph!;
    const erfOut = graphProto.node!.find((n) => n.opType === 'Erf')!.output![0]!;
    graphProto.node!.push({ opType: 'Neg', input: [erfOut], output: ['leak'], name: 'leak' });
    graphProto.output!.push({ name: 'leak', type: graphProto.output![0]!.type! });
    const analysis = analyzeBytes(encodeModelProto(proto));
    expect(fusionOf(analysis.graph).patterns.size).toBe(0);
  });

  it('attributes every kernel onnxruntime runs for the block to an anchor, and none to a fused node', async () => {
    const file = path.join(dir, 'written-out.onnx');
    fs.writeFileSync(file, writtenOutBlock());
    const measured = await runKernelProfile(file, { runs: 3, warmup: 1, intraOpThreads: 1 });
    const { anchors, patterns } = fusionOf(measured.analysis.graph);
    // No layout changes in a graph without convolutions: nothing is left unattributed.
    expect(measured.boundaryMs).toBe(0);
    const timed = new Set(measured.anchors.map((a) => a.index));
    for (const pattern of patterns.values()) {
      expect(timed.has(pattern.anchor)).toBe(true);
      for (const member of pattern.members.filter((m) => m !== pattern.anchor))
        expect(timed.has(member)).toBe(false);
    }
    for (const a of measured.anchors) expect(anchors[a.index]).toBe(a.index);
  });
});

describe('kernel attribution', () => {
  const analysis = analyzeBytes(writtenOutBlock());
  const graph = analysis.graph;
  const byName = new Map(graph.nodes.map((n) => [n.name, n.index]));
  const matmul = graph.nodes.find((n) => n.opType === 'MatMul')!;
  const lastMul = [...graph.nodes]
    .reverse()
    .find((n) => n.opType === 'Mul' && n.index < graph.nodes.length - 1)!;

  it('finds a node behind a trailing-slash fusion name and through the optimised graph', () => {
    expect(kernelNode(graph, byName, `${matmul.name}/MatMulScaleFusion/`)).toBe(matmul.index);
    const optimized = new Map([
      ['BiasGelu_token_3', { opType: 'BiasGelu', outputs: [lastMul.outputs[0]!] }],
      ['ReorderOutput_token_1', { opType: 'ReorderOutput', outputs: [lastMul.outputs[0]!] }],
    ]);
    expect(kernelNode(graph, byName, 'BiasGelu_token_3', optimized)).toBe(lastMul.index);
    // Layout changes are the run's boundary cost, whatever tensor they write.
    expect(kernelNode(graph, byName, 'ReorderOutput_token_1', optimized)).toBe(-1);
    expect(kernelNode(graph, byName, 'BiasGelu_token_3')).toBe(-1);
  });

  it('re-times kept kernel timings attributed by older rules', () => {
    const key: KernelKey = {
      modelSha256: 'a'.repeat(64),
      inputShapes: {},
      ortVersion: '1',
      graphOptimizationLevel: 'all',
      intraOpThreads: 1,
      cpu: 'cpu',
      attribution: KERNEL_ATTRIBUTION_VERSION,
    };
    const entry = (k: KernelKey): KernelEntry => ({
      key: k,
      modelName: 'm',
      measuredAt: new Date(0).toISOString(),
      runs: 10,
      warmup: 2,
      isSample: false,
      anchors: [],
      boundaryMs: 0,
      kernelSumMs: 0,
      kernelsRun: 0,
      wallMs: 1,
      quietWallMs: 1,
      cpuMs: 1,
      tensorsHanded: 2,
    });
    const old: KernelKey = { ...key };
    delete (old as { attribution?: number }).attribution;
    expect(kernelStaleReason(entry(old), key, { runs: 10, warmup: 2 })).toBe(
      'kernels attributed by older rules',
    );
    expect(kernelStaleReason(entry(key), key, { runs: 10, warmup: 2 })).toBeNull();
  });
});
