/** ONNX tensor element types (TensorProto.DataType) and their storage sizes. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([name, code]) => [code, name.toLowerCase()]),
);

/** Bits per element; 0 for variable-size types (strings) and UNDEFINED. */
const BITS: Record<number, number> = {
  [DataType.FLOAT]: 32,
  [DataType.UINT8]: 8,
  [DataType.INT8]: 8,
  [DataType.UINT16]: 16,
  [DataType.INT16]: 16,
  [DataType.INT32]: 32,
  [DataType.INT64]: 64,
  [DataType.BOOL]: 8,
  [DataType.FLOAT16]: 16,
  [DataType.DOUBLE]: 64,
  [DataType.UINT32]: 32,
  [DataType.UINT64]: 64,
  [DataType.COMPLEX64]: 64,
  [DataType.COMPLEX128]: 128,
  [DataType.BFLOAT16]: 16,
  [DataType.FLOAT8E4M3FN]: 8,
  [DataType.FLOAT8E4M3FNUZ]: 8,
  [DataType.FLOAT8E5M2]: 8,
  [DataType.FLOAT8E5M2FNUZ]: 8,
  [DataType.UINT4]: 4,
  [DataType.INT4]: 4,
  [DataType.FLOAT4E2M1]: 4,
};

export function dtypeName(dtype: number): string {
  return NAMES[dtype] ?? `dtype(${dtype})`;
}

export function isKnownDtype(dtype: number): dtype is DataType {
  return dtype in NAMES && dtype !== DataType.UNDEFINED;
}

/** Bytes taken by `elements` values of `dtype` (sub-byte types round up); 0 if unsized. */
export function dtypeBytes(dtype: number, elements: number): number {
  const bits = BITS[dtype] ?? 0;
  return Math.ceil((bits * elements) / 8);
}

export function dtypeBits(dtype: number): number {
  return BITS[dtype] ?? 0;
}

export function isFloatDtype(dtype: number): boolean {
  return (
    dtype === DataType.FLOAT ||
    dtype === DataType.FLOAT16 ||
    dtype === DataType.DOUBLE ||
    dtype === DataType.BFLOAT16 ||
    (dtype >= DataType.FLOAT8E4M3FN && dtype <= DataType.FLOAT8E5M2FNUZ) ||
    dtype === DataType.FLOAT4E2M1
  );
}
