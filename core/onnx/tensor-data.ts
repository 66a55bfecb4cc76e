/** Reading the values of small TensorProtos (shape arguments, Constant nodes, scalars). */
import type { TensorProto } from './codec.js';
import { DataType, dtypeBytes } from './dtype.js';
import { externalRef, readExternal } from './external-data.js';

export function tensorElementCount(tensor: TensorProto): number {
  return (tensor.dims ?? []).reduce((n: number, d) => n * Number(d), 1);
}

/** IEEE half precision bits to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

function fromRaw(raw: Uint8Array, dtype: number, count: number): number[] | undefined {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = new Array<number>(count);
  const read: Partial<Record<number, [number, (offset: number) => number]>> = {
    [DataType.FLOAT]: [4, (o) => view.getFloat32(o, true)],
    [DataType.DOUBLE]: [8, (o) => view.getFloat64(o, true)],
    [DataType.INT64]: [8, (o) => Number(view.getBigInt64(o, true))],
    [DataType.UINT64]: [8, (o) => Number(view.getBigUint64(o, true))],
    [DataType.INT32]: [4, (o) => view.getInt32(o, true)],
    [DataType.UINT32]: [4, (o) => view.getUint32(o, true)],
    [DataType.INT16]: [2, (o) => view.getInt16(o, true)],
    [DataType.UINT16]: [2, (o) => view.getUint16(o, true)],
    [DataType.INT8]: [1, (o) => view.getInt8(o)],
    [DataType.UINT8]: [1, (o) => view.getUint8(o)],
    [DataType.BOOL]: [1, (o) => (view.getUint8(o) ? 1 : 0)],
    [DataType.FLOAT16]: [2, (o) => halfToNumber(view.getUint16(o, true))],
    [DataType.BFLOAT16]: [2, (o) => bfloat16ToNumber(view.getUint16(o, true))],
  };
  const reader = read[dtype];
  if (!reader || raw.byteLength < reader[0] * count) return undefined;
  const [size, get] = reader;
  for (let i = 0; i < count; i++) out[i] = get(i * size);
  return out;
}

/**
 * The values of a tensor as numbers when it has at most `maxElements` elements and a numeric
 * type; undefined otherwise (strings, external data of a model opened without its folder, too
 * large). An external tensor is read from its file only once its element count is known to be
 * small: a weight is never read. int64 values beyond 2^53 lose precision, which shape arguments
 * never reach.
 */
export function readTensorValues(tensor: TensorProto, maxElements: number): number[] | undefined {
  const count = tensorElementCount(tensor);
  if (!Number.isSafeInteger(count) || count > maxElements || count < 0) return undefined;
  const dtype = tensor.dataType ?? 0;
  const ref = externalRef(tensor);
  // Only the bytes the dims call for: a hostile length (gigabytes behind four elements) is not read.
  if (ref) return fromRaw(readExternal(ref, 0, Math.min(ref.length, dtypeBytes(dtype, count))), dtype, count);
  if (tensor.rawData && tensor.rawData.length > 0) return fromRaw(tensor.rawData, dtype, count);
  if (count === 0) return [];
  let values: readonly number[] | undefined;
  switch (dtype) {
    case DataType.FLOAT:
      values = tensor.floatData ?? undefined;
      break;
    case DataType.DOUBLE:
      values = tensor.doubleData ?? undefined;
      break;
    case DataType.INT64:
      values = tensor.int64Data ?? undefined;
      break;
    case DataType.UINT64:
    case DataType.UINT32:
      values = tensor.uint64Data ?? undefined;
      break;
    case DataType.FLOAT16:
      values = tensor.int32Data?.map(halfToNumber);
      break;
    case DataType.BFLOAT16:
      values = tensor.int32Data?.map(bfloat16ToNumber);
      break;
    case DataType.STRING:
      return undefined;
    default:
      values = tensor.int32Data ?? undefined;
  }
  if (!values || values.length < count) return undefined;
  return values.slice(0, count).map(Number);
}
