/**
 * The Open Inference Protocol's tensor data types (KServe v2 "Tensor Data Types"), how each is held
 * in memory, and its onnxruntime and ONNX spellings. FP16 has no JavaScript number type on Node 20,
 * so it is held as its raw IEEE 754 half-precision bits in a Uint16Array, as onnxruntime-node does.
 */
import { DataType } from '../../onnx/dtype.js';

export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];
export type FixedSizeDatatype = Exclude<OipDatatype, 'BYTES'>;

export type TensorTypedArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

interface TypedArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): TensorTypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorTypedArray;
}

export interface FixedSizeSpec {
  /** Bytes per element in the binary extension (row-major, little-endian, no padding). */
  readonly bytes: number;
  readonly array: TypedArrayConstructor;
  /** onnxruntime's `Tensor.Type`. */
  readonly ort: string;
  readonly onnx: number;
}

export const FIXED_SIZE: Readonly<Record<FixedSizeDatatype, FixedSizeSpec>> = {
  BOOL: { bytes: 1, array: Uint8Array, ort: 'bool', onnx: DataType.BOOL },
  UINT8: { bytes: 1, array: Uint8Array, ort: 'uint8', onnx: DataType.UINT8 },
  UINT16: { bytes: 2, array: Uint16Array, ort: 'uint16', onnx: DataType.UINT16 },
  UINT32: { bytes: 4, array: Uint32Array, ort: 'uint32', onnx: DataType.UINT32 },
  UINT64: { bytes: 8, array: BigUint64Array, ort: 'uint64', onnx: DataType.UINT64 },
  INT8: { bytes: 1, array: Int8Array, ort: 'int8', onnx: DataType.INT8 },
  INT16: { bytes: 2, array: Int16Array, ort: 'int16', onnx: DataType.INT16 },
  INT32: { bytes: 4, array: Int32Array, ort: 'int32', onnx: DataType.INT32 },
  INT64: { bytes: 8, array: BigInt64Array, ort: 'int64', onnx: DataType.INT64 },
  FP16: { bytes: 2, array: Uint16Array, ort: 'float16', onnx: DataType.FLOAT16 },
  FP32: { bytes: 4, array: Float32Array, ort: 'float32', onnx: DataType.FLOAT },
  FP64: { bytes: 8, array: Float64Array, ort: 'float64', onnx: DataType.DOUBLE },
};

export function isOipDatatype(value: string): value is OipDatatype {
  return (OIP_DATATYPES as readonly string[]).includes(value);
}

export function isFixedSize(datatype: OipDatatype): datatype is FixedSizeDatatype {
  return datatype !== 'BYTES';
}

const BY_ORT = new Map<string, OipDatatype>([
  ...Object.entries(FIXED_SIZE).map(([name, spec]) => [spec.ort, name as OipDatatype] as const),
  ['string', 'BYTES'],
]);
const BY_ONNX = new Map<number, OipDatatype>([
  ...Object.entries(FIXED_SIZE).map(([name, spec]) => [spec.onnx, name as OipDatatype] as const),
  [DataType.STRING, 'BYTES'],
]);

/** The OIP datatype of an onnxruntime tensor type, or undefined (bfloat16, int4, …: no OIP name). */
export function datatypeOfOrtType(type: string): OipDatatype | undefined {
  return BY_ORT.get(type);
}

/** Triton's model_config.proto `DataType` name of an OIP datatype (BYTES is TYPE_STRING there). */
export function tritonDataType(datatype: OipDatatype): string {
  return datatype === 'BYTES' ? 'TYPE_STRING' : `TYPE_${datatype}`;
}

export function ortTypeOf(datatype: OipDatatype): string {
  return isFixedSize(datatype) ? FIXED_SIZE[datatype].ort : 'string';
}

/** The OIP datatype of an ONNX TensorProto.DataType, or undefined when OIP has none. */
export function datatypeOfOnnx(dtype: number): OipDatatype | undefined {
  return BY_ONNX.get(dtype);
}
