/**
 * Models of ai.onnx opsets 1–6: the whole analysis (shapes, costs, layer view) runs on every ONNX
 * pytorch-converted and pytorch-operator model (almost all opset 6), and the inferred output
 * shapes equal the shapes of the expected outputs in test_data_set_0. The semantics that changed
 * at opset 7 and before (attribute broadcasting, Reshape/Cast/Tile/Upsample/Split/Concat/Pad
 * forms, Gemm's `broadcast`) are checked on one-node models, where NumPy rules would give another
 * answer.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { attr, graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { inferShapes } from '../core/shape/infer.js';
import type { Shape } from '../core/shape/types.js';
import { inferOneNode, type OneNodeSpec, type Operand } from './support/compute-graph.js';
import { readTestDataSet, testdataCases } from './support/testdata.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const input = (dims: readonly (number | string)[], dtype: number = F): Operand => ({ dtype, dims });
const known = (values: readonly number[], dims?: readonly number[], dtype: number = I64): Operand =>
  dims ? { dtype, dims, values } : { dtype, values };

function inferred(spec: OneNodeSpec, i = 0) {
  const { outputs, status } = inferOneNode(spec);
  expect(status, `${spec.op} opset ${spec.opset}: ${JSON.stringify(status)}`).toEqual({ kind: 'ok' });
  return outputs[i];
}

const shapeOf = (spec: OneNodeSpec, i = 0): Shape | null | undefined => inferred(spec, i)?.shape;

function errorOf(spec: OneNodeSpec): string {
  const { status } = inferOneNode(spec);
  expect(status.kind, `${spec.op} opset ${spec.opset} should be refused`).toBe('error');
  return status.kind === 'error' ? status.message : '';
}

describe('pytorch-converted and pytorch-operator models (opsets 6 and later)', () => {
  it('analyse with no shape error or unknown operator, and infer every expected output shape', () => {
    const cases = [...testdataCases('pytorch-converted'), ...testdataCases('pytorch-operator')];
    const byOpset = new Map<number, number>();
    const mismatches: string[] = [];
    let matched = 0;
    for (const dir of cases) {
      const name = path.basename(dir);
      const analysis = analyzeFile(path.join(dir, 'model.onnx'));
      const { graph: g, model: m, summary } = analysis;
      byOpset.set(m.opset, (byOpset.get(m.opset) ?? 0) + 1);
      expect(summary.shapeErrors, name).toEqual([]);
      expect(summary.unknownOperators, name).toEqual([]);
      expect(analysis.costs, name).toHaveLength(g.nodes.length);
      expect(analysis.layers.layers.length, name).toBeGreaterThan(0);
      expect(analysis.totals.flops + analysis.totals.activationBytes, name).toBeGreaterThan(0);

      // The rules alone, as the conformance test runs them: shapes the file declares are ignored.
      const data = readTestDataSet(dir, m.proto);
      const inputShapes: Record<string, Shape> = {};
      g.inputs.forEach((input, i) => {
        const tensor = data.inputs[i]?.tensors[0];
        if (tensor) inputShapes[input] = (tensor.dims ?? []).map(Number);
      });
      const rules = inferShapes(g, { opset: m.opset, inputShapes, useDeclaredShapes: false });
      expect(
        rules.status.filter((s) => s.kind !== 'ok'),
        name,
      ).toEqual([]);
      const wrong = g.outputs.flatMap((output, i) => {
        const expected = (data.outputs[i]?.tensors[0]?.dims ?? []).map(Number);
        const shape = rules.values.get(output)?.shape ?? null;
        return JSON.stringify(shape) === JSON.stringify(expected)
          ? []
          : [`${name} ${output}: inferred ${JSON.stringify(shape)}, expected ${JSON.stringify(expected)}`];
      });
      if (wrong.length === 0) matched++;
      mismatches.push(...wrong);
    }
    const legacy = [...byOpset].filter(([opset]) => opset < 7).reduce((n, [, count]) => n + count, 0);
    console.log(
      `[legacy-opset] ${cases.length} pytorch models (${[...byOpset]
        .sort((a, b) => a[0] - b[0])
        .map(([opset, n]) => `opset ${opset}: ${n}`)
        .join(
          ', ',
        )}; ${legacy} before opset 7): all analysed; output shapes match ${matched} (${((matched / cases.length) * 100).toFixed(1)}%)`,
    );
    expect(mismatches).toEqual([]);
    expect(legacy).toBeGreaterThan(100);
  });
});

describe('element-wise broadcasting before opset 7 (broadcast / axis attributes)', () => {
  const broadcastAt = (axis?: number) => [
    attr.int('broadcast', 1),
    ...(axis === undefined ? [] : [attr.int('axis', axis)]),
  ];

  it('places B along A from `axis`, where NumPy rules would refuse or align it elsewhere', () => {
    const add = (b: Operand, axis: number | undefined, opset: number): OneNodeSpec => ({
      op: 'Add',
      inputs: [input([2, 3, 4, 5]), b],
      attrs: broadcastAt(axis),
      opset,
    });
    expect(shapeOf(add(input([3, 4]), 1, 6))).toEqual([2, 3, 4, 5]);
    expect(errorOf(add(input([3, 4]), 1, 7))).toMatch(/broadcast/); // NumPy: 4 vs 5
    expect(shapeOf(add(input([2]), 0, 6))).toEqual([2, 3, 4, 5]);
    expect(shapeOf(add(input([4, 5]), undefined, 6))).toEqual([2, 3, 4, 5]); // suffix
    expect(shapeOf(add(input([1, 1]), undefined, 1))).toEqual([2, 3, 4, 5]); // one element
    expect(shapeOf(add(input([]), undefined, 6))).toEqual([2, 3, 4, 5]); // scalar
    // [5] fits A's last dim, but `axis` 1 puts it on A's dim 1 (3).
    expect(errorOf(add(input([5]), 1, 6))).toMatch(/does not match A \[2, 3, 4, 5\] from axis 1/);
    expect(errorOf(add(input([2, 3, 4, 5, 6]), undefined, 6))).toMatch(/lower rank/);
  });

  it('folds known values with B laid along axis 0 (per row, not per column)', () => {
    const out = inferred({
      op: 'Add',
      inputs: [known([1, 2, 3, 4, 5, 6], [2, 3]), known([10, 20], [2])],
      attrs: broadcastAt(0),
      opset: 6,
    });
    expect(out?.shape).toEqual([2, 3]);
    expect(out?.value?.data).toEqual([11, 12, 13, 24, 25, 26]);
    const mul = inferred({
      op: 'Mul',
      inputs: [known([1, 2, 3, 4, 5, 6], [2, 3]), known([10, 20, 30], [3])],
      attrs: broadcastAt(),
      opset: 6,
    });
    expect(mul?.value?.data).toEqual([10, 40, 90, 40, 100, 180]);
  });

  it('needs equal shapes without broadcast=1, keeps A’s shape and gives bool for comparisons', () => {
    const plain = (opset: number): OneNodeSpec => ({ op: 'Sub', inputs: [input([2, 3]), input([3])], opset });
    expect(errorOf(plain(6))).toMatch(/without broadcast=1 needs equal shapes/);
    expect(shapeOf(plain(7))).toEqual([2, 3]);
    expect(shapeOf({ op: 'Div', inputs: [input(['N', 3]), input(['N', 3])], opset: 6 })).toEqual(['N', 3]);
    expect(
      inferred({ op: 'Greater', inputs: [input(['N', 3]), input([3])], attrs: broadcastAt(), opset: 1 }),
    ).toEqual({ dtype: DataType.BOOL, shape: ['N', 3] });
    expect(
      shapeOf({ op: 'Pow', inputs: [input([2, 3]), input([2])], attrs: broadcastAt(0), opset: 1 }),
    ).toEqual([2, 3]);
  });

  it('Gemm adds a C of [M, N] unless broadcast=1', () => {
    const gemm = (c: number[], broadcast: number): OneNodeSpec => ({
      op: 'Gemm',
      inputs: [input([2, 3]), input([3, 4]), input(c)],
      attrs: [attr.int('broadcast', broadcast)],
      opset: 6,
    });
    expect(shapeOf(gemm([4], 1))).toEqual([2, 4]);
    expect(shapeOf(gemm([2, 4], 0))).toEqual([2, 4]);
    expect(errorOf(gemm([4], 0))).toMatch(/without broadcast=1 needs C of \[M, N\]/);
  });
});

describe('other operators whose form changed before opset 7', () => {
  it('Concat-1 defaults to axis 1', () => {
    const concat = (opset: number): OneNodeSpec => ({
      op: 'Concat',
      inputs: [input([2, 3]), input([2, 4])],
      opset,
    });
    expect(shapeOf(concat(3))).toEqual([2, 7]);
    expect(errorOf(concat(11))).toMatch(/Concat dimension 1: sizes 3 and 4 differ/);
  });

  it('Reshape-1 takes its target from the `shape` attribute', () => {
    const reshape = inferred({
      op: 'Reshape',
      inputs: [known([...Array(24).keys()], [2, 3, 4])],
      attrs: [attr.ints('shape', [3, -1]), attr.ints('consumed_inputs', [0])],
      opset: 4,
    });
    expect(reshape?.shape).toEqual([3, 8]);
    expect(reshape?.value?.data[23]).toBe(23);
  });

  it('Cast-1 names its target type', () => {
    const cast = (to: string): OneNodeSpec => ({
      op: 'Cast',
      inputs: [input([2, 3])],
      attrs: [attr.string('to', to)],
      opset: 5,
    });
    expect(inferred(cast('INT64'))).toEqual({ dtype: I64, shape: [2, 3] });
    expect(inferred(cast('float16'))?.dtype).toBe(DataType.FLOAT16);
    expect(errorOf(cast('REAL'))).toMatch(/unknown type "REAL"/);
  });

  it('Tile-1 repeats along one axis given as an input', () => {
    const tile = inferred({
      op: 'Tile',
      inputs: [known([1, 2, 3, 4, 5, 6], [2, 3]), known([2], []), known([1], [])],
      opset: 5,
    });
    expect(tile?.shape).toEqual([2, 6]);
    expect(tile?.value?.data).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(shapeOf({ op: 'Tile', inputs: [input([2, 3]), input([]), known([0], [])], opset: 5 })).toEqual([
      null,
      3,
    ]);
  });

  it('Upsample-1 scales height and width by attributes; Split-1 reads sizes from an input', () => {
    expect(
      shapeOf({
        op: 'Upsample',
        inputs: [input(['N', 3, 8, 8])],
        attrs: [attr.float('height_scale', 2), attr.float('width_scale', 3), attr.string('mode', 'bilinear')],
        opset: 1,
      }),
    ).toEqual(['N', 3, 16, 24]);
    const split: OneNodeSpec = {
      op: 'Split',
      inputs: [input([5, 4]), known([2, 3])],
      outputs: 2,
      opset: 1,
    };
    expect([shapeOf(split, 0), shapeOf(split, 1)]).toEqual([
      [2, 4],
      [3, 4],
    ]);
  });

  it('Pad-1 reads `paddings`; BatchNormalization-1 shapes its training statistics like the mean', () => {
    expect(
      shapeOf({
        op: 'Pad',
        inputs: [input([1, 1, 2, 4])],
        attrs: [attr.ints('paddings', [0, 0, 1, 2, 0, 0, 0, 3])],
        opset: 1,
      }),
    ).toEqual([1, 1, 3, 9]);
    const bn: OneNodeSpec = {
      op: 'BatchNormalization',
      inputs: [input(['N', 3, 8, 8]), input([3]), input([3]), input([3]), input([3])],
      attrs: [attr.int('is_test', 0), attr.int('spatial', 1), attr.ints('consumed_inputs', [0, 0, 0, 1, 1])],
      outputs: 5,
      opset: 5,
    };
    expect([0, 1, 4].map((i) => shapeOf(bn, i))).toEqual([['N', 3, 8, 8], [3], [3]]);
  });

  it('the experimental Crop, Scale and ConstantFill of opset 1', () => {
    const image = input(['N', 3, 10, 12]);
    expect(
      shapeOf({ op: 'Crop', inputs: [image], attrs: [attr.ints('border', [1, 2, 3, 4])], opset: 1 }),
    ).toEqual(['N', 3, 4, 8]);
    expect(shapeOf({ op: 'Crop', inputs: [image], attrs: [attr.ints('scale', [5, 6])], opset: 1 })).toEqual([
      'N',
      3,
      5,
      6,
    ]);
    expect(shapeOf({ op: 'Scale', inputs: [image], attrs: [attr.float('scale', 2)], opset: 1 })).toEqual([
      'N',
      3,
      10,
      12,
    ]);
    expect(
      inferred({
        op: 'ConstantFill',
        inputs: [known([2, 5])],
        attrs: [attr.int('input_as_shape', 1), attr.ints('extra_shape', [7])],
        opset: 1,
      }),
    ).toEqual({ dtype: F, shape: [2, 5, 7] });
  });
});

describe('costs of an opset-6 network', () => {
  it('counts BatchNormalization’s four statistics as weights and broadcast adds per output element', () => {
    const channels = 4;
    const weight = (name: string, dims: number[]) =>
      tensorFromFloat32(
        name,
        dims,
        Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i / 10),
      );
    const bytes = encodeModelProto(
      model({
        opset: 6,
        irVersion: 3,
        graph: graph({
          name: 'conv-bn-bias',
          nodes: [
            node(
              'Conv',
              ['x', 'w'],
              ['c'],
              [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])],
            ),
            node(
              'BatchNormalization',
              ['c', 'scale', 'bias', 'mean', 'var'],
              ['n'],
              [attr.int('is_test', 1)],
            ),
            node('Add', ['n', 'b'], ['a'], [attr.int('broadcast', 1), attr.int('axis', 1)]),
            node('Relu', ['a'], ['y']),
          ],
          inputs: [valueInfo('x', DataType.FLOAT, [1, 2, 8, 8])],
          outputs: [valueInfo('y', DataType.FLOAT)],
          initializers: [
            weight('w', [channels, 2, 3, 3]),
            ...['scale', 'bias', 'mean', 'var', 'b'].map((name) => weight(name, [channels])),
          ],
        }),
      }),
    );
    const analysis = analyzeBytes(bytes);
    expect(analysis.summary.shapeErrors).toEqual([]);
    expect(analysis.summary.outputs[0]!.shape).toEqual([1, channels, 8, 8]);
    const [conv, bn, add] = analysis.costs;
    const elements = channels * 8 * 8;
    expect(conv!.macs).toBe(elements * 2 * 9);
    expect(bn!.params).toBe(4 * channels);
    expect(bn!.flops).toBe(4 * elements);
    expect(add!.params).toBe(channels);
    expect(add!.flops).toBe(elements);
    expect(analysis.totals.params).toBe(channels * 2 * 9 + 5 * channels);
    expect(analysis.layers.layers.length).toBeGreaterThan(0);
  });
});
