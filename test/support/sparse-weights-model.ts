/**
 * A deterministic model of any weight size with every weight in one external-data file that is
 * sparse: the file's size is set with ftruncate and only a few bytes of each tensor are written,
 * so a 13 GB model costs a few kilobytes of disk and milliseconds to make. Used by
 * test/external-data-lazy.test.ts and the `external-data` bench section.
 *
 * The graph is `layers` blocks of MatMul(x, W[width, width]) → Add(b[width]) → Relu on a
 * [1, width] float input, then a Reshape to [2, width / 2] whose target is by default itself an
 * external int64 tensor: the output's shape is known only when that constant's bytes were read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeModelProto, type TensorProto } from '../../core/onnx/codec.js';
import { graph, model, node, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';

/** One range of a sparse data file; `bytes` (at most `length` of them) are written at its start. */
export interface SparseExtent {
  readonly offset: number;
  readonly length: number;
  readonly bytes?: Uint8Array;
}

/**
 * Writes `file` as `sizeBytes` of holes with only each extent's `bytes` written: on any file
 * system with sparse files it takes the disk of those bytes alone.
 */
export function writeSparseDataFile(file: string, sizeBytes: number, extents: readonly SparseExtent[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, sizeBytes);
    for (const { offset, length, bytes } of extents) {
      if (!bytes || bytes.length === 0) continue;
      if (bytes.length > length || offset + length > sizeBytes)
        throw new RangeError(`extent at ${offset} (${length} bytes) does not hold its bytes in the file`);
      fs.writeSync(fd, bytes, 0, bytes.length, offset);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export interface SparseWeightsSpec {
  readonly layers: number;
  /** Side of each square weight; even (the final Reshape halves it). */
  readonly width: number;
  /**
   * 'external' (default): weights in the sparse data file. 'inputs': the same graph with every
   * weight a graph input of the same type and shape, and the Reshape target inline — no weight
   * bytes anywhere, so analysing it costs what the graph alone costs (the bench's baseline).
   */
  readonly weights?: 'external' | 'inputs';
  /**
   * Where the Reshape target is: 'external' (default, beside the weights: analysis must read it)
   * or 'inline'. onnxruntime refuses to load a model whose shape constants are external ("Cannot
   * parse data from external tensors"), as ONNX's own writer keeps tensors under 1 KiB inline;
   * use 'inline' for a model onnxruntime must run.
   */
  readonly shapeTarget?: 'external' | 'inline';
}

/** The spec whose weights come closest to `weightBytes` (from below) in `layers` layers. */
export function sparseWeightsSpec(weightBytes: number, layers: number): SparseWeightsSpec {
  const width = Math.floor(Math.sqrt(weightBytes / layers / 4) / 2) * 2;
  return { layers, width };
}

export interface SparseWeightsModel {
  readonly modelPath: string;
  /** The data file's path (not written for weights: 'inputs'). */
  readonly dataPath: string;
  /** Size of the data file (its holes included); 0 for weights: 'inputs'. */
  readonly dataBytes: number;
  /** Weight elements: every W and b (the Reshape target is a shape, not a parameter). */
  readonly params: number;
  /** MatMul multiply-accumulates, layers × width². */
  readonly macs: number;
  /** Output shape once the external Reshape target is read. */
  readonly outputShape: readonly number[];
}

/** Offsets in the data file are page-aligned, as ONNX's own external-data writer can align them. */
const ALIGNMENT = 4096;
const alignUp = (n: number): number => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

function external(
  name: string,
  dims: number[],
  dataType: number,
  location: string,
  extent: SparseExtent,
): TensorProto {
  return {
    name,
    dims,
    dataType,
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(extent.offset) },
      { key: 'length', value: String(extent.length) },
    ],
  };
}

/** A few non-zero values at the start of each weight, so the data file is not all holes. */
function firstValues(seed: number): Uint8Array {
  return new Uint8Array(new Float32Array([0.01 * seed, -0.02, 0.03, 0.5]).buffer);
}

/**
 * Writes `model.onnx` and `model.weights` into `dir` (which must exist). The model file is a few
 * kilobytes; the data file has the size of all weights and the disk of a few bytes per tensor.
 */
export function writeSparseWeightsModel(
  dir: string,
  spec: SparseWeightsSpec,
  names: { readonly model?: string; readonly data?: string } = {},
): SparseWeightsModel {
  const { layers, width } = spec;
  if (!Number.isInteger(layers) || layers < 1 || !Number.isInteger(width) || width < 2 || width % 2 !== 0)
    throw new RangeError(`layers must be ≥ 1 and width even and ≥ 2 (got ${layers} and ${width})`);
  const location = names.data ?? 'model.weights';
  const modelPath = path.join(dir, names.model ?? 'model.onnx');
  const dataPath = path.join(dir, location);
  const extents: SparseExtent[] = [];
  let end = 0;
  const place = (length: number, bytes?: Uint8Array): SparseExtent => {
    const extent = { offset: alignUp(end), length, ...(bytes ? { bytes } : {}) };
    end = extent.offset + length;
    extents.push(extent);
    return extent;
  };

  const asInputs = spec.weights === 'inputs';
  const initializers: TensorProto[] = [];
  const weightInputs = [];
  const nodes = [];
  let x = 'x';
  for (let i = 0; i < layers; i++) {
    const w = `layer${i}.weight`;
    const b = `layer${i}.bias`;
    if (asInputs) {
      weightInputs.push(valueInfo(w, DataType.FLOAT, [width, width]), valueInfo(b, DataType.FLOAT, [width]));
    } else {
      initializers.push(
        external(w, [width, width], DataType.FLOAT, location, place(width * width * 4, firstValues(i + 1))),
        external(b, [width], DataType.FLOAT, location, place(width * 4)),
      );
    }
    nodes.push(
      node('MatMul', [x, w], [`layer${i}.mm`], [], `layer${i}.matmul`),
      node('Add', [`layer${i}.mm`, b], [`layer${i}.add`], [], `layer${i}.add`),
      node('Relu', [`layer${i}.add`], [`layer${i}.out`], [], `layer${i}.relu`),
    );
    x = `layer${i}.out`;
  }
  const outputShape = [2, width / 2];
  const target = new Uint8Array(new BigInt64Array(outputShape.map(BigInt)).buffer);
  initializers.push(
    asInputs || spec.shapeTarget === 'inline'
      ? { name: 'output_shape', dims: [2], dataType: DataType.INT64, rawData: target }
      : external('output_shape', [2], DataType.INT64, location, place(target.length, target)),
  );
  nodes.push(node('Reshape', [x, 'output_shape'], ['y'], [], 'reshape'));

  if (!asInputs) writeSparseDataFile(dataPath, end, extents);
  const proto = model({
    producerName: 'cutline-test-sparse-weights',
    graph: graph({
      name: `sparse-weights-${layers}x${width}`,
      nodes,
      inputs: [valueInfo('x', DataType.FLOAT, [1, width]), ...weightInputs],
      // No declared shape: the output's shape is what inference makes of the external target.
      outputs: [valueInfo('y', DataType.FLOAT)],
      initializers,
    }),
  });
  fs.writeFileSync(modelPath, encodeModelProto(proto));
  return {
    modelPath,
    dataPath,
    dataBytes: end,
    params: asInputs ? 0 : layers * (width * width + width),
    macs: layers * width * width,
    outputShape,
  };
}
