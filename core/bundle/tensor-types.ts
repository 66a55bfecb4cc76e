/** Element type names as onnxruntime and the bundle manifest spell them (float32, int64, …). */
import { DataType } from '../onnx/dtype.js';

const NAMES: Readonly<Record<number, string>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.FLOAT16]: 'float16',
  [DataType.BFLOAT16]: 'bfloat16',
  [DataType.INT8]: 'int8',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.UINT8]: 'uint8',
  [DataType.UINT16]: 'uint16',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool',
  [DataType.STRING]: 'string',
};

export function tensorTypeName(dtype: number): string {
  return NAMES[dtype] ?? `dtype(${dtype})`;
}

const BYTES: Readonly<Record<string, number>> = {
  float64: 8,
  int64: 8,
  uint64: 8,
  float32: 4,
  int32: 4,
  uint32: 4,
  float16: 2,
  bfloat16: 2,
  int16: 2,
  uint16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** Bytes of a tensor of `dtype` (a name above) and `shape`; null when a dimension is not a number. */
export function tensorBytes(dtype: string, shape: readonly (number | string)[] | null): number | null {
  if (!shape || shape.some((d) => typeof d !== 'number')) return null;
  return (shape as number[]).reduce((n, d) => n * d, 1) * (BYTES[dtype] ?? 1);
}
