/** Running models in onnxruntime-node with inputs from TensorProtos. */
import * as ort from 'onnxruntime-node';
import type { TensorProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

const ORT_TYPES: Partial<
  Record<
    number,
    {
      type: ort.Tensor.Type;
      make: (buffer: ArrayBuffer, offset: number, length: number) => ort.Tensor.DataType;
    }
  >
> = {
  [DataType.FLOAT]: { type: 'float32', make: (b, o, n) => new Float32Array(b, o, n) },
  [DataType.DOUBLE]: { type: 'float64', make: (b, o, n) => new Float64Array(b, o, n) },
  [DataType.INT64]: { type: 'int64', make: (b, o, n) => new BigInt64Array(b, o, n) },
  [DataType.INT32]: { type: 'int32', make: (b, o, n) => new Int32Array(b, o, n) },
  [DataType.UINT8]: { type: 'uint8', make: (b, o, n) => new Uint8Array(b, o, n) },
  [DataType.INT8]: { type: 'int8', make: (b, o, n) => new Int8Array(b, o, n) },
  [DataType.BOOL]: { type: 'bool', make: (b, o, n) => new Uint8Array(b, o, n) },
};

/** An ORT tensor from a TensorProto holding raw_data or float/int64 fields. */
export function ortTensor(proto: TensorProto): ort.Tensor {
  const dims = (proto.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const dtype = proto.dataType ?? 0;
  const spec = ORT_TYPES[dtype];
  if (!spec) throw new Error(`test helper: dtype ${dtype} not supported`);
  if (proto.rawData && proto.rawData.length > 0) {
    const copy = new Uint8Array(proto.rawData); // an aligned copy: the proto's bytes are a view into the file
    return new ort.Tensor(spec.type, spec.make(copy.buffer, 0, count), dims);
  }
  if (dtype === DataType.FLOAT)
    return new ort.Tensor('float32', Float32Array.from(proto.floatData ?? []), dims);
  if (dtype === DataType.INT64)
    return new ort.Tensor('int64', BigInt64Array.from((proto.int64Data ?? []).map(BigInt)), dims);
  if (dtype === DataType.DOUBLE)
    return new ort.Tensor('float64', Float64Array.from(proto.doubleData ?? []), dims);
  if (dtype === DataType.INT32) return new ort.Tensor('int32', Int32Array.from(proto.int32Data ?? []), dims);
  throw new Error(`test helper: dtype ${dtype} without raw_data not supported`);
}

export async function runModel(
  model: Uint8Array | string,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model)
      : await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two outputs of the same shape. */
export function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  if (a.dims.join() !== b.dims.join()) return Infinity;
  const x = a.data as ArrayLike<number | bigint>;
  const y = b.data as ArrayLike<number | bigint>;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(Number(x[i]) - Number(y[i]));
    if (Number.isNaN(d)) {
      if (!(Number.isNaN(Number(x[i])) && Number.isNaN(Number(y[i])))) return Infinity;
    } else if (d > max) max = d;
  }
  return max;
}
