/**
 * Parameters as users count them (issue 15, point 5): the parameter count is the elements of the
 * floating-point / quantised weights of more than one element, as `sum(p.numel())` gives for the
 * source model; single-element operands (eps, 0.5, √d, exponents) are not parameters, though a
 * tier still holds their bytes (paramBytes).
 *
 * The expected counts are worked out here from the ONNX file with the project's reader only
 * (not the costs code): every float or 8-bit initializer or Constant tensor of more than one
 * element that some node reads in a weight slot (not Resize's or Upsample's scales and roi).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { graph, model, node, scalarFloat32, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto, type GraphProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { openModelBytes, readModelFile } from '../core/onnx/read.js';
import { tensorElementCount } from '../core/onnx/tensor-data.js';
import { SAMPLE_MODELS, SAMPLES_DIR } from '../samples/generate.js';
import { decoderBytes, SMALL_DECODER } from './support/decoder-model.js';

const WEIGHT_DTYPES: ReadonlySet<number> = new Set([
  DataType.FLOAT,
  DataType.FLOAT16,
  DataType.DOUBLE,
  DataType.BFLOAT16,
  DataType.INT8,
  DataType.UINT8,
]);

/** Float inputs that are operator arguments, not weights, by operator: slots from 1 on. */
const ARGUMENT_OPS: ReadonlySet<string> = new Set(['Resize', 'Upsample']);

/** Element type and count of every constant tensor the graph stores, by name. */
function storedConstants(g: GraphProto): Map<string, { dtype: number; elements: number }> {
  const out = new Map<string, { dtype: number; elements: number }>();
  for (const t of g.initializer ?? []) {
    out.set(t.name ?? '', { dtype: t.dataType ?? 0, elements: tensorElementCount(t) });
  }
  for (const n of g.node ?? []) {
    if (n.opType !== 'Constant' || !n.output?.[0]) continue;
    for (const a of n.attribute ?? []) {
      if (a.name === 'value' && a.t) {
        out.set(n.output[0], { dtype: a.t.dataType ?? 0, elements: tensorElementCount(a.t) });
      } else if (a.name === 'value_float') {
        out.set(n.output[0], { dtype: DataType.FLOAT, elements: 1 });
      } else if (a.name === 'value_floats') {
        out.set(n.output[0], { dtype: DataType.FLOAT, elements: a.floats?.length ?? 0 });
      }
    }
  }
  return out;
}

/** The parameter count by the rule, read straight from the graph proto. */
function weightElements(g: GraphProto): number {
  const constants = storedConstants(g);
  const counted = new Set<string>();
  for (const n of g.node ?? []) {
    (n.input ?? []).forEach((name, slot) => {
      if (slot > 0 && ARGUMENT_OPS.has(n.opType ?? '')) return;
      const c = constants.get(name);
      if (c && WEIGHT_DTYPES.has(c.dtype) && c.elements > 1) counted.add(name);
    });
  }
  return [...counted].reduce((sum, name) => sum + constants.get(name)!.elements, 0);
}

describe('parameter counts of the samples equal the counts of their weights', () => {
  for (const sample of SAMPLE_MODELS) {
    it(sample.name, () => {
      const file = path.join(SAMPLES_DIR, `${sample.name}.onnx`);
      const expected = weightElements(readModelFile(file).proto.graph!);
      expect(expected).toBeGreaterThan(0);
      expect(analyzeFile(file).totals.params).toBe(expected);
    });
  }

  it('the generated KV-cache decoder', () => {
    const bytes = decoderBytes(SMALL_DECODER);
    const expected = weightElements(openModelBytes(bytes).proto.graph!);
    expect(expected).toBe(25_888);
    expect(analyzeBytes(bytes).totals.params).toBe(expected);
  });
});

describe('single-element operands are held but not counted', () => {
  // y = ((x · W) · 0.5 / √8) ^ 2 + eps: one weight of 8 × 4, four float scalars.
  const bytes = encodeModelProto(
    model({
      graph: graph({
        name: 'scalars',
        nodes: [
          node('MatMul', ['x', 'W'], ['h']),
          node('Mul', ['h', 'half'], ['m']),
          node('Div', ['m', 'root'], ['d']),
          node('Pow', ['d', 'two'], ['p']),
          node('Add', ['p', 'eps'], ['y']),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 8])],
        outputs: [valueInfo('y', DataType.FLOAT, [2, 4])],
        initializers: [
          tensorFromFloat32('W', [8, 4], new Float32Array(32).fill(0.25)),
          scalarFloat32('half', 0.5),
          scalarFloat32('root', Math.sqrt(8)),
          scalarFloat32('two', 2),
          tensorFromFloat32('eps', [1], new Float32Array([1e-5])),
        ],
      }),
    }),
  );

  it('params count W only; paramBytes hold W and the four scalars', () => {
    const a = analyzeBytes(bytes);
    expect(weightElements(openModelBytes(bytes).proto.graph!)).toBe(32);
    expect(a.totals.params).toBe(32);
    expect(a.totals.paramBytes).toBe(4 * (32 + 4));
  });

  it('each layer holds its scalar in paramBytes with no parameters', () => {
    const a = analyzeBytes(bytes);
    const byOp = new Map(a.layers.layers.map((l) => [l.op, l]));
    expect(byOp.get('MatMul')).toMatchObject({ params: 32, paramBytes: 128 });
    for (const op of ['Mul', 'Div', 'Pow', 'Add']) {
      expect(byOp.get(op), op).toMatchObject({ params: 0, paramBytes: 4 });
    }
  });
});
