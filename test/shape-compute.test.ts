/**
 * Shape rules of the compute operators, run through the real inference driver on one-node ONNX
 * models (test/shape-compute-reference.test.ts checks them against onnxruntime and the ONNX
 * backend suite).
 */
import { describe, expect, it } from 'vitest';
import { attr, graph, node, valueInfo, type DimSpec } from '../core/onnx/builder.js';
import { buildGraph } from '../core/graph/build.js';
import { inferShapes } from '../core/shape/infer.js';
import { DataType } from '../core/onnx/dtype.js';
import { computeRules } from '../core/shape/ops/compute.js';
import { parseEinsum } from '../core/shape/ops/einsum.js';
import type { Shape } from '../core/shape/types.js';
import { inferOneNode, tensorOf, type OneNodeSpec, type Operand } from './support/compute-graph.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;

const input = (dims?: readonly DimSpec[], dtype: number = F): Operand => (dims ? { dtype, dims } : { dtype });
const known = (values: readonly number[], dims?: readonly number[], dtype: number = I64): Operand =>
  dims ? { dtype, dims, values } : { dtype, values };

/** Output `i` of a one-node model; fails the test when the rule reported an error. */
function infer(spec: OneNodeSpec, i = 0) {
  const { outputs, status } = inferOneNode(spec);
  expect(status, `${spec.op}: ${JSON.stringify(status)}`).toEqual({ kind: 'ok' });
  return outputs[i];
}

function shapeOf(spec: OneNodeSpec, i = 0): Shape | null | undefined {
  return infer(spec, i)?.shape;
}

function errorOf(spec: OneNodeSpec): string {
  const { status } = inferOneNode(spec);
  expect(status.kind).toBe('error');
  return status.kind === 'error' ? status.message : '';
}

describe('element-wise operators', () => {
  it('keep the shape and type of unary inputs; predicates give bool', () => {
    expect(infer({ op: 'Tanh', inputs: [input(['N', 3])] })).toEqual({ dtype: F, shape: ['N', 3] });
    expect(infer({ op: 'IsNaN', inputs: [input([2, 3])] })).toEqual({ dtype: DataType.BOOL, shape: [2, 3] });
    expect(infer({ op: 'Gelu', inputs: [input()], opset: 20 })).toEqual({ dtype: F, shape: null });
    expect(shapeOf({ op: 'PRelu', inputs: [input(['N', 3, 8, 8]), input([3, 1, 1])] })).toEqual([
      'N',
      3,
      8,
      8,
    ]);
  });

  it('broadcast binary operators NumPy-style and reject incompatible dims', () => {
    expect(shapeOf({ op: 'Add', inputs: [input([2, 1, 4]), input([3, 1])] })).toEqual([2, 3, 4]);
    expect(shapeOf({ op: 'Mul', inputs: [input(['N', 1]), input([1, 5])] })).toEqual(['N', 5]);
    expect(infer({ op: 'Less', inputs: [input([4]), input([])] })).toEqual({
      dtype: DataType.BOOL,
      shape: [4],
    });
    expect(
      shapeOf({ op: 'Where', inputs: [input([3, 1], DataType.BOOL), input([1, 2]), input([2])] }),
    ).toEqual([3, 2]);
    expect(shapeOf({ op: 'Sum', inputs: [input([3]), input([2, 1]), input([1, 1, 1])] })).toEqual([1, 2, 3]);
    expect(errorOf({ op: 'Sub', inputs: [input([3]), input([4])] })).toMatch(/broadcast/);
  });

  it('give Dropout a bool mask from opset 10 and a mask of the input type before', () => {
    expect(infer({ op: 'Dropout', inputs: [input([2, 5])], outputs: 2 }, 1)).toEqual({
      dtype: DataType.BOOL,
      shape: [2, 5],
    });
    expect(infer({ op: 'Dropout', inputs: [input([2, 5])], outputs: 2, opset: 7 }, 1)).toEqual({
      dtype: F,
      shape: [2, 5],
    });
  });

  it('read Clip bounds from attributes before opset 11 and from inputs after', () => {
    const x = known([-5, 0, 7, 12]);
    expect(
      infer({ op: 'Clip', inputs: [x, known([0], []), known([10], [])], opset: 13 })?.value?.data,
    ).toEqual([0, 0, 7, 10]);
    expect(infer({ op: 'Clip', inputs: [x, null, known([3], [])], opset: 13 })?.value?.data).toEqual([
      -5, 0, 3, 3,
    ]);
    const old = infer({
      op: 'Clip',
      inputs: [known([-5, 0, 7, 12], [4], F)],
      attrs: [attr.float('min', 1), attr.float('max', 8)],
      opset: 6,
    });
    expect(old?.value?.data).toEqual([1, 1, 7, 8]);
    expect(infer({ op: 'Clip', inputs: [x, input([])], opset: 13 })).toEqual({ dtype: I64, shape: [4] });
  });
});

describe('constant folding', () => {
  it('folds shape arithmetic with broadcasting and integer semantics', () => {
    expect(infer({ op: 'Mul', inputs: [known([2, 3, 4]), known([2], [])] })?.value).toEqual({
      dims: [3],
      data: [4, 6, 8],
    });
    expect(infer({ op: 'Div', inputs: [known([-7, 7, 9]), known([2])] })?.value?.data).toEqual([-3, 3, 4]);
    expect(infer({ op: 'Div', inputs: [known([7], [1], F), known([2], [1], F)] })?.value?.data).toEqual([
      3.5,
    ]);
    expect(infer({ op: 'Div', inputs: [known([7]), known([0])] })?.value).toBeUndefined();
    expect(infer({ op: 'Equal', inputs: [known([1, 2, 3]), known([2], [])] })?.value?.data).toEqual([
      0, 1, 0,
    ]);
    expect(
      infer({ op: 'Where', inputs: [known([1, 0], [2], DataType.BOOL), known([5, 6]), known([-1], [])] })
        ?.value?.data,
    ).toEqual([5, -1]);
    expect(infer({ op: 'Max', inputs: [known([1, 9]), known([4], []), known([3, 2])] })?.value?.data).toEqual(
      [4, 9],
    );
    expect(infer({ op: 'Neg', inputs: [known([3, -2])] })?.value?.data).toEqual([-3, 2]);
    expect(infer({ op: 'Not', inputs: [known([1, 0], [2], DataType.BOOL)] })?.value?.data).toEqual([0, 1]);
    expect(
      infer({ op: 'Add', inputs: [known([250], [1], DataType.UINT8), known([10], [1], DataType.UINT8)] })
        ?.value?.data,
    ).toEqual([4]);
  });

  it('folds reductions over known values', () => {
    const v = known([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(infer({ op: 'ReduceProd', inputs: [v], attrs: [attr.int('keepdims', 0)] })?.value).toEqual({
      dims: [],
      data: [720],
    });
    expect(
      infer({ op: 'ReduceSum', inputs: [v, known([1])], attrs: [attr.int('keepdims', 0)] })?.value,
    ).toEqual({ dims: [2], data: [6, 15] });
    expect(
      infer({ op: 'ReduceMax', inputs: [v], attrs: [attr.ints('axes', [0])], opset: 13 })?.value,
    ).toEqual({ dims: [1, 3], data: [4, 5, 6] });
  });
});

describe('reductions and axis operators', () => {
  const x = input([2, 3, 4]);
  it('reads axes from attributes or inputs by opset', () => {
    expect(shapeOf({ op: 'ReduceMean', inputs: [x], attrs: [attr.ints('axes', [1])], opset: 13 })).toEqual([
      2, 1, 4,
    ]);
    expect(
      shapeOf({ op: 'ReduceMean', inputs: [x, known([-1])], attrs: [attr.int('keepdims', 0)], opset: 18 }),
    ).toEqual([2, 3]);
    expect(
      shapeOf({ op: 'ReduceSum', inputs: [x, known([0, 2])], attrs: [attr.int('keepdims', 0)], opset: 13 }),
    ).toEqual([3]);
    expect(shapeOf({ op: 'ReduceSum', inputs: [x], opset: 11 })).toEqual([1, 1, 1]);
    expect(
      shapeOf({
        op: 'ReduceSum',
        inputs: [x, known([], [0])],
        attrs: [attr.int('noop_with_empty_axes', 1)],
        opset: 13,
      }),
    ).toEqual([2, 3, 4]);
  });

  it('keeps the rank when the axes are unknown, and drops it only when their count is known', () => {
    expect(shapeOf({ op: 'ReduceL2', inputs: [x, input([1], I64)], opset: 18 })).toEqual([null, null, null]);
    expect(
      shapeOf({ op: 'ReduceL2', inputs: [x, input([2], I64)], attrs: [attr.int('keepdims', 0)], opset: 18 }),
    ).toEqual([null]);
    expect(
      shapeOf({
        op: 'ReduceL2',
        inputs: [x, input(['k'], I64)],
        attrs: [attr.int('keepdims', 0)],
        opset: 18,
      }),
    ).toBeNull();
  });

  it('gives ArgMax int64 indices and checks Softmax axes by opset', () => {
    expect(
      infer({ op: 'ArgMax', inputs: [x], attrs: [attr.int('axis', -1), attr.int('keepdims', 0)] }),
    ).toEqual({ dtype: I64, shape: [2, 3] });
    expect(shapeOf({ op: 'Softmax', inputs: [input([5])], opset: 13 })).toEqual([5]);
    expect(errorOf({ op: 'Softmax', inputs: [input([5])], opset: 11 })).toMatch(/axis 1/);
    expect(errorOf({ op: 'LogSoftmax', inputs: [x], attrs: [attr.int('axis', 3)] })).toMatch(/out of range/);
  });
});

describe('convolution and pooling', () => {
  const x = input(['N', 3, 32, 32]);
  const w = input([16, 3, 3, 3]);
  it('computes Conv outputs from pads, strides, dilations and auto_pad', () => {
    const attrs = [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2])];
    expect(shapeOf({ op: 'Conv', inputs: [x, w], attrs })).toEqual(['N', 16, 16, 16]);
    expect(shapeOf({ op: 'Conv', inputs: [x, w], attrs: [attr.ints('dilations', [2, 2])] })).toEqual([
      'N',
      16,
      28,
      28,
    ]);
    expect(
      shapeOf({
        op: 'Conv',
        inputs: [input([1, 3, 7, 9]), w],
        attrs: [attr.string('auto_pad', 'SAME_UPPER'), attr.ints('strides', [2, 2])],
      }),
    ).toEqual([1, 16, 4, 5]);
    expect(
      shapeOf({ op: 'Conv', inputs: [input([1, 3, 'H', 'W']), w], attrs: [attr.ints('pads', [1, 1, 1, 1])] }),
    ).toEqual([1, 16, 'H', 'W']);
    expect(shapeOf({ op: 'Conv', inputs: [input([1, 3, 'H', 8]), w], attrs })).toEqual([
      1,
      16,
      'floor((H-1)/2)+1',
      4,
    ]);
    expect(errorOf({ op: 'Conv', inputs: [input([1, 4, 8, 8]), w] })).toMatch(/channels/);
    expect(
      infer({
        op: 'ConvInteger',
        inputs: [input([1, 3, 5, 5], DataType.UINT8), input([2, 3, 3, 3], DataType.UINT8)],
      }),
    ).toEqual({ dtype: DataType.INT32, shape: [1, 2, 3, 3] });
  });

  it('computes ConvTranspose outputs from output_padding, output_shape and auto_pad', () => {
    const wt = input([3, 4, 3, 3]);
    const xt = input([1, 3, 5, 5]);
    const strides = attr.ints('strides', [2, 2]);
    expect(
      shapeOf({
        op: 'ConvTranspose',
        inputs: [xt, wt],
        attrs: [strides, attr.ints('output_padding', [1, 0])],
      }),
    ).toEqual([1, 4, 12, 11]);
    expect(
      shapeOf({
        op: 'ConvTranspose',
        inputs: [xt, wt],
        attrs: [strides, attr.ints('output_shape', [10, 8])],
      }),
    ).toEqual([1, 4, 10, 8]);
    expect(
      shapeOf({
        op: 'ConvTranspose',
        inputs: [xt, wt],
        attrs: [strides, attr.string('auto_pad', 'SAME_LOWER')],
      }),
    ).toEqual([1, 4, 10, 10]);
    expect(
      shapeOf({
        op: 'ConvTranspose',
        inputs: [xt, wt],
        attrs: [attr.int('group', 3), attr.ints('pads', [1, 1, 1, 1])],
      }),
    ).toEqual([1, 12, 5, 5]);
  });

  it('pools with ceil_mode, indices and global pools', () => {
    const p = input([1, 2, 5, 5]);
    const window = [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])];
    expect(shapeOf({ op: 'MaxPool', inputs: [p], attrs: window })).toEqual([1, 2, 2, 2]);
    expect(shapeOf({ op: 'MaxPool', inputs: [p], attrs: [...window, attr.int('ceil_mode', 1)] })).toEqual([
      1, 2, 3, 3,
    ]);
    // With ceil_mode a window that would start inside the end padding is dropped.
    const padded = [
      attr.ints('kernel_shape', [2]),
      attr.ints('strides', [2]),
      attr.ints('pads', [1, 1]),
      attr.int('ceil_mode', 1),
    ];
    expect(shapeOf({ op: 'AveragePool', inputs: [input([1, 1, 4])], attrs: padded, opset: 19 })).toEqual([
      1, 1, 3,
    ]);
    expect(infer({ op: 'MaxPool', inputs: [p], attrs: window, outputs: 2 }, 1)).toEqual({
      dtype: I64,
      shape: [1, 2, 2, 2],
    });
    expect(shapeOf({ op: 'GlobalAveragePool', inputs: [input(['N', 8, 7, 7])] })).toEqual(['N', 8, 1, 1]);
    expect(
      shapeOf({
        op: 'RoiAlign',
        inputs: [p, input([6, 4]), input([6], I64)],
        attrs: [attr.int('output_height', 3)],
      }),
    ).toEqual([6, 2, 3, 1]);
    expect(
      shapeOf({ op: 'MaxUnpool', inputs: [input([1, 1, 2, 2]), input([1, 1, 2, 2], I64)], attrs: window }),
    ).toEqual([1, 1, 4, 4]);
  });

  it('gives normalisation layers their statistics outputs', () => {
    const bn = {
      op: 'BatchNormalization',
      inputs: [input(['N', 4, 6, 6]), input([4]), input([4]), input([4]), input([4])],
      attrs: [attr.int('training_mode', 1)],
      outputs: 3,
      opset: 15,
    };
    expect(shapeOf(bn, 2)).toEqual([4]);
    const ln = {
      op: 'LayerNormalization',
      inputs: [input([2, 5, 8]), input([8])],
      attrs: [attr.int('axis', -1)],
      outputs: 3,
    };
    expect(infer(ln, 1)).toEqual({ dtype: F, shape: [2, 5, 1] });
  });
});

describe('linear algebra and recurrent layers', () => {
  it('follows NumPy matmul rules for 1-D operands and batch broadcasting', () => {
    expect(shapeOf({ op: 'MatMul', inputs: [input([3]), input([3, 4])] })).toEqual([4]);
    expect(shapeOf({ op: 'MatMul', inputs: [input([2, 5, 3]), input([3])] })).toEqual([2, 5]);
    expect(shapeOf({ op: 'MatMul', inputs: [input(['B', 1, 5, 3]), input([7, 3, 2])] })).toEqual([
      'B',
      7,
      5,
      2,
    ]);
    expect(errorOf({ op: 'MatMul', inputs: [input([2, 3]), input([4, 5])] })).toMatch(/inner/);
    expect(
      infer({
        op: 'QLinearMatMul',
        inputs: [
          input([2, 3], DataType.UINT8),
          input([]),
          input([], DataType.UINT8),
          input([3, 4], DataType.INT8),
          input([]),
          input([], DataType.INT8),
          input([]),
          input([], DataType.INT8),
        ],
      }),
    ).toEqual({ dtype: DataType.INT8, shape: [2, 4] });
  });

  it('transposes Gemm operands', () => {
    const attrs = [attr.int('transA', 1), attr.int('transB', 1)];
    expect(shapeOf({ op: 'Gemm', inputs: [input([3, 'M']), input([5, 3]), input([5])], attrs })).toEqual([
      'M',
      5,
    ]);
  });

  it('parses Einsum equations with ellipsis and implicit outputs', () => {
    expect(parseEinsum('ij,jk').output.before).toEqual(['i', 'k']);
    const batch = {
      op: 'Einsum',
      inputs: [input([2, 7, 3, 4]), input([7, 4, 5])],
      attrs: [attr.string('equation', '...ij,...jk->...ik')],
      opset: 12,
    };
    expect(shapeOf(batch)).toEqual([2, 7, 3, 5]);
    const implicit = {
      op: 'Einsum',
      inputs: [input([6, 3, 3])],
      attrs: [attr.string('equation', '...ii')],
      opset: 12,
    };
    expect(shapeOf(implicit)).toEqual([6]);
    const diagonal = {
      op: 'Einsum',
      inputs: [input([6, 3, 3])],
      attrs: [attr.string('equation', 'bii->bi')],
      opset: 12,
    };
    expect(shapeOf(diagonal)).toEqual([6, 3]);
  });

  it('shapes LSTM outputs by layout and direction', () => {
    const attrs = [attr.string('direction', 'bidirectional'), attr.int('hidden_size', 5)];
    const inputs = [input([7, 2, 4]), input([2, 20, 4]), input([2, 20, 5])];
    expect(shapeOf({ op: 'LSTM', inputs, attrs, outputs: 3, opset: 14 })).toEqual([7, 2, 2, 5]);
    expect(shapeOf({ op: 'LSTM', inputs, attrs, outputs: 3, opset: 14 }, 2)).toEqual([2, 2, 5]);
    const batchFirst = {
      op: 'GRU',
      inputs: [input([2, 7, 4]), input([1, 15, 4]), input([1, 15, 5])],
      attrs: [attr.int('layout', 1)],
      outputs: 2,
      opset: 14,
    };
    expect(shapeOf(batchFirst)).toEqual([2, 7, 1, 5]);
    expect(shapeOf(batchFirst, 1)).toEqual([2, 1, 5]);
  });
});

describe('quantisation and signal processing', () => {
  it('types quantised outputs', () => {
    expect(infer({ op: 'QuantizeLinear', inputs: [input([4]), input([])], opset: 13 })).toEqual({
      dtype: DataType.UINT8,
      shape: [4],
    });
    expect(
      infer({
        op: 'DequantizeLinear',
        inputs: [input([4], DataType.INT8), input([], DataType.FLOAT16)],
        opset: 19,
      }),
    ).toEqual({ dtype: DataType.FLOAT16, shape: [4] });
    expect(infer({ op: 'DynamicQuantizeLinear', inputs: [input([3, 4])], outputs: 3, opset: 11 }, 1)).toEqual(
      { dtype: F, shape: [] },
    );
  });

  it('shapes DFT, STFT and windows from known lengths', () => {
    expect(shapeOf({ op: 'DFT', inputs: [input([3, 16, 1])], attrs: [attr.int('onesided', 1)] })).toEqual([
      3, 9, 2,
    ]);
    expect(shapeOf({ op: 'DFT', inputs: [input([3, 16, 2]), known([10], [])] })).toEqual([3, 10, 2]);
    expect(
      shapeOf({ op: 'STFT', inputs: [input([1, 128, 1]), known([8], []), null, known([16], [])] }),
    ).toEqual([1, 15, 9, 2]);
    expect(shapeOf({ op: 'HannWindow', inputs: [known([10], [], DataType.INT32)] })).toEqual([10]);
  });
});

describe('unknown inputs', () => {
  const needsAttributes: Readonly<Record<string, OneNodeSpec['attrs']>> = {
    MaxPool: [attr.ints('kernel_shape', [2, 2])],
    AveragePool: [attr.ints('kernel_shape', [2, 2])],
    LpPool: [attr.ints('kernel_shape', [2, 2])],
    MaxUnpool: [attr.ints('kernel_shape', [2, 2])],
    MaxRoiPool: [attr.ints('pooled_shape', [2, 2])],
    RandomNormal: [attr.ints('shape', [2])],
    RandomUniform: [attr.ints('shape', [2])],
    Einsum: [attr.string('equation', 'ij,jk->ik')],
  };
  const arity: Readonly<Record<string, number>> = { Einsum: 2, RandomNormal: 0, RandomUniform: 0 };

  it('never fail a rule when every input is of unknown rank', () => {
    for (const op of Object.keys(computeRules)) {
      const count = arity[op] ?? 9;
      const { status } = inferOneNode({
        op,
        inputs: Array.from({ length: count }, () => input()),
        attrs: needsAttributes[op] ?? [],
        outputs: 2,
        opset: 21,
      });
      expect(status, op).toEqual({ kind: 'ok' });
    }
  });
});

describe('symbolic shape arithmetic', () => {
  it('multiplies, divides and compares the symbolic dims Shape reads', () => {
    const int64 = (name: string, dims: readonly number[], values: readonly number[]) =>
      tensorOf(name, I64, dims, values);
    const proto = graph({
      name: 'symbolic',
      inputs: [valueInfo('x', DataType.FLOAT, ['N', 'C', 8])],
      outputs: [
        valueInfo('flat', DataType.FLOAT),
        valueInfo('expanded', DataType.FLOAT),
        valueInfo('half', I64),
      ],
      initializers: [
        int64('i0', [], [0]),
        int64('i1', [], [1]),
        int64('axes', [1], [0]),
        int64('minus1', [1], [-1]),
        int64('all_minus1', [3], [-1, -1, -1]),
        int64('ones', [3], [1, 1, 1]),
        int64('two', [], [2]),
      ],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'i0'], ['n']),
        node('Gather', ['s', 'i1'], ['c']),
        node('Mul', ['n', 'c'], ['nc']),
        node('Unsqueeze', ['nc', 'axes'], ['nc1']),
        node('Concat', ['nc1', 'minus1'], ['target'], [attr.int('axis', 0)]),
        node('Reshape', ['x', 'target'], ['flat']),
        node('Equal', ['s', 'all_minus1'], ['is_minus1']),
        node('Where', ['is_minus1', 'ones', 's'], ['expand_to']),
        node('Expand', ['i1', 'expand_to'], ['expanded']),
        node('Div', ['n', 'two'], ['half']),
      ],
    });
    const g = buildGraph(proto);
    const result = inferShapes(g, { opset: 17, useDeclaredShapes: false });
    expect(result.status.every((s) => s.kind === 'ok')).toBe(true);
    expect(result.values.get('flat')?.shape?.[0]).toBe('N*C');
    expect(result.values.get('is_minus1')?.value?.data).toEqual([0, 0, 0]);
    expect(result.values.get('expanded')?.shape).toEqual(['N', 'C', 8]);
    expect(result.values.get('half')?.shape).toEqual([]);
  });
});
