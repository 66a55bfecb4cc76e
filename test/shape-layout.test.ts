/**
 * Shape rules for layout, data-movement, constant, control-flow and sequence operators, run
 * through a small InferContext that reads real AttributeProtos the way the driver does.
 */
import { describe, expect, it } from 'vitest';
import {
  attributeFloat,
  attributeFloats,
  attributeInt,
  attributeInts,
  attributeString,
  attributeTensor,
} from '../core/onnx/attributes.js';
import type { AttributeProto } from '../core/onnx/codec.js';
import { attr, graph, model, node, scalarInt64, tensorFromInt64, valueInfo } from '../core/onnx/builder.js';
import { decodeModelProto, encodeModelProto, type TensorProto } from '../core/onnx/codec.js';
import { buildGraph } from '../core/graph/build.js';
import { inferShapes } from '../core/shape/infer.js';
import { DataType } from '../core/onnx/dtype.js';
import { readTensorValues } from '../core/onnx/tensor-data.js';
import type { GraphNode } from '../core/graph/types.js';
import { layoutRules } from '../core/shape/ops/layout.js';
import {
  MAX_KNOWN_ELEMENTS,
  ShapeError,
  type Dim,
  type InferContext,
  type ValueInfo,
} from '../core/shape/types.js';

type Body = (inputs: readonly (ValueInfo | undefined)[]) => (ValueInfo | undefined)[];

interface Call {
  readonly attrs?: readonly AttributeProto[];
  readonly opset?: number;
  readonly outputs?: number;
  readonly bodies?: Readonly<Record<string, Body>>;
}

/** Runs one rule over `inputs` and returns what it set per output slot. */
function infer(
  op: string,
  inputs: readonly (ValueInfo | undefined)[],
  call: Call = {},
): (ValueInfo | undefined)[] {
  const rule = layoutRules[op];
  if (!rule) throw new Error(`no rule for ${op}`);
  const attributes = new Map((call.attrs ?? []).map((a) => [a.name ?? '', a]));
  const outputCount = call.outputs ?? 1;
  const node: GraphNode = {
    index: 0,
    name: `${op}_0`,
    opType: op,
    domain: '',
    inputs: inputs.map((x, i) => (x ? `in${i}` : '')),
    outputs: Array.from({ length: outputCount }, (_, i) => `out${i}`),
    attributes,
    subgraphs: new Map(),
    implicitInputs: [],
  };
  const produced: (ValueInfo | undefined)[] = new Array<ValueInfo | undefined>(outputCount).fill(undefined);
  let symbols = 0;
  const input = (i: number): ValueInfo | undefined => inputs[i];
  const ctx: InferContext = {
    node,
    opset: call.opset ?? 17,
    inputCount: inputs.length,
    outputCount,
    input,
    requireInput: (i) => {
      const v = inputs[i];
      if (!v) throw new ShapeError(`${op} needs input ${i}`);
      return v;
    },
    attr: (name) => attributes.get(name),
    attrInt: ((name: string, fallback?: number) =>
      attributeInt(attributes.get(name)) ?? fallback) as InferContext['attrInt'],
    attrInts: (name) => attributeInts(attributes.get(name)),
    attrFloat: (name, fallback) => attributeFloat(attributes.get(name)) ?? fallback,
    attrFloats: (name) => attributeFloats(attributes.get(name)),
    attrString: ((name: string, fallback?: string) =>
      attributeString(attributes.get(name)) ?? fallback) as InferContext['attrString'],
    attrTensor: (name) => attributeTensor(attributes.get(name)),
    setOutput: (i, info) => {
      if (i < outputCount) produced[i] = info;
    },
    freshSymbol: (hint) => `${hint}_${++symbols}`,
    tensorValue: (tensor) => {
      const data = readTensorValues(tensor, MAX_KNOWN_ELEMENTS);
      return data ? { dims: (tensor.dims ?? []).map(Number), data } : undefined;
    },
    inferSubgraph: (name, subInputs) => {
      const body = call.bodies?.[name];
      if (!body) throw new ShapeError(`no sub-graph ${name}`);
      return body(subInputs);
    },
  };
  rule(ctx);
  return produced;
}

const f32 = (...shape: Dim[]): ValueInfo => ({ dtype: DataType.FLOAT, shape });
const i64 = (dims: number[], data: number[]): ValueInfo => ({
  dtype: DataType.INT64,
  shape: dims,
  value: { dims, data },
});
const vec = (...data: number[]): ValueInfo => i64([data.length], data);
const scalar = (n: number): ValueInfo => i64([], [n]);
const shapeOf = (outs: (ValueInfo | undefined)[], i = 0): readonly Dim[] | null | undefined => outs[i]?.shape;
const valueOf = (outs: (ValueInfo | undefined)[], i = 0): readonly number[] | undefined =>
  outs[i]?.value?.data;

describe('constant folding of shape arithmetic', () => {
  it('folds the PyTorch Reshape target Shape → Gather → Unsqueeze → Concat', () => {
    const x = f32(2, 3, 4);
    const shape = infer('Shape', [x]);
    expect(valueOf(shape)).toEqual([2, 3, 4]);
    const batch = infer('Gather', [shape[0], scalar(0)], { attrs: [attr.int('axis', 0)] });
    expect(shapeOf(batch)).toEqual([]);
    expect(valueOf(batch)).toEqual([2]);
    const unsq = infer('Unsqueeze', [batch[0], vec(0)], { opset: 13 });
    expect(valueOf(unsq)).toEqual([2]);
    const target = infer('Concat', [unsq[0], vec(-1)], { attrs: [attr.int('axis', 0)] });
    expect(valueOf(target)).toEqual([2, -1]);
    expect(shapeOf(infer('Reshape', [x, target[0]]))).toEqual([2, 12]);
  });

  it('gives Shape of a symbolic tensor a known length but no value, and honours start/end', () => {
    const x = f32('N', 3, 224, 224);
    const full = infer('Shape', [x]);
    expect(shapeOf(full)).toEqual([4]);
    expect(full[0]?.value).toBeUndefined();
    const tail = infer('Shape', [x], { attrs: [attr.int('start', 1)] });
    expect(valueOf(tail)).toEqual([3, 224, 224]);
    expect(valueOf(infer('Shape', [x], { attrs: [attr.int('start', -2), attr.int('end', 10)] }))).toEqual([
      224, 224,
    ]);
    expect(shapeOf(infer('Shape', [f32(1, 2)], { attrs: [attr.int('start', 5)] }))).toEqual([0]);
    expect(shapeOf(infer('Shape', [{ dtype: 1, shape: null }]))).toEqual([null]);
  });

  it('folds Size, Constant, ConstantOfShape, Range and Cast', () => {
    expect(valueOf(infer('Size', [f32(2, 3)]))).toEqual([6]);
    expect(infer('Size', [f32('N', 3)])[0]?.value).toBeUndefined();
    const c = infer('Constant', [], { attrs: [attr.tensor('value', tensorFromInt64('', [2], [5, 7]))] });
    expect(c[0]).toEqual({ dtype: DataType.INT64, shape: [2], value: { dims: [2], data: [5, 7] } });
    const sparse: AttributeProto = {
      name: 'sparse_value',
      type: 11,
      sparseTensor: {
        dims: [2, 2],
        values: tensorFromInt64('', [2], [5, 6]),
        indices: tensorFromInt64('', [2], [1, 3]),
      },
    };
    expect(infer('Constant', [], { attrs: [sparse] })[0]).toMatchObject({
      shape: [2, 2],
      value: { data: [0, 5, 0, 6] },
    });
    expect(valueOf(infer('Constant', [], { attrs: [attr.ints('value_ints', [1, 2, 3])] }))).toEqual([
      1, 2, 3,
    ]);
    expect(infer('Constant', [], { attrs: [attr.float('value_float', 0.5)] })[0]).toMatchObject({
      dtype: DataType.FLOAT,
      shape: [],
    });
    const filled = infer('ConstantOfShape', [vec(2, 2)], {
      attrs: [attr.tensor('value', tensorFromInt64('', [1], [7]))],
    });
    expect(filled[0]).toMatchObject({ dtype: DataType.INT64, shape: [2, 2], value: { data: [7, 7, 7, 7] } });
    expect(shapeOf(infer('ConstantOfShape', [{ dtype: DataType.INT64, shape: [3] }]))).toEqual([
      null,
      null,
      null,
    ]);
    expect(valueOf(infer('Range', [scalar(10), scalar(4), scalar(-3)]))).toEqual([10, 7]);
    expect(shapeOf(infer('Range', [{ dtype: DataType.INT64, shape: [] }, scalar(4), scalar(1)]))).toEqual([
      'range_1',
    ]);
    const cast = infer(
      'Cast',
      [{ dtype: DataType.FLOAT, shape: [3], value: { dims: [3], data: [1.7, -1.7, 300] } }],
      {
        attrs: [attr.int('to', DataType.UINT8)],
      },
    );
    expect(cast[0]).toMatchObject({ dtype: DataType.UINT8, value: { data: [1, 255, 44] } });
    expect(infer('CastLike', [vec(1, 0), f32()])[0]).toMatchObject({
      dtype: DataType.FLOAT,
      value: { data: [1, 0] },
    });
  });
});

describe('symbolic shape arithmetic', () => {
  it('keeps a symbolic batch through Shape → Gather → Unsqueeze → Concat → Reshape', () => {
    const x = f32('N', 3, 4);
    const shape = infer('Shape', [x]);
    expect(shape[0]?.value).toBeUndefined();
    const batch = infer('Gather', [shape[0], scalar(0)]);
    const target = infer('Concat', [infer('Unsqueeze', [batch[0], vec(0)])[0], vec(-1)], {
      attrs: [attr.int('axis', 0)],
    });
    expect(shapeOf(infer('Reshape', [x, target[0]]))).toEqual(['N', 12]);
    const tail = infer('Slice', [shape[0], vec(1), vec(3)]);
    expect(valueOf(tail)).toEqual([3, 4]);
    const seq = infer('Slice', [infer('Shape', [f32(2, 'S')])[0], vec(1), vec(2)])[0];
    expect(shapeOf(infer('Slice', [f32(1, 1024, 1024), vec(0), seq, vec(1)]))).toEqual([1, 'S', 1024]);
  });

  it('reads symbolic entries in Size, Range, ConstantOfShape, Expand, Tile and Cast', () => {
    const shape = infer('Shape', [f32('B', 'S')])[0];
    const size = infer('Size', [f32('B', 'S', 2)])[0];
    expect(infer('Reshape', [f32('B', 'S', 2), infer('Unsqueeze', [size, vec(0)])[0]])[0]?.shape).toEqual([
      '2*B*S',
    ]);
    const seq = infer('Gather', [shape, scalar(1)])[0];
    expect(shapeOf(infer('Range', [scalar(0), seq, scalar(1)]))).toEqual(['S']);
    expect(shapeOf(infer('ConstantOfShape', [shape]))).toEqual(['B', 'S']);
    expect(shapeOf(infer('Expand', [f32(1, 1), shape]))).toEqual(['B', 'S']);
    expect(shapeOf(infer('Tile', [f32(2, 1), shape]))).toEqual(['2*B', 'S']);
    const asInt32 = infer('Cast', [shape], { attrs: [attr.int('to', DataType.INT32)] })[0];
    expect(shapeOf(infer('ConstantOfShape', [asInt32]))).toEqual(['B', 'S']);
    const asFloat = infer('Cast', [shape], { attrs: [attr.int('to', DataType.FLOAT)] })[0];
    expect(shapeOf(infer('ConstantOfShape', [asFloat]))).toEqual([null, null]);
  });
});

describe('reshaping', () => {
  it('copies 0, infers -1 and keeps 0 literal under allowzero', () => {
    expect(shapeOf(infer('Reshape', [f32(2, 3, 4), vec(0, -1)]))).toEqual([2, 12]);
    expect(
      shapeOf(infer('Reshape', [f32(0, 3, 4), vec(3, 4, 0)], { attrs: [attr.int('allowzero', 1)] })),
    ).toEqual([3, 4, 0]);
    expect(() => infer('Reshape', [f32(2, 3), vec(4, -1)])).toThrow(ShapeError);
    expect(() => infer('Reshape', [f32(2, 3), vec(5)])).toThrow(ShapeError);
  });

  it('produces symbolic products for -1 with symbolic dims', () => {
    expect(shapeOf(infer('Reshape', [f32('N', 3, 4), vec(0, -1)]))).toEqual(['N', 12]);
    expect(shapeOf(infer('Reshape', [f32('N', 12), vec(-1, 3)]))).toEqual(['4*N', 3]);
    expect(shapeOf(infer('Reshape', [f32('N', 'S', 8), vec(0, -1, 2, 4)]))).toEqual(['N', 'S', 2, 4]);
    expect(shapeOf(infer('Reshape', [f32('N', 3), { dtype: DataType.INT64, shape: [3] }]))).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('flattens, transposes and carries values along', () => {
    expect(shapeOf(infer('Flatten', [f32('N', 3, 4)]))).toEqual(['N', 12]);
    expect(shapeOf(infer('Flatten', [f32(2, 3, 4)], { attrs: [attr.int('axis', -1)] }))).toEqual([6, 4]);
    expect(shapeOf(infer('Flatten', [f32(2, 3)], { attrs: [attr.int('axis', 0)] }))).toEqual([1, 6]);
    expect(shapeOf(infer('Transpose', [f32(1, 2, 3)]))).toEqual([3, 2, 1]);
    const t = infer('Transpose', [i64([2, 3], [1, 2, 3, 4, 5, 6])], { attrs: [attr.ints('perm', [1, 0])] });
    expect(t[0]).toMatchObject({ shape: [3, 2], value: { data: [1, 4, 2, 5, 3, 6] } });
    expect(() => infer('Transpose', [f32(1, 2)], { attrs: [attr.ints('perm', [0, 0])] })).toThrow(ShapeError);
  });

  it('squeezes and unsqueezes with axes as attribute (opset < 13) or input (13+)', () => {
    expect(
      shapeOf(infer('Squeeze', [f32(1, 3, 1, 5)], { opset: 11, attrs: [attr.ints('axes', [0, -2])] })),
    ).toEqual([3, 5]);
    expect(shapeOf(infer('Squeeze', [f32(1, 3, 1, 5), vec(2)], { opset: 13 }))).toEqual([1, 3, 5]);
    expect(shapeOf(infer('Squeeze', [f32(1, 'N', 1)], { opset: 13 }))).toEqual(['N']);
    expect(() => infer('Squeeze', [f32(2, 3), vec(0)])).toThrow(ShapeError);
    expect(
      shapeOf(infer('Unsqueeze', [f32(3, 4)], { opset: 11, attrs: [attr.ints('axes', [0, 3])] })),
    ).toEqual([1, 3, 4, 1]);
    expect(shapeOf(infer('Unsqueeze', [f32(3, 4), vec(-1, 1)], { opset: 13 }))).toEqual([3, 1, 4, 1]);
    expect(shapeOf(infer('Unsqueeze', [f32(3), { dtype: DataType.INT64, shape: [2] }]))).toEqual([
      null,
      null,
      null,
    ]);
  });
});

describe('joining, splitting and repeating', () => {
  it('concatenates shapes and values', () => {
    const out = infer('Concat', [f32('N', 2), f32('N', 3), f32(null, 1)], { attrs: [attr.int('axis', -1)] });
    expect(shapeOf(out)).toEqual(['N', 6]);
    const joined = infer('Concat', [i64([2, 1], [1, 2]), i64([2, 2], [3, 4, 5, 6])], {
      attrs: [attr.int('axis', 1)],
    });
    expect(valueOf(joined)).toEqual([1, 3, 4, 2, 5, 6]);
    expect(() => infer('Concat', [f32(2, 3), f32(3, 3)], { attrs: [attr.int('axis', 1)] })).toThrow(
      ShapeError,
    );
  });

  it('splits evenly, unevenly (num_outputs at 18), by sizes, and splits values', () => {
    expect(infer('Split', [f32(6, 2)], { outputs: 3 }).map((o) => o?.shape)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    const uneven = infer('Split', [f32(5)], { opset: 18, outputs: 3, attrs: [attr.int('num_outputs', 3)] });
    expect(uneven.map((o) => o?.shape)).toEqual([[2], [2], [1]]);
    expect(
      infer('Split', [f32(2, 5), vec(1, 4)], { outputs: 2, attrs: [attr.int('axis', 1)] }).map(
        (o) => o?.shape,
      ),
    ).toEqual([
      [2, 1],
      [2, 4],
    ]);
    expect(
      infer('Split', [f32(5)], { opset: 11, outputs: 2, attrs: [attr.ints('split', [2, 3])] }).map(
        (o) => o?.shape,
      ),
    ).toEqual([[2], [3]]);
    expect(
      infer('Split', [vec(4, 5, 6)], { outputs: 2, attrs: [attr.ints('split', [1, 2])] }).map(
        (o) => o?.value?.data,
      ),
    ).toEqual([[4], [5, 6]]);
    expect(() => infer('Split', [f32(5), vec(2, 2)], { outputs: 2 })).toThrow(ShapeError);
    expect(infer('Split', [f32('N', 4)], { outputs: 2 }).map((o) => o?.shape)).toEqual([
      ['N/2', 4],
      ['N/2', 4],
    ]);
  });

  it('expands and tiles, with values', () => {
    expect(shapeOf(infer('Expand', [f32(3, 1), vec(2, 1, 6)]))).toEqual([2, 3, 6]);
    expect(shapeOf(infer('Expand', [f32('N', 1), vec(1, 4)]))).toEqual(['N', 4]);
    expect(valueOf(infer('Expand', [vec(1, 2), vec(2, 2)]))).toEqual([1, 2, 1, 2]);
    expect(shapeOf(infer('Expand', [f32(3, 1), { dtype: DataType.INT64, shape: [3] }]))).toEqual([
      null,
      3,
      null,
    ]);
    expect(() => infer('Expand', [f32(3), vec(4)])).toThrow(ShapeError);
    expect(shapeOf(infer('Tile', [f32('N', 2), vec(2, 3)]))).toEqual(['2*N', 6]);
    expect(valueOf(infer('Tile', [vec(1, 2), vec(2)]))).toEqual([1, 2, 1, 2]);
  });
});

describe('slicing and padding', () => {
  it('slices with negative, clamped and stepped bounds', () => {
    const x = f32(20, 10, 5);
    expect(shapeOf(infer('Slice', [x, vec(0, 0), vec(3, 10), vec(0, 1), vec(1, 1)]))).toEqual([3, 10, 5]);
    expect(shapeOf(infer('Slice', [x, vec(-3), vec(1000), vec(-1)]))).toEqual([20, 10, 3]);
    expect(shapeOf(infer('Slice', [x, vec(20, 10, 4), vec(0, 0, 1), vec(0, 1, 2), vec(-1, -3, -1)]))).toEqual(
      [19, 3, 3],
    );
    expect(shapeOf(infer('Slice', [x, vec(1000), vec(1000), vec(1)]))).toEqual([20, 0, 5]);
    expect(
      shapeOf(
        infer('Slice', [x], { opset: 9, attrs: [attr.ints('starts', [0, 1]), attr.ints('ends', [2, -1])] }),
      ),
    ).toEqual([2, 8, 5]);
    expect(valueOf(infer('Slice', [vec(2, 3, 4, 5), vec(1), vec(3)]))).toEqual([3, 4]);
    expect(valueOf(infer('Slice', [vec(2, 3, 4, 5), vec(-1), vec(-1000), vec(0), vec(-2)]))).toEqual([5, 3]);
  });

  it('keeps symbols readable and the rank when bounds are unknown', () => {
    const x = f32('N', 'S', 8);
    expect(shapeOf(infer('Slice', [x, vec(1), vec(2 ** 63), vec(1)]))).toEqual(['N', 'S-1', 8]);
    expect(shapeOf(infer('Slice', [x, vec(-1), vec(2 ** 63), vec(1)]))).toEqual(['N', 1, 8]);
    expect(shapeOf(infer('Slice', [x, vec(0, 2), vec(4, 6), vec(1, 2)]))).toEqual(['N', 4, 4]);
    const unknown: ValueInfo = { dtype: DataType.INT64, shape: [1] };
    expect(shapeOf(infer('Slice', [x, unknown, unknown, vec(1)]))).toEqual(['N', null, 8]);
  });

  it('pads from attributes (opset < 11), inputs, and axes (18)', () => {
    expect(
      shapeOf(infer('Pad', [f32(1, 3, 4)], { opset: 2, attrs: [attr.ints('pads', [0, 1, 2, 0, 1, 2])] })),
    ).toEqual([1, 5, 8]);
    expect(shapeOf(infer('Pad', [f32('N', 3, 4), vec(0, 0, 1, 0, 0, 1)], { opset: 13 }))).toEqual([
      'N',
      3,
      6,
    ]);
    expect(shapeOf(infer('Pad', [f32(1, 3, 4), vec(1, 2), undefined, vec(-1)], { opset: 18 }))).toEqual([
      1, 3, 7,
    ]);
    expect(shapeOf(infer('Pad', [f32('H'), vec(2, -1)]))).toEqual(['H+1']);
    expect(() => infer('Pad', [f32(2), vec(-2, -1)])).toThrow(ShapeError);
  });
});

describe('indexing', () => {
  it('gathers shapes and values along an axis', () => {
    expect(
      shapeOf(infer('Gather', [f32(5, 4, 3), i64([2, 2], [0, 1, 2, 3])], { attrs: [attr.int('axis', 1)] })),
    ).toEqual([5, 2, 2, 3]);
    expect(valueOf(infer('Gather', [vec(7, 8, 9), vec(-1, 0)]))).toEqual([9, 7]);
    expect(
      valueOf(infer('Gather', [i64([2, 2], [1, 2, 3, 4]), vec(1)], { attrs: [attr.int('axis', 1)] })),
    ).toEqual([2, 4]);
    expect(() => infer('Gather', [vec(1, 2), vec(5)])).toThrow(ShapeError);
    expect(
      valueOf(
        infer('GatherElements', [i64([2, 2], [1, 2, 3, 4]), i64([2, 2], [0, 0, 1, 0])], {
          attrs: [attr.int('axis', 1)],
        }),
      ),
    ).toEqual([1, 1, 4, 3]);
    expect(shapeOf(infer('GatherND', [f32(2, 3, 4), f32(5, 2)]))).toEqual([5, 4]);
    expect(
      shapeOf(infer('GatherND', [f32(2, 3, 4), f32(2, 1)], { attrs: [attr.int('batch_dims', 1)] })),
    ).toEqual([2, 4]);
    expect(shapeOf(infer('ScatterND', [f32(4, 4), f32(2, 1), f32(2, 4)]))).toEqual([4, 4]);
  });

  it('places OneHot depth on its axis', () => {
    const values: ValueInfo = { dtype: DataType.FLOAT, shape: [2] };
    expect(shapeOf(infer('OneHot', [f32(2, 3), scalar(10), values]))).toEqual([2, 3, 10]);
    expect(shapeOf(infer('OneHot', [f32(2, 3), vec(10), values], { attrs: [attr.int('axis', 1)] }))).toEqual([
      2, 10, 3,
    ]);
  });

  it('counts data-dependent sizes exactly when known and symbolically otherwise', () => {
    expect(shapeOf(infer('NonZero', [f32(2, 3)]))).toEqual([2, 'nonzero_1']);
    const nz = infer('NonZero', [i64([2, 2], [1, 0, 0, 3])]);
    expect(nz[0]).toMatchObject({ shape: [2, 2], value: { data: [0, 1, 0, 1] } });
    expect(shapeOf(infer('Compress', [f32(3, 2), vec(0, 1, 1)], { attrs: [attr.int('axis', 0)] }))).toEqual([
      2, 2,
    ]);
    expect(shapeOf(infer('Compress', [f32(3, 2), { dtype: DataType.BOOL, shape: [6] }]))).toEqual([
      'compress_1',
    ]);
    const top = infer('TopK', [f32(3, 4), vec(2)], { outputs: 2 });
    expect(top.map((o) => o?.shape)).toEqual([
      [3, 2],
      [3, 2],
    ]);
    expect(top[1]?.dtype).toBe(DataType.INT64);
    expect(
      shapeOf(infer('TopK', [f32(3, 4)], { opset: 1, attrs: [attr.int('k', 3), attr.int('axis', 0)] })),
    ).toEqual([3, 4]);
    expect(shapeOf(infer('TopK', [f32(3, 4), { dtype: DataType.INT64, shape: [1] }]))).toEqual([3, 'topk_1']);
    expect(() => infer('TopK', [f32(3, 4), vec(5)])).toThrow(ShapeError);
    const unique = infer('Unique', [i64([4], [2, 1, 1, 3])], { outputs: 4 });
    expect(unique.map((o) => o?.shape)).toEqual([[3], [3], [4], [3]]);
    const byRow = infer('Unique', [i64([3, 2], [1, 1, 0, 1, 1, 1])], {
      outputs: 4,
      attrs: [attr.int('axis', 0)],
    });
    expect(byRow.map((o) => o?.shape)).toEqual([[2, 2], [2], [3], [2]]);
    expect(infer('Unique', [f32('N', 2)], { outputs: 4 })[2]?.shape).toEqual(['2*N']);
    expect(shapeOf(infer('ImageDecoder', [{ dtype: DataType.UINT8, shape: [900] }]))).toEqual([
      'height_1',
      'width_2',
      3,
    ]);
    expect(shapeOf(infer('NonMaxSuppression', [f32(1, 6, 4), f32(1, 1, 6)]))).toEqual([
      'selected_boxes_1',
      3,
    ]);
  });
});

describe('spatial rearrangement', () => {
  it('resizes by scales, sizes and keep_aspect_ratio_policy', () => {
    const x = f32(1, 3, 4, 6);
    const none: ValueInfo = { dtype: DataType.FLOAT, shape: [0], value: { dims: [0], data: [] } };
    const scales: ValueInfo = {
      dtype: DataType.FLOAT,
      shape: [4],
      value: { dims: [4], data: [1, 1, 0.6, 2] },
    };
    expect(shapeOf(infer('Resize', [x, none, scales], { opset: 11 }))).toEqual([1, 3, 2, 12]);
    expect(shapeOf(infer('Resize', [x, undefined, undefined, vec(1, 3, 8, 8)], { opset: 13 }))).toEqual([
      1, 3, 8, 8,
    ]);
    const policy = {
      opset: 18,
      attrs: [attr.ints('axes', [2, 3]), attr.string('keep_aspect_ratio_policy', 'not_larger')],
    };
    expect(shapeOf(infer('Resize', [x, undefined, undefined, vec(8, 8)], policy))).toEqual([1, 3, 5, 8]);
    expect(shapeOf(infer('Resize', [x, scales], { opset: 10 }))).toEqual([1, 3, 2, 12]);
    const sym = { dtype: DataType.FLOAT, shape: [4], value: { dims: [4], data: [1, 1, 2, 2] } };
    expect(shapeOf(infer('Resize', [f32('N', 3, 'H', 'W'), undefined, sym]))).toEqual(['N', 3, '2*H', '2*W']);
    expect(
      shapeOf(infer('Upsample', [x], { opset: 7, attrs: [attr.floats('scales', [1, 1, 2, 2])] })),
    ).toEqual([1, 3, 8, 12]);
  });

  it('moves depth to space and back', () => {
    expect(shapeOf(infer('DepthToSpace', [f32(1, 8, 2, 3)], { attrs: [attr.int('blocksize', 2)] }))).toEqual([
      1, 2, 4, 6,
    ]);
    expect(shapeOf(infer('SpaceToDepth', [f32(1, 2, 4, 6)], { attrs: [attr.int('blocksize', 2)] }))).toEqual([
      1, 8, 2, 3,
    ]);
    expect(() => infer('SpaceToDepth', [f32(1, 2, 5, 6)], { attrs: [attr.int('blocksize', 2)] })).toThrow(
      ShapeError,
    );
  });
});

describe('control flow', () => {
  const bool = (v?: number): ValueInfo =>
    v === undefined
      ? { dtype: DataType.BOOL, shape: [] }
      : { dtype: DataType.BOOL, shape: [], value: { dims: [], data: [v] } };

  it('merges If branches, or picks one when the condition is known', () => {
    const bodies = { then_branch: () => [f32(2, 3), vec(1)], else_branch: () => [f32(2, 5), vec(1)] };
    const merged = infer('If', [bool()], { outputs: 2, bodies });
    expect(shapeOf(merged)).toEqual([2, 'if_1']);
    expect(valueOf(merged, 1)).toEqual([1]);
    expect(shapeOf(infer('If', [bool(0)], { bodies }))).toEqual([2, 5]);
  });

  it('stacks Loop scan outputs along the trip count and merges carried shapes', () => {
    const seen: (readonly Dim[] | null | undefined)[] = [];
    const body: Body = (inputs) => {
      seen.push(inputs[2]?.shape);
      return [inputs[1], f32(null), f32(2, 2)];
    };
    const outs = infer('Loop', [scalar(5), bool(1), f32(3)], { outputs: 2, bodies: { body } });
    expect(shapeOf(outs, 0)).toEqual([null]);
    expect(shapeOf(outs, 1)).toEqual([5, 2, 2]);
    expect(seen).toEqual([[3], [null]]);
    const whileLoop = infer('Loop', [undefined, bool(), f32(3)], {
      outputs: 2,
      bodies: { body: (i) => [bool(), i[2], f32(4)] },
    });
    expect(whileLoop.map((o) => o?.shape)).toEqual([[3], ['loop_iterations_1', 4]]);
  });

  it('runs Scan bodies on slices and stacks outputs on the scan axis', () => {
    const body: Body = (inputs) => [inputs[0], inputs[1]];
    const outs = infer('Scan', [f32(2), f32(3, 2)], {
      opset: 11,
      outputs: 2,
      bodies: { body },
      attrs: [attr.int('num_scan_inputs', 1)],
    });
    expect(outs.map((o) => o?.shape)).toEqual([[2], [3, 2]]);
    const v8 = infer('Scan', [undefined, f32(1, 2), f32(1, 3, 2)], {
      opset: 8,
      outputs: 2,
      bodies: { body },
      attrs: [attr.int('num_scan_inputs', 1)],
    });
    expect(v8.map((o) => o?.shape)).toEqual([
      [1, 2],
      [1, 3, 2],
    ]);
  });
});

describe('sequences and optionals (described by their element)', () => {
  it('merges element shapes and splits to sequences', () => {
    expect(shapeOf(infer('SequenceConstruct', [f32(2, 3), f32(2, 4)]))).toEqual([2, 'seq_1']);
    expect(shapeOf(infer('SequenceInsert', [f32(2, 3), f32(2, 3)]))).toEqual([2, 3]);
    expect(shapeOf(infer('SequenceAt', [f32(2, 3), scalar(0)]))).toEqual([2, 3]);
    expect(infer('SequenceEmpty', [], { attrs: [attr.int('dtype', DataType.INT64)] })[0]).toEqual({
      dtype: DataType.INT64,
      shape: null,
      sequenceElements: [],
    });
    expect(shapeOf(infer('SplitToSequence', [f32(6, 2)]))).toEqual([1, 2]);
    expect(shapeOf(infer('SplitToSequence', [f32(6, 2)], { attrs: [attr.int('keepdims', 0)] }))).toEqual([2]);
    expect(shapeOf(infer('SplitToSequence', [f32(6, 2), scalar(3)]))).toEqual([3, 2]);
    expect(shapeOf(infer('SplitToSequence', [f32(6, 2), vec(2, 4)]))).toEqual(['seq_1', 2]);
    expect(shapeOf(infer('SplitToSequence', [f32('N', 2), scalar(3)]))).toEqual([null, 2]);
    const stacked = infer('ConcatFromSequence', [f32(2, 3)], {
      attrs: [attr.int('axis', 1), attr.int('new_axis', 1)],
    });
    expect(shapeOf(stacked)).toEqual([2, 'concat_1', 3]);
    expect(valueOf(infer('OptionalHasElement', [undefined]))).toEqual([0]);
    expect(shapeOf(infer('OptionalGetElement', [f32(4)]))).toEqual([4]);
  });
});

describe('sequence elements', () => {
  it('lists elements from SequenceEmpty on, so positions and lengths are exact', () => {
    const empty = infer('SequenceEmpty', [])[0];
    const one = infer('SequenceInsert', [empty, f32(2, 3)])[0];
    expect(shapeOf([one])).toEqual([2, 3]);
    const two = infer('SequenceInsert', [one, f32(1, 3), scalar(0)])[0];
    expect(shapeOf([two])).toEqual(['seq_1', 3]);
    expect(valueOf(infer('SequenceLength', [two]))).toEqual([2]);
    expect(shapeOf(infer('SequenceAt', [two, scalar(0)]))).toEqual([1, 3]);
    expect(shapeOf(infer('SequenceAt', [two, scalar(-1)]))).toEqual([2, 3]);
    expect(shapeOf(infer('ConcatFromSequence', [two]))).toEqual([3, 3]);
    expect(shapeOf(infer('SequenceAt', [infer('SequenceErase', [two, scalar(0)])[0], scalar(0)]))).toEqual([
      2, 3,
    ]);
    expect(() => infer('SequenceErase', [empty])).toThrow(ShapeError);
    expect(() => infer('SequenceAt', [two, scalar(2)])).toThrow(ShapeError);
    const pieces = infer('SplitToSequence', [f32(7, 2), scalar(3)])[0];
    expect(valueOf(infer('SequenceLength', [pieces]))).toEqual([3]);
    expect(shapeOf(infer('SequenceAt', [pieces, scalar(2)]))).toEqual([1, 2]);
  });

  it('lets a Loop append to a sequence that starts empty', () => {
    const empty = infer('SequenceEmpty', [])[0];
    const body: Body = (inputs) => [inputs[1], infer('SequenceInsert', [inputs[2], f32('N', 4)])[0]];
    const bool: ValueInfo = { dtype: DataType.BOOL, shape: [], value: { dims: [], data: [1] } };
    const out = infer('Loop', [scalar(3), bool, empty], { bodies: { body } });
    expect(out[0]).toEqual({ dtype: DataType.FLOAT, shape: ['N', 4] });
  });
});

describe('robustness', () => {
  it('never fails on unknown ranks with anything but a ShapeError', () => {
    const unknown: ValueInfo = { dtype: DataType.FLOAT, shape: null };
    const bodies = { then_branch: () => [], else_branch: () => [], body: () => [] };
    for (const op of Object.keys(layoutRules)) {
      for (const count of [1, 2, 3, 5]) {
        try {
          const outs = infer(op, new Array<ValueInfo>(count).fill(unknown), { outputs: 2, bodies });
          expect(outs.length, op).toBe(2);
        } catch (error) {
          expect(error, `${op} with ${count} unknown inputs`).toBeInstanceOf(ShapeError);
        }
      }
    }
  });
});

describe('through the shape-inference driver', () => {
  const boolTrue: TensorProto = { name: 'go', dims: [], dataType: DataType.BOOL, int32Data: [1] };
  const constant = (t: TensorProto): ReturnType<typeof node> =>
    node('Constant', [], [t.name ?? ''], [attr.tensor('value', { ...t, name: '' })]);

  it('infers a dynamic-batch flatten and a Loop that appends to a sequence, from encoded bytes', () => {
    const x = valueInfo('x', DataType.FLOAT, ['N', 3, 4]);
    const body = graph({
      name: 'body',
      nodes: [
        node('Identity', ['cond_in'], ['cond_out']),
        node('SequenceInsert', ['seq_in', 'flat'], ['seq_out']),
        node('Shape', ['flat'], ['row_shape']),
      ],
      inputs: [
        valueInfo('i', DataType.INT64, []),
        valueInfo('cond_in', DataType.BOOL, []),
        {
          name: 'seq_in',
          type: { sequenceType: { elemType: { tensorType: { elemType: DataType.FLOAT } } } },
        },
      ],
      outputs: [
        valueInfo('cond_out', DataType.BOOL, []),
        {
          name: 'seq_out',
          type: { sequenceType: { elemType: { tensorType: { elemType: DataType.FLOAT } } } },
        },
        valueInfo('row_shape', DataType.INT64),
      ],
    });
    const main = graph({
      name: 'main',
      nodes: [
        node('Shape', ['x'], ['shape']),
        constant(scalarInt64('zero', 0)),
        node('Gather', ['shape', 'zero'], ['batch']),
        node('Unsqueeze', ['batch'], ['batch1'], [attr.ints('axes', [0])]),
        constant(tensorFromInt64('rest', [1], [-1])),
        node('Concat', ['batch1', 'rest'], ['target'], [attr.int('axis', 0)]),
        node('Reshape', ['x', 'target'], ['flat']),
        node('SequenceEmpty', [], ['empty']),
        constant(scalarInt64('trips', 3)),
        constant(boolTrue),
        node('Loop', ['trips', 'go', 'empty'], ['rows', 'shapes'], [attr.graph('body', body)]),
        node('ConcatFromSequence', ['rows'], ['stacked'], [attr.int('axis', 0), attr.int('new_axis', 1)]),
      ],
      inputs: [x],
      outputs: [valueInfo('stacked', DataType.FLOAT), valueInfo('shapes', DataType.INT64)],
    });
    const bytes = encodeModelProto(model({ graph: main, opset: 12 }));
    const decoded = decodeModelProto(bytes).graph;
    if (!decoded) throw new Error('the encoded model lost its graph');
    const g = buildGraph(decoded);
    const result = inferShapes(g, { opset: 12, useDeclaredShapes: false });
    expect(result.status.every((s) => s.kind === 'ok')).toBe(true);
    expect(result.values.get('flat')?.shape).toEqual(['N', 12]);
    expect(result.values.get('rows')?.shape).toEqual(['N', 12]);
    expect(result.values.get('shapes')?.shape).toEqual([3, 2]);
    expect(result.values.get('stacked')?.shape?.[1]).toBe('N');
    const bound = inferShapes(g, { opset: 12, inputShapes: { x: [5, 3, 4] }, useDeclaredShapes: false });
    expect(bound.values.get('target')?.value?.data).toEqual([5, -1]);
    expect(bound.values.get('shapes')?.shape).toEqual([3, 2]);
  });
});
