/**
 * Inputs to time a model with: random values of the shapes and types the model declares. Kernel
 * times of dense DNN operators do not depend on the values, only on the shapes, except where a
 * value indexes something: token ids must stay inside the embedding table they look up.
 */
import * as ort from 'onnxruntime-node';
import type { Analysis } from '../analyze.js';
import { CutlineError } from '../errors.js';
import { escapeControl, NAME_LIMIT, quoteName, quoteNames } from '../text/quote-name.js';
import type { Graph, Shape } from '../graph/types.js';
import { attributeInt } from '../onnx/attributes.js';
import { DataType, dtypeName } from '../onnx/dtype.js';
import { createRandom, type SeededRandom } from '../onnx/random.js';
import { resolveInputValues, type InputValueText } from '../shape/input-values.js';

/**
 * Concrete input shapes: the user's binding where given, else the declared shape with every
 * symbolic or unknown dimension bound to 1 (one sample, the smallest sequence).
 *
 * @throws CutlineError BAD_INPUT_BINDING when a binding names no input, or an input of unknown
 *   rank is not bound.
 */
export function concreteInputShapes(
  graph: Graph,
  given: Readonly<Record<string, Shape>> = {},
): Record<string, number[]> {
  for (const name of Object.keys(given)) {
    if (!graph.inputs.includes(name)) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `The model has no input named ${quoteName(name)}; its inputs are ${quoteNames(graph.inputs)}.`,
      );
    }
  }
  const shapes: Record<string, number[]> = {};
  for (const name of graph.inputs) {
    const shape = given[name] ?? graph.tensors.get(name)?.shape;
    if (!shape) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `The model does not declare the rank of input ${quoteName(name)}. Bind it, e.g. --input ${escapeControl(name, NAME_LIMIT)}=1x3x224x224.`,
      );
    }
    shapes[name] = shape.map((d) => (typeof d === 'number' ? d : 1));
  }
  return shapes;
}

/**
 * Concrete input shapes of a run fed `values` for some inputs: a value fixes its input's shape
 * (`ids=1,2,3` on `[seq]` is `[3]`) unless a binding gives one; the rest as concreteInputShapes.
 *
 * @throws CutlineError BAD_INPUT_BINDING as concreteInputShapes and resolveInputValues do.
 */
export function valueBoundShapes(
  graph: Graph,
  given: Readonly<Record<string, Shape>> = {},
  values: readonly InputValueText[] = [],
): Record<string, number[]> {
  const valueShapes = values.length > 0 ? resolveInputValues(graph, values, given).shapes : {};
  return concreteInputShapes(graph, { ...valueShapes, ...given });
}

/**
 * One random tensor per graph input, of the analysis' (bound) shapes; the same seed gives the same
 * values. An input with a known value (`--input-value sr=16000`, checked by resolveInputValues) is
 * fed that value instead, so onnxruntime runs the branch the analysis costed.
 */
export function randomFeeds(
  analysis: Analysis,
  shapes: Readonly<Record<string, readonly number[]>>,
  seed = 1,
  values: Readonly<Record<string, readonly number[]>> = {},
): Record<string, ort.Tensor> {
  const random = createRandom(seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of analysis.graph.inputs) {
    const dims = shapes[name] ?? [];
    const dtype = analysis.inference.values.get(name)?.dtype ?? analysis.graph.tensors.get(name)?.dtype ?? 0;
    // Drawn for every input alike, so a value given for one input leaves the others' data unchanged.
    const drawn = randomTensor(name, dtype, dims, indexBound(analysis.graph, name), random);
    const given = values[name];
    feeds[name] = given === undefined ? drawn : valueTensor(name, dtype, dims, given);
  }
  return feeds;
}

/** A tensor holding `data` (already checked against the input's type and element count). */
function valueTensor(
  name: string,
  dtype: number,
  dims: readonly number[],
  data: readonly number[],
): ort.Tensor {
  switch (dtype) {
    case DataType.FLOAT:
      return new ort.Tensor('float32', Float32Array.from(data), dims);
    case DataType.DOUBLE:
      return new ort.Tensor('float64', Float64Array.from(data), dims);
    case DataType.INT64:
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(data, (x) => BigInt(x)),
        dims,
      );
    case DataType.INT32:
      return new ort.Tensor('int32', Int32Array.from(data), dims);
    case DataType.INT8:
      return new ort.Tensor('int8', Int8Array.from(data), dims);
    case DataType.UINT8:
      return new ort.Tensor('uint8', Uint8Array.from(data), dims);
    case DataType.BOOL:
      return new ort.Tensor(
        'bool',
        Uint8Array.from(data, (x) => (x !== 0 ? 1 : 0)),
        dims,
      );
    default:
      throw new CutlineError(
        'PROFILING_FAILED',
        `Input ${quoteName(name)} is ${dtypeName(dtype)}, which Cutline cannot fill with a given value; give values only to float, int or bool inputs.`,
      );
  }
}

function randomTensor(
  name: string,
  dtype: number,
  dims: readonly number[],
  bound: number,
  random: SeededRandom,
): ort.Tensor {
  const count = dims.reduce((n, d) => n * d, 1);
  const index = (): number => Math.floor(random.next() * bound);
  switch (dtype) {
    case DataType.FLOAT:
      return new ort.Tensor('float32', random.uniformFloat32(count, -1, 1), dims);
    case DataType.DOUBLE:
      return new ort.Tensor(
        'float64',
        Float64Array.from({ length: count }, () => random.uniform(-1, 1)),
        dims,
      );
    case DataType.INT64:
      return new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: count }, () => BigInt(index())),
        dims,
      );
    case DataType.INT32:
      return new ort.Tensor('int32', Int32Array.from({ length: count }, index), dims);
    case DataType.INT8:
      return new ort.Tensor(
        'int8',
        Int8Array.from({ length: count }, () => Math.min(index(), 127)),
        dims,
      );
    case DataType.UINT8:
      return new ort.Tensor(
        'uint8',
        Uint8Array.from({ length: count }, () => Math.min(index(), 255)),
        dims,
      );
    case DataType.BOOL:
      return new ort.Tensor(
        'bool',
        Uint8Array.from({ length: count }, () => (random.next() < 0.5 ? 1 : 0)),
        dims,
      );
    default:
      throw new CutlineError(
        'PROFILING_FAILED',
        `Input ${quoteName(name)} is ${dtypeName(dtype)}, which Cutline cannot fill with test values; profile a model whose inputs are float, int or bool.`,
      );
  }
}

/**
 * The largest safe integer value for an input: when it feeds the indices of a Gather (token ids
 * into an embedding table), the table's first dimension; otherwise 1, so integer inputs are zeros
 * (valid as ids, positions and masks alike).
 */
function indexBound(graph: Graph, input: string): number {
  let bound = Infinity;
  for (const consumer of graph.tensors.get(input)?.consumers ?? []) {
    const node = graph.nodes[consumer];
    if (node?.opType !== 'Gather' || node.inputs[1] !== input) continue;
    if ((attributeInt(node.attributes.get('axis')) ?? 0) !== 0) continue;
    const rows = graph.tensors.get(node.inputs[0] ?? '')?.shape?.[0];
    if (typeof rows === 'number' && rows > 0) bound = Math.min(bound, rows);
  }
  return Number.isFinite(bound) ? bound : 1;
}
