/**
 * Cutline's MACs and parameter counts for the samples, against figures worked out by hand here
 * from each architecture (see samples/models/*.ts for the layer tables).
 *
 * Counting rules: a Conv does out_elements × (C_in / group) × kH × kW MACs, a Gemm or MatMul
 * out_elements × K; parameters are weight tensors (float initializers and Constant outputs
 * feeding compute) of more than one element, so BatchNorm's running statistics count, scalar
 * constants (an attention scale, GELU's 0.5) and shape arguments do not.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';

const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

/** MACs and params of a Conv with bias `bias`, producing cout × h × w. */
function conv(
  cin: number,
  cout: number,
  k: number,
  h: number,
  w: number,
  options: { group?: number; bias?: boolean } = {},
) {
  const group = options.group ?? 1;
  return {
    macs: cout * h * w * (cin / group) * k * k,
    params: cout * (cin / group) * k * k + (options.bias === false ? 0 : cout),
  };
}
const dense = (k: number, n: number) => ({ macs: k * n, params: k * n + n });
const batchNorm = (c: number) => ({ macs: 0, params: 4 * c });
const sum = (...parts: { macs: number; params: number }[]) =>
  parts.reduce((a, b) => ({ macs: a.macs + b.macs, params: a.params + b.params }), { macs: 0, params: 0 });

describe('sample costs against hand counts', () => {
  it('edge-prune-vehicle: two 5×5 convs then three dense layers', () => {
    const layers = {
      '/L1/conv/Conv': conv(3, 32, 5, 96, 96), // 294,912 outputs × 75
      '/L2/conv/Conv': conv(32, 32, 5, 48, 48), // 73,728 outputs × 800
      '/L3/dense/Gemm': dense(18_432, 32),
      '/L4/dense/Gemm': dense(32, 32),
      '/L5/dense/Gemm': dense(32, 4),
    };
    const expected = sum(...Object.values(layers));
    expect(expected).toEqual({ macs: 81_691_776, params: 619_108 });
    const a = analyzeFile(sample('edge-prune-vehicle'));
    expect(a.totals.macs).toBe(expected.macs);
    expect(a.totals.params).toBe(expected.params);
    for (const [name, cost] of Object.entries(layers)) {
      const layer = a.layers.layers.find((l) => l.name === name)!;
      expect(layer.macs, name).toBe(cost.macs);
      expect(layer.params, name).toBe(cost.params);
    }
    // The paper's token sizes: 294,912 B after L1 and 73,728 B after L2.
    expect(a.layers.layers.find((l) => l.name === '/L1/relu/Relu')!.outputBytes).toBe(294_912);
    expect(a.layers.layers.find((l) => l.name === '/L2/relu/Relu')!.outputBytes).toBe(73_728);
  });

  it('resnet-mini: stem, three residual stages with projection shortcuts, classifier', () => {
    const noBias = { bias: false };
    const expected = sum(
      conv(3, 16, 3, 64, 64, noBias),
      batchNorm(16),
      // layer1: identity block at 32×32
      conv(16, 16, 3, 32, 32, noBias),
      batchNorm(16),
      conv(16, 16, 3, 32, 32, noBias),
      batchNorm(16),
      // layer2: stride-2 block to 16×16 with a 1×1 projection
      conv(16, 32, 3, 16, 16, noBias),
      batchNorm(32),
      conv(32, 32, 3, 16, 16, noBias),
      batchNorm(32),
      conv(16, 32, 1, 16, 16, noBias),
      batchNorm(32),
      // layer3: stride-2 block to 8×8 with a 1×1 projection
      conv(32, 64, 3, 8, 8, noBias),
      batchNorm(64),
      conv(64, 64, 3, 8, 8, noBias),
      batchNorm(64),
      conv(32, 64, 1, 8, 8, noBias),
      batchNorm(64),
      dense(64, 10),
    );
    const a = analyzeFile(sample('resnet-mini'));
    expect({ macs: a.totals.macs, params: a.totals.params }).toEqual(expected);
    expect(expected).toEqual({ macs: 13_828_736, params: 78_714 });
    expect(a.totals.exact).toBe(true);
  });

  it('mobilenetv2-mini: inverted residual blocks with depthwise convs', () => {
    const block = (cin: number, cout: number, size: number, stride: number) => {
      const hidden = cin * 4;
      const out = size / stride;
      return sum(
        conv(cin, hidden, 1, size, size),
        conv(hidden, hidden, 3, out, out, { group: hidden }),
        conv(hidden, cout, 1, out, out),
      );
    };
    const expected = sum(
      conv(3, 16, 3, 32, 32),
      block(16, 24, 32, 2),
      block(24, 24, 16, 1),
      block(24, 32, 16, 2),
      block(32, 32, 8, 1),
      conv(32, 128, 1, 8, 8),
      dense(128, 10),
    );
    const a = analyzeFile(sample('mobilenetv2-mini'));
    expect({ macs: a.totals.macs, params: a.totals.params }).toEqual(expected);
    expect(expected).toEqual({ macs: 5_135_616, params: 31_034 });
  });

  it('transformer-encoder: MACs scale with batch and sequence once the inputs are bound', () => {
    const hidden = 64;
    const ffn = 256;
    const vocab = 1000;
    const positions = 128;
    // Per layer and token: Q, K, V and output projections (4·h²) and the FFN (2·h·ffn); per
    // sequence: scores Q·Kᵀ and the weighted sum, S²·h each.
    const macs = (batch: number, seq: number) =>
      2 * batch * (seq * (4 * hidden * hidden + 2 * hidden * ffn) + 2 * seq * seq * hidden);
    const layerNorm = 2 * hidden;
    const perLayer =
      4 * (hidden * hidden + hidden) + 2 * layerNorm + (hidden * ffn + ffn) + (ffn * hidden + hidden);
    // The scalars stored as constants (attention scale, GELU's √2, 1 and 0.5, the decomposed
    // LayerNorms' exponent and ε) are not parameters.
    const params = vocab * hidden + positions * hidden + layerNorm + 2 * perLayer;
    for (const [batch, seq] of [
      [1, 16],
      [2, 16],
      [1, 128],
    ] as const) {
      const a = analyzeFile(sample('transformer-encoder'), { inputShapes: { input_ids: [batch, seq] } });
      expect(a.totals.macs, `${batch}x${seq}`).toBe(macs(batch, seq));
      expect(a.totals.params).toBe(params);
      expect(a.summary.outputs[0]!.shape).toEqual([batch, seq, hidden]);
    }
    expect(macs(1, 16)).toBe(1_638_400);
  });
});
