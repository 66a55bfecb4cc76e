/**
 * The compute shape rules checked against references: onnxruntime's folded values and output
 * shapes, the ONNX backend suite's expected outputs, and the preview training operators.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr } from '../core/onnx/builder.js';
import { decodeModelProto, encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { readModelFile } from '../core/onnx/read.js';
import { isCutlineError } from '../core/errors.js';
import { buildGraph } from '../core/graph/build.js';
import { inferShapes, tensorProtoValue } from '../core/shape/infer.js';
import { computeRules } from '../core/shape/ops/compute.js';
import { PREVIEW_TRAINING_DOMAIN, previewTrainingRules } from '../core/shape/ops/training.js';
import type { InferContext, KnownValue, Shape, ValueInfo } from '../core/shape/types.js';
import { inferOneNode, oneNodeModel, type OneNodeSpec, type Operand } from './support/compute-graph.js';
import { readTestDataSet, TESTDATA_ROOT, testdataCases } from './support/testdata.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;

const known = (values: readonly number[], dims?: readonly number[], dtype: number = I64): Operand =>
  dims ? { dtype, dims, values } : { dtype, values };

describe('constant folding', () => {
  it('agrees with onnxruntime on integer arithmetic', async () => {
    ort.env.logLevel = 'fatal';
    const a = known([-7, -3, 0, 5, 9, 12], [2, 3]);
    const b = known([2, -4, 5], [3]);
    const cases: OneNodeSpec[] = [
      { op: 'Add', inputs: [a, b] },
      { op: 'Sub', inputs: [a, b] },
      { op: 'Mul', inputs: [a, b] },
      { op: 'Div', inputs: [a, b] },
      { op: 'Mod', inputs: [a, b] },
      { op: 'Mod', inputs: [a, b], attrs: [attr.int('fmod', 1)] },
      { op: 'Max', inputs: [a, b] },
      { op: 'Min', inputs: [a, b] },
      { op: 'Abs', inputs: [a] },
      { op: 'Neg', inputs: [a] },
      { op: 'Sign', inputs: [a] },
      { op: 'ReduceSum', inputs: [a, known([1])] },
      { op: 'ReduceProd', inputs: [a], attrs: [attr.int('keepdims', 0)], opset: 13 },
      { op: 'ReduceMin', inputs: [a], attrs: [attr.ints('axes', [0])], opset: 13 },
      { op: 'Add', inputs: [known([100, -100], [2], DataType.INT8), known([100], [1], DataType.INT8)] },
      { op: 'Div', inputs: [known([7, -7, 100], [3], DataType.INT32), known([-2], [], DataType.INT32)] },
      { op: 'Pow', inputs: [a, known([2], [])] },
      { op: 'Clip', inputs: [a, known([-4], []), known([6], [])] },
      { op: 'ReduceMean', inputs: [a], attrs: [attr.ints('axes', [1])], opset: 13 },
      { op: 'Div', inputs: [known([1, 2], [2], F), known([3], [1], F)] },
      { op: 'Round', inputs: [known([0.5, 1.5, 2.5, -1.5, 2.4], [5], F)] },
      {
        op: 'BitShift',
        inputs: [known([1, 3, 200], [3], DataType.UINT8), known([7], [1], DataType.UINT8)],
        attrs: [attr.string('direction', 'LEFT')],
      },
    ];
    const boolCases: OneNodeSpec[] = [
      { op: 'Equal', inputs: [a, b] },
      { op: 'Greater', inputs: [a, b] },
      { op: 'LessOrEqual', inputs: [a, b], opset: 16 },
      { op: 'Not', inputs: [known([1, 0], [2], DataType.BOOL)] },
      { op: 'Xor', inputs: [known([1, 0, 1], [3], DataType.BOOL), known([1], [1], DataType.BOOL)] },
    ];
    const whereCase: OneNodeSpec = {
      op: 'Where',
      inputs: [known([1, 0, 0], [3], DataType.BOOL), a, known([-1], [])],
      opset: 16,
    };
    const typedCases = [
      ...cases.map((spec) => ({ ...spec, outputDtype: spec.inputs[0]?.dtype ?? I64 })),
      ...boolCases.map((spec) => ({ ...spec, outputDtype: DataType.BOOL })),
      { ...whereCase, outputDtype: I64 },
    ];
    for (const typed of typedCases) {
      const { outputs, status } = inferOneNode(typed);
      expect(status, typed.op).toEqual({ kind: 'ok' });
      const folded = outputs[0]?.value;
      const session = await ort.InferenceSession.create(encodeModelProto(oneNodeModel(typed)));
      const out = (await session.run({})).out0;
      await session.release();
      const label = `${typed.op} ${JSON.stringify(typed.attrs ?? [])}`;
      if (!out) throw new Error(`${label}: onnxruntime gave no output`);
      expect(folded?.dims, label).toEqual([...out.dims]);
      expect(folded?.data, label).toEqual(Array.from(out.data as ArrayLike<number | bigint>, Number));
    }
  });
});

describe('ONNX backend node models of compute operators', () => {
  /** StringNormalizer drops stopwords: how many is only known from the strings. */
  const dataDependent = (ops: readonly string[]): boolean => ops.includes('StringNormalizer');

  it('infer the expected output shapes and element types', () => {
    let checked = 0;
    for (const caseDir of testdataCases('node')) {
      let model;
      try {
        model = readModelFile(path.join(caseDir, 'model.onnx'));
      } catch (error) {
        if (isCutlineError(error) && error.code === 'UNSUPPORTED_OPSET') continue;
        throw error;
      }
      const graph = buildGraph(model.proto.graph ?? {});
      const ops = graph.nodes.map((n) => n.opType);
      if (!ops.every((op) => op in computeRules) || dataDependent(ops)) continue;
      const data = readTestDataSet(caseDir, model.proto);
      const inputShapes: Record<string, Shape> = {};
      const inputValues: Record<string, KnownValue> = {};
      graph.inputs.forEach((name, i) => {
        const tensor = data.inputs[i]?.tensors[0];
        if (!tensor) return;
        inputShapes[name] = (tensor.dims ?? []).map(Number);
        const value =
          tensor.dataType === I64 || tensor.dataType === DataType.INT32
            ? tensorProtoValue(tensor)
            : undefined;
        if (value) inputValues[name] = value;
      });
      const result = inferShapes(graph, {
        opset: model.opset,
        inputShapes,
        inputValues,
        useDeclaredShapes: false,
      });
      const name = path.basename(caseDir);
      graph.outputs.forEach((output, i) => {
        const expected = data.outputs[i]?.tensors[0];
        if (!expected) return;
        const inferred = result.values.get(output);
        expect(inferred?.shape, `${name} ${output}`).toEqual((expected.dims ?? []).map(Number));
        expect(inferred?.dtype, `${name} ${output}`).toBe(expected.dataType);
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(550);
  });
});

describe('ai.onnx.preview.training operators', () => {
  /** Applies a rule to the single node of a backend model, its inputs shaped as the test data. */
  function applyToModel(caseDir: string): { inferred: (Shape | null)[]; expected: number[][] } {
    const proto = decodeModelProto(fs.readFileSync(path.join(caseDir, 'model.onnx')));
    const graph = buildGraph(proto.graph ?? {});
    const node = graph.nodes[0];
    const rule = node ? previewTrainingRules[node.opType] : undefined;
    if (!node || node.domain !== PREVIEW_TRAINING_DOMAIN || !rule)
      throw new Error(`${caseDir}: not a training node`);
    const data = readTestDataSet(caseDir, proto);
    const inputs: ValueInfo[] = data.inputs.map((v) => ({
      dtype: v.tensors[0]?.dataType ?? 0,
      shape: (v.tensors[0]?.dims ?? []).map(Number),
    }));
    const produced: (Shape | null)[] = node.outputs.map(() => null);
    const ctx = {
      node,
      opset: 1,
      inputCount: node.inputs.length,
      outputCount: node.outputs.length,
      input: (i: number) => inputs[i],
      requireInput: (i: number) => {
        const v = inputs[i];
        if (!v) throw new Error(`input ${i} missing`);
        return v;
      },
      setOutput: (i: number, info: ValueInfo) => (produced[i] = info.shape),
    } as Partial<InferContext> as InferContext;
    rule(ctx);
    return { inferred: produced, expected: data.outputs.map((v) => (v.tensors[0]?.dims ?? []).map(Number)) };
  }

  it('shape optimizer updates like the tensors they update', () => {
    for (const name of [
      'test_adagrad_multiple',
      'test_adam_multiple',
      'test_momentum_multiple',
      'test_nesterov_momentum',
    ]) {
      const { inferred, expected } = applyToModel(path.join(TESTDATA_ROOT, 'node', name));
      expect(inferred, name).toEqual(expected);
    }
  });
});

describe('operators outside the backend suite', () => {
  const f = (dims: readonly number[]): Operand => ({ dtype: F, dims });
  const ints = (values: readonly number[], dims?: readonly number[]): Operand => known(values, dims);
  const cases: OneNodeSpec[] = [
    {
      op: 'Attention',
      opset: 23,
      outputs: 4,
      inputs: [f([2, 4, 3, 8]), f([2, 2, 5, 8]), f([2, 2, 5, 6]), null, f([2, 2, 7, 8]), f([2, 2, 7, 6])],
    },
    {
      op: 'Attention',
      opset: 23,
      attrs: [attr.int('q_num_heads', 4), attr.int('kv_num_heads', 2)],
      inputs: [f([2, 3, 32]), f([2, 5, 16]), f([2, 5, 12])],
    },
    { op: 'RMSNormalization', opset: 23, inputs: [f([2, 3, 8]), f([8])] },
    { op: 'DFT', opset: 20, attrs: [attr.int('onesided', 1)], inputs: [f([2, 16, 1]), null, ints([1], [])] },
    { op: 'Col2Im', opset: 18, inputs: [f([1, 12, 6]), ints([3, 4]), ints([2, 2])] },
    {
      op: 'CenterCropPad',
      opset: 18,
      attrs: [attr.ints('axes', [0, 1])],
      inputs: [f([5, 6, 3]), ints([4, 8])],
    },
    { op: 'AffineGrid', opset: 20, inputs: [f([2, 2, 3]), ints([2, 3, 5, 6])] },
    { op: 'DeformConv', opset: 19, inputs: [f([1, 2, 5, 5]), f([4, 2, 3, 3]), f([1, 18, 3, 3])] },
    {
      op: 'LpPool',
      opset: 18,
      attrs: [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1)],
      inputs: [f([1, 2, 5, 5])],
    },
    {
      op: 'MaxPool',
      opset: 12,
      attrs: [
        attr.ints('kernel_shape', [2]),
        attr.ints('strides', [2]),
        attr.ints('pads', [1, 1]),
        attr.int('ceil_mode', 1),
      ],
      inputs: [f([1, 1, 4])],
    },
    {
      op: 'Einsum',
      opset: 12,
      attrs: [attr.string('equation', 'bij,jk')],
      inputs: [f([2, 3, 4]), f([4, 5])],
    },
    {
      op: 'ConvTranspose',
      opset: 11,
      attrs: [attr.ints('strides', [2, 2]), attr.string('auto_pad', 'SAME_UPPER')],
      inputs: [f([1, 3, 5, 5]), f([3, 2, 3, 3])],
    },
    {
      op: 'LayerNormalization',
      opset: 17,
      outputs: 3,
      attrs: [attr.int('axis', 1)],
      inputs: [f([2, 3, 4]), f([3, 4])],
    },
    {
      op: 'Multinomial',
      opset: 7,
      outputDtype: DataType.INT32,
      attrs: [attr.int('sample_size', 4)],
      inputs: [f([3, 5])],
    },
  ];

  it('infer the output shapes onnxruntime produces', async () => {
    ort.env.logLevel = 'fatal';
    for (const spec of cases) {
      const inferred = inferOneNode(spec).outputs.map((o) => o?.shape);
      const feeds: Record<string, ort.Tensor> = {};
      spec.inputs.forEach((operand, i) => {
        const dims = operand?.dims?.map(Number);
        if (operand && !operand.values && dims) {
          feeds[`in${i}`] = new ort.Tensor(
            'float32',
            new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5),
            dims,
          );
        }
      });
      const session = await ort.InferenceSession.create(encodeModelProto(oneNodeModel(spec)));
      const outputs = await session.run(feeds);
      await session.release();
      const actual = Array.from({ length: spec.outputs ?? 1 }, (_, i) => outputs[`out${i}`]?.dims);
      expect(inferred, spec.op).toEqual(actual);
    }
  });
});
