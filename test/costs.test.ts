/**
 * Per-node static costs against hand-computed figures on tiny graphs, plus the cost pipeline on
 * real ONNX test models (shape inference → costs → totals).
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../core/graph/build.js';
import type { Graph, Shape } from '../core/graph/types.js';
import {
  attr,
  constantNode,
  graph as graphProto,
  node,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../core/onnx/builder.js';
import type { NodeProto, TensorProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { readModelFile } from '../core/onnx/read.js';
import { inferShapes } from '../core/shape/infer.js';
import type { ValueInfo } from '../core/shape/types.js';
import {
  graphCosts,
  modelCostTotals,
  nodeCost,
  SOFTMAX_FLOPS_PER_ELEMENT,
  TRANSCENDENTAL_FLOPS,
} from '../core/costs/index.js';
import type { NodeCost } from '../core/costs/index.js';
import { TESTDATA_ROOT } from './support/testdata.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;

function weight(name: string, dims: readonly number[]): TensorProto {
  return tensorFromFloat32(name, dims, new Float32Array(dims.reduce((n, d) => n * d, 1)));
}

type Facts = readonly [dtype: number, shape: Shape | null, value?: readonly number[]];

/**
 * A graph from nodes (inputs: every name in `facts` that no node makes and no initializer holds),
 * and the shape-inference result an analysis would give it: `facts` for activations, the dims of
 * every initializer.
 */
function fixture(
  nodes: readonly NodeProto[],
  initializers: readonly TensorProto[],
  facts: Readonly<Record<string, Facts>>,
  outputs: readonly string[],
): { graph: Graph; values: Map<string, ValueInfo> } {
  const made = new Set(nodes.flatMap((n) => n.output ?? []));
  const weights = new Set(initializers.map((t) => t.name));
  const inputs = Object.keys(facts).filter((name) => !made.has(name) && !weights.has(name));
  const info = (name: string) => {
    const [dtype, shape] = facts[name] ?? [F, null];
    return valueInfo(
      name,
      dtype as DataType,
      shape?.map((d) => d ?? '?'),
    );
  };
  const graph = buildGraph(
    graphProto({ name: 'g', nodes, initializers, inputs: inputs.map(info), outputs: outputs.map(info) }),
  );
  const values = new Map<string, ValueInfo>();
  for (const [name, [dtype, shape, data]] of Object.entries(facts)) {
    values.set(
      name,
      data ? { dtype, shape, value: { dims: (shape ?? []) as number[], data } } : { dtype, shape },
    );
  }
  for (const t of initializers)
    values.set(t.name ?? '', { dtype: t.dataType ?? 0, shape: (t.dims ?? []).map(Number) });
  return { graph, values };
}

function costOf(g: { graph: Graph; values: Map<string, ValueInfo> }, opType: string): NodeCost {
  const n = g.graph.nodes.find((x) => x.opType === opType);
  if (!n) throw new Error(`no ${opType} node`);
  return nodeCost(g.graph, n, g.values);
}

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing ${what}`);
  return value;
}

const allExact = { compute: true, params: true, activations: true };

describe('convolution', () => {
  it('Conv with groups: MACs = out_elems × C_in/group × kH × kW', () => {
    // x [1,4,8,8], W [6, 4/2, 3, 3], group 2, pads 1 → y [1,6,8,8]
    const g = fixture(
      [
        node(
          'Conv',
          ['x', 'W', 'B'],
          ['y'],
          [attr.int('group', 2), attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])],
        ),
      ],
      [weight('W', [6, 2, 3, 3]), weight('B', [6])],
      { x: [F, [1, 4, 8, 8]], y: [F, [1, 6, 8, 8]] },
      ['y'],
    );
    const c = costOf(g, 'Conv');
    expect(c.macs).toBe(384 * 2 * 9); // 6912
    expect(c.flops).toBe(2 * 6912 + 384); // bias adds
    expect(c.params).toBe(6 * 2 * 9 + 6);
    expect(c.paramBytes).toBe(114 * 4);
    expect(c.paramTensors.map((p) => p.name)).toEqual(['W', 'B']);
    expect(c.inputBytes).toBe(256 * 4);
    expect(c.outputBytes).toBe(384 * 4);
    expect(c.exact).toEqual(allExact);
  });

  it('a symbolic batch counts as 1 and marks compute and activations inexact', () => {
    const g = fixture(
      [node('Conv', ['x', 'W'], ['y'], [attr.int('group', 2), attr.ints('pads', [1, 1, 1, 1])])],
      [weight('W', [6, 2, 3, 3])],
      { x: [F, ['N', 4, 8, 8]], y: [F, ['N', 6, 8, 8]] },
      ['y'],
    );
    const c = costOf(g, 'Conv');
    expect(c.macs).toBe(6912);
    expect(c.flops).toBe(2 * 6912);
    expect(c.exact).toEqual({ compute: false, params: true, activations: false });
  });

  it('depthwise Conv: one input channel per output channel', () => {
    const g = fixture(
      [node('Conv', ['x', 'W'], ['y'], [attr.int('group', 8), attr.ints('strides', [2, 2])])],
      [weight('W', [8, 1, 3, 3])],
      { x: [F, [1, 8, 9, 9]], y: [F, [1, 8, 4, 4]] },
      ['y'],
    );
    expect(costOf(g, 'Conv').macs).toBe(128 * 9);
  });

  it('ConvTranspose: MACs = in_elems × C_out/group × kernel', () => {
    const g = fixture(
      [node('ConvTranspose', ['x', 'W', 'B'], ['y'])],
      [weight('W', [2, 3, 3, 3]), weight('B', [3])],
      { x: [F, [1, 2, 4, 4]], y: [F, [1, 3, 6, 6]] },
      ['y'],
    );
    const c = costOf(g, 'ConvTranspose');
    expect(c.macs).toBe(32 * 3 * 9);
    expect(c.flops).toBe(2 * 864 + 108);
    expect(c.params).toBe(54 + 3);
  });
});

describe('matrix products', () => {
  it('Gemm: MACs = M×N×K; FLOPs add alpha scaling and the C add', () => {
    const g = fixture(
      [node('Gemm', ['a', 'W', 'C'], ['y'], [attr.int('transB', 1), attr.float('alpha', 0.5)])],
      [weight('W', [4, 3]), weight('C', [4])],
      { a: [F, [2, 3]], y: [F, [2, 4]] },
      ['y'],
    );
    const c = costOf(g, 'Gemm');
    expect(c.macs).toBe(2 * 4 * 3);
    expect(c.flops).toBe(2 * 24 + 8 + 8);
    expect(c.params).toBe(16);
    expect(c.exact).toEqual(allExact);
  });

  it('Gemm with transA reads K from the first axis of A', () => {
    const g = fixture(
      [node('Gemm', ['a', 'W'], ['y'], [attr.int('transA', 1)])],
      [weight('W', [7, 4])],
      { a: [F, [7, 2]], y: [F, [2, 4]] },
      ['y'],
    );
    expect(costOf(g, 'Gemm')).toMatchObject({ macs: 8 * 7, flops: 2 * 56 });
  });

  it('batched MatMul against a weight: MACs = out_elems × K', () => {
    const g = fixture(
      [node('MatMul', ['a', 'W'], ['y'])],
      [weight('W', [4, 6])],
      { a: [F, [2, 5, 3, 4]], y: [F, [2, 5, 3, 6]] },
      ['y'],
    );
    const c = costOf(g, 'MatMul');
    expect(c.macs).toBe(180 * 4);
    expect(c.flops).toBe(1440);
    expect(c.params).toBe(24);
    expect(c.inputBytes).toBe(120 * 4);
  });

  it('batched MatMul of two activations has no parameters', () => {
    const g = fixture(
      [node('MatMul', ['a', 'b'], ['y'])],
      [],
      { a: [F, [3, 2, 4]], b: [F, [3, 4, 5]], y: [F, [3, 2, 5]] },
      ['y'],
    );
    const c = costOf(g, 'MatMul');
    expect(c.macs).toBe(30 * 4);
    expect(c.params).toBe(0);
    expect(c.inputBytes).toBe((24 + 60) * 4);
  });

  it('Einsum is estimated from its loop nest', () => {
    const g = fixture(
      [node('Einsum', ['a', 'b'], ['y'], [attr.string('equation', 'bij, bjk -> bik')])],
      [],
      { a: [F, [2, 3, 4]], b: [F, [2, 4, 5]], y: [F, [2, 3, 5]] },
      ['y'],
    );
    const c = costOf(g, 'Einsum');
    expect(c.macs).toBe(2 * 3 * 4 * 5);
    expect(c.exact.compute).toBe(false);
  });

  it('single-operand Einsum with an ellipsis: a reduction costs its additions', () => {
    const g = fixture(
      [node('Einsum', ['a'], ['y'], [attr.string('equation', '...ij->...i')])],
      [],
      { a: [F, [2, 3, 4]], y: [F, [2, 3]] },
      ['y'],
    );
    expect(costOf(g, 'Einsum')).toMatchObject({ macs: 0, flops: 24 - 6 });
  });
});

describe('pooling, normalisation and element-wise work', () => {
  it('MaxPool: out_elems × window; AveragePool likewise; GlobalAveragePool: in_elems', () => {
    const g = fixture(
      [
        node('MaxPool', ['x'], ['m'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]),
        node(
          'AveragePool',
          ['x'],
          ['a'],
          [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])],
        ),
        node('GlobalAveragePool', ['x'], ['g']),
      ],
      [],
      { x: [F, [1, 3, 8, 8]], m: [F, [1, 3, 4, 4]], a: [F, [1, 3, 8, 8]], g: [F, [1, 3, 1, 1]] },
      ['m', 'a', 'g'],
    );
    expect(costOf(g, 'MaxPool')).toMatchObject({ macs: 0, flops: 48 * 4 });
    expect(costOf(g, 'AveragePool')).toMatchObject({ macs: 0, flops: 192 * 9 });
    expect(costOf(g, 'GlobalAveragePool')).toMatchObject({ macs: 0, flops: 192 });
    expect(costOf(g, 'MaxPool').exact).toEqual(allExact);
  });

  it('BatchNormalization: 4 FLOPs per element, its four vectors are parameters', () => {
    const g = fixture(
      [node('BatchNormalization', ['x', 's', 'b', 'mean', 'var'], ['y'])],
      ['s', 'b', 'mean', 'var'].map((n) => weight(n, [3])),
      { x: [F, [2, 3, 4, 4]], y: [F, [2, 3, 4, 4]] },
      ['y'],
    );
    expect(costOf(g, 'BatchNormalization')).toMatchObject({ macs: 0, flops: 4 * 96, params: 12 });
  });

  it('element-wise ops: 1 FLOP per output element; transcendental ones are estimates', () => {
    const g = fixture(
      [node('Add', ['x', 'b'], ['s']), node('Tanh', ['s'], ['t']), node('Softmax', ['t'], ['y'])],
      [weight('b', [5])],
      { x: [F, [4, 5]], s: [F, [4, 5]], t: [F, [4, 5]], y: [F, [4, 5]] },
      ['y'],
    );
    expect(costOf(g, 'Add')).toMatchObject({ macs: 0, flops: 20, params: 5 });
    expect(costOf(g, 'Add').exact.compute).toBe(true);
    expect(costOf(g, 'Tanh')).toMatchObject({ macs: 0, flops: 20 * TRANSCENDENTAL_FLOPS });
    expect(costOf(g, 'Tanh').exact.compute).toBe(false);
    expect(costOf(g, 'Softmax')).toMatchObject({ flops: 20 * SOFTMAX_FLOPS_PER_ELEMENT });
  });

  it('data movement is free; shape arguments are inputs, not parameters', () => {
    const g = fixture(
      [node('Reshape', ['x', 'shape'], ['y']), node('Transpose', ['y'], ['z'], [attr.ints('perm', [1, 0])])],
      [tensorFromInt64('shape', [2], [6, 4])],
      { x: [F, [2, 3, 4]], y: [F, [6, 4]], z: [F, [4, 6]] },
      ['z'],
    );
    const reshape = costOf(g, 'Reshape');
    expect(reshape).toMatchObject({
      macs: 0,
      flops: 0,
      params: 0,
      inputBytes: 24 * 4 + 2 * 8,
      outputBytes: 96,
    });
    expect(costOf(g, 'Transpose')).toMatchObject({ macs: 0, flops: 0 });
  });

  it('Resize linear: 3 × (2^r − 1) FLOPs per output element', () => {
    const g = fixture(
      [node('Resize', ['x', '', 'scales'], ['y'], [attr.string('mode', 'linear')])],
      [tensorFromFloat32('scales', [4], [1, 1, 2, 2])],
      { x: [F, [1, 3, 4, 4]], y: [F, [1, 3, 8, 8]] },
      ['y'],
    );
    expect(costOf(g, 'Resize')).toMatchObject({ macs: 0, flops: 192 * 9, params: 0 });
  });

  it('an operator without a formula costs 0 and is marked inexact', () => {
    const g = fixture(
      [node('FancyOp', ['x'], ['y'], [], 'fancy', 'com.example')],
      [],
      { x: [F, [2, 2]], y: [F, [2, 2]] },
      ['y'],
    );
    const c = costOf(g, 'FancyOp');
    expect(c).toMatchObject({ macs: 0, flops: 0, inputBytes: 16, outputBytes: 16 });
    expect(c.exact.compute).toBe(false);
  });
});

describe('recurrent layers', () => {
  // X [seq 5, batch 2, I 3], H 4, forward: W [1, 16, 3], R [1, 16, 4], B [1, 32]
  const lstm = (direction: string) =>
    fixture(
      [
        node(
          'LSTM',
          ['x', 'W', 'R', 'B'],
          ['y', 'h'],
          [attr.int('hidden_size', 4), attr.string('direction', direction)],
        ),
      ],
      [
        weight('W', [direction === 'bidirectional' ? 2 : 1, 16, 3]),
        weight('R', [direction === 'bidirectional' ? 2 : 1, 16, 4]),
        weight('B', [direction === 'bidirectional' ? 2 : 1, 32]),
      ],
      { x: [F, [5, 2, 3]], y: [F, [5, 1, 2, 4]], h: [F, [1, 2, 4]] },
      ['y', 'h'],
    );

  it('LSTM: MACs = D × seq × batch × 4H × (I + H); gate arithmetic per hidden unit', () => {
    const c = costOf(lstm('forward'), 'LSTM');
    expect(c.macs).toBe(5 * 2 * 16 * (3 + 4)); // 1120
    // per step: 4H (Wx + Rh) + 8H (two biases) + H × (3 sigmoids + 2 tanh + 4)
    const sigmoid = TRANSCENDENTAL_FLOPS + 2;
    const perStep = 16 + 32 + 4 * (3 * sigmoid + 2 * TRANSCENDENTAL_FLOPS + 4);
    expect(c.flops).toBe(2 * 1120 + 10 * perStep);
    expect(c.flops).toBe(3920);
    expect(c.params).toBe(48 + 64 + 32);
    expect(c.paramBytes).toBe(144 * 4);
    expect(c.exact).toEqual({ compute: false, params: true, activations: true });
  });

  it('bidirectional LSTM doubles the work', () => {
    expect(costOf(lstm('bidirectional'), 'LSTM').macs).toBe(2 * 1120);
  });

  it('GRU and RNN use 3 and 1 gates', () => {
    const g = fixture(
      [
        node('GRU', ['x', 'Wg', 'Rg'], ['yg'], [attr.int('hidden_size', 4)]),
        node('RNN', ['x', 'Wr', 'Rr'], ['yr'], [attr.int('hidden_size', 4)]),
      ],
      [weight('Wg', [1, 12, 3]), weight('Rg', [1, 12, 4]), weight('Wr', [1, 4, 3]), weight('Rr', [1, 4, 4])],
      { x: [F, [5, 2, 3]], yg: [F, [5, 1, 2, 4]], yr: [F, [5, 1, 2, 4]] },
      ['yg', 'yr'],
    );
    expect(costOf(g, 'GRU').macs).toBe(10 * 12 * 7);
    expect(costOf(g, 'RNN').macs).toBe(10 * 4 * 7);
  });
});

describe('parameters', () => {
  it('a weight shared by two nodes counts once in the model totals', () => {
    const g = fixture(
      [
        node('MatMul', ['x', 'W'], ['a']),
        node('MatMul', ['a', 'W'], ['b']),
        constantNode(weight('k', [4])),
        node('Mul', ['b', 'k'], ['y']),
      ],
      [weight('W', [4, 4])],
      { x: [F, [2, 4]], a: [F, [2, 4]], b: [F, [2, 4]], k: [F, [4]], y: [F, [2, 4]] },
      ['y'],
    );
    const costs = graphCosts(g.graph, g.values);
    expect(costs.map((c) => c.params)).toEqual([16, 16, 0, 4]); // the Constant's output is the Mul's weight
    const totals = modelCostTotals(g.graph, costs);
    expect(totals.params).toBe(16 + 4);
    expect(totals.paramBytes).toBe(20 * 4);
    expect(totals.macs).toBe(2 * 8 * 4);
    expect(totals.flops).toBe(2 * 64 + 8);
    expect(totals.exact).toBe(true);
  });

  it('int64 constants are not weights, int8 ones are', () => {
    const q = { name: 'Wq', dims: [4, 4], dataType: DataType.INT8, rawData: new Uint8Array(16) };
    const g = fixture(
      [node('Gather', ['emb', 'idx'], ['e']), node('DequantizeLinear', ['Wq', 'scale'], ['W'])],
      [weight('emb', [10, 4]), tensorFromInt64('idx', [2], [1, 3]), q, tensorFromFloat32('scale', [], [0.1])],
      { e: [F, [2, 4]], W: [F, [4, 4]] },
      ['e', 'W'],
    );
    const gather = costOf(g, 'Gather');
    expect(gather.paramTensors.map((p) => p.name)).toEqual(['emb']);
    expect(gather.inputBytes).toBe(16);
    // The scalar scale is held (its 4 bytes) but is not a parameter.
    expect(costOf(g, 'DequantizeLinear')).toMatchObject({ params: 16, paramBytes: 16 + 4, flops: 32 });
  });
});

describe('control flow', () => {
  // Loop body: (iter, cond, h) → (cond, h · W); W lives in the main graph.
  function loop(tripCount: number | undefined) {
    const body = graphProto({
      name: 'body',
      nodes: [node('Identity', ['cond_in'], ['cond_out']), node('MatMul', ['h_in', 'W'], ['h_out'])],
      inputs: [
        valueInfo('iter', I64, []),
        valueInfo('cond_in', DataType.BOOL, []),
        valueInfo('h_in', F, [2, 4]),
      ],
      outputs: [valueInfo('cond_out', DataType.BOOL, []), valueInfo('h_out', F, [2, 4])],
    });
    const trips = tensorFromInt64('M', [], [tripCount ?? 0]);
    const cond = { name: 'cond', dims: [], dataType: DataType.BOOL, rawData: new Uint8Array([1]) };
    const g = buildGraph(
      graphProto({
        name: 'main',
        nodes: [
          node(
            'Loop',
            [tripCount === undefined ? 'm' : 'M', 'cond', 'h0'],
            ['h'],
            [attr.graph('body', body)],
          ),
        ],
        initializers: [weight('W', [4, 4]), trips, cond],
        inputs: [valueInfo('h0', F, [2, 4]), valueInfo('m', I64, [])],
        outputs: [valueInfo('h', F, [2, 4])],
      }),
    );
    const values = new Map<string, ValueInfo>([
      ['h0', { dtype: F, shape: [2, 4] }],
      ['h', { dtype: F, shape: [2, 4] }],
      ['m', { dtype: I64, shape: [] }],
      ['M', { dtype: I64, shape: [], value: { dims: [], data: [tripCount ?? 0] } }],
      ['W', { dtype: F, shape: [4, 4] }],
      ['h_in', { dtype: F, shape: [2, 4] }],
      ['h_out', { dtype: F, shape: [2, 4] }],
      ['cond_in', { dtype: DataType.BOOL, shape: [] }],
      ['cond_out', { dtype: DataType.BOOL, shape: [] }],
      ['iter', { dtype: I64, shape: [] }],
    ]);
    return nodeCost(g, must(g.nodes[0], 'Loop node'), values);
  }

  it('Loop with a known trip count: body × M, and the outer weight is a parameter', () => {
    const c = loop(3);
    expect(c.macs).toBe(3 * 8 * 4);
    expect(c.flops).toBe(3 * 64);
    expect(c.params).toBe(16);
    expect(c.exact.compute).toBe(true);
  });

  it('Loop with an unknown trip count: body once, estimated', () => {
    const c = loop(undefined);
    expect(c.macs).toBe(32);
    expect(c.exact.compute).toBe(false);
  });

  it('If: the larger branch, estimated', () => {
    const branch = (name: string, nodes: NodeProto[]) =>
      graphProto({ name, nodes, inputs: [], outputs: [valueInfo(`${name}_y`, F, [2, 4])] });
    const g = buildGraph(
      graphProto({
        name: 'main',
        nodes: [
          node(
            'If',
            ['c'],
            ['y'],
            [
              attr.graph('then_branch', branch('then', [node('MatMul', ['x', 'W'], ['then_y'])])),
              attr.graph('else_branch', branch('else', [node('Relu', ['x'], ['else_y'])])),
            ],
          ),
        ],
        initializers: [weight('W', [4, 4])],
        inputs: [valueInfo('c', DataType.BOOL, []), valueInfo('x', F, [2, 4])],
        outputs: [valueInfo('y', F, [2, 4])],
      }),
    );
    const values = new Map<string, ValueInfo>(
      ['x', 'y', 'then_y', 'else_y'].map((n) => [n, { dtype: F, shape: [2, 4] }] as const),
    );
    values.set('c', { dtype: DataType.BOOL, shape: [] });
    const c = nodeCost(g, must(g.nodes[0], 'If node'), values);
    expect(c).toMatchObject({ macs: 32, flops: 64, params: 16, inputBytes: 1 + 32, outputBytes: 32 });
    expect(c.exact.compute).toBe(false);
  });
});

describe('on ONNX test models, through shape inference', () => {
  const analyse = (suite: string, name: string) => {
    const model = readModelFile(`${TESTDATA_ROOT}/${suite}/${name}/model.onnx`);
    const graph = buildGraph(must(model.proto.graph, 'graph'));
    const { values } = inferShapes(graph, { opset: Math.max(model.opset, 7) });
    const costs = graphCosts(graph, values);
    return { graph, costs, totals: modelCostTotals(graph, costs) };
  };

  it('Conv2d_groups: MACs from the weight and output shapes, params = all initializer elements', () => {
    const { graph, totals } = analyse('pytorch-converted', 'test_Conv2d_groups');
    const conv = must(
      graph.nodes.find((n) => n.opType === 'Conv'),
      'Conv',
    );
    const w = must(graph.tensors.get(conv.inputs[1] ?? '')?.shape, 'weight shape') as number[];
    const y = must(graph.tensors.get(conv.outputs[0] ?? '')?.shape, 'output shape') as number[];
    const outElems = y.reduce((a, b) => a * b, 1);
    expect(totals.macs).toBe(outElems * w.slice(1).reduce((a, b) => a * b, 1));
    let initElements = 0;
    for (const t of graph.tensors.values())
      if (t.kind === 'initializer') initElements += (t.shape as number[]).reduce((a, b) => a * b, 1);
    expect(totals.params).toBe(initElements);
    expect(totals.exact).toBe(true);
  });

  it('the ONNX LSTM test: hidden 3, input 2, batch 3, one step', () => {
    const { costs } = analyse('node', 'test_lstm_defaults');
    expect(costs[0]?.macs).toBe(1 * 3 * 4 * 3 * (2 + 3));
  });

  it('a Scan sums over its scan axis', () => {
    const { costs } = analyse('node', 'test_scan9_sum');
    // body: one Add of a [2] state per step, 3 steps
    expect(costs[0]).toMatchObject({ macs: 0, flops: 6 });
  });
});
