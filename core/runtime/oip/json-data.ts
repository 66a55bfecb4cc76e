/**
 * Tensor data as JSON (`"data": [...]`, KServe v2 "Tensor Data"): flat row-major arrays of numbers,
 * booleans (BOOL) or strings (BYTES). Nested arrays are accepted on input, as the protocol allows.
 *
 * Two choices go beyond what plain JSON can say, so that every value round-trips exactly:
 * - a negative zero is written `-0` (valid JSON; `JSON.stringify` would write `0`);
 * - NaN and ±Infinity, which JSON numbers cannot hold, are written as the strings "NaN",
 *   "Infinity" and "-Infinity" (the binary extension carries them natively).
 * FP16 travels as JSON numbers (the half value), rounded to nearest-even on the way in.
 */
import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { FIXED_SIZE, type FixedSizeDatatype, type OipDatatype, type TensorTypedArray } from './datatypes.js';
import { NAME_LIMIT, escapeControl } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import type { OipTensor } from './tensor.js';

/** The JSON text of a tensor's data array. */
export function jsonDataText(tensor: OipTensor): string {
  const { datatype, data } = tensor;
  if (datatype === 'BYTES' || Array.isArray(data)) return JSON.stringify(data);
  const values = data as TensorTypedArray;
  switch (datatype) {
    case 'BOOL':
      return `[${Array.from(values as Uint8Array, (v) => (v ? 'true' : 'false')).join(',')}]`;
    case 'FP16': {
      const bits = values as Uint16Array;
      const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
      return `[${Array.from(bits, (_, i) => numberText(getFloat16(view, i * 2, true))).join(',')}]`;
    }
    case 'FP32':
    case 'FP64': {
      const floats = values as Float32Array | Float64Array;
      // join() writes each value's shortest round-trip text, except -0, NaN and ±Infinity.
      return floats.every((v) => Number.isFinite(v) && !Object.is(v, -0))
        ? `[${floats.join(',')}]`
        : `[${Array.from(floats, numberText).join(',')}]`;
    }
    default:
      return `[${values.join(',')}]`;
  }
}

function numberText(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '-0' : String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

const INTEGER_RANGE: Readonly<Partial<Record<FixedSizeDatatype, readonly [bigint, bigint]>>> = {
  UINT8: [0n, 255n],
  UINT16: [0n, 65535n],
  UINT32: [0n, 4294967295n],
  UINT64: [0n, 2n ** 64n - 1n],
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * Whether a 64-bit integer tensor's JSON data holds integers beyond 2^53, which `JSON.parse` has
 * already rounded: the body must then be parsed again without loss.
 */
export function losesIntegerPrecision(datatype: OipDatatype, data: readonly unknown[]): boolean {
  if (datatype !== 'INT64' && datatype !== 'UINT64') return false;
  return flatten(data).some((v) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v));
}

/**
 * A tensor's data from its JSON array (numbers may arrive as bigints from a lossless parse).
 *
 * @param label how errors name the tensor: `Input "x"`.
 * @throws OipError naming the tensor, the element and what it should be.
 */
export function decodeJsonData(
  label: string,
  datatype: OipDatatype,
  count: number,
  data: readonly unknown[],
): TensorTypedArray | string[] {
  const flat = flatten(data);
  if (flat.length !== count) {
    throw new OipError(`${label} has ${count} elements by its shape but ${flat.length} in "data".`);
  }
  if (datatype === 'BYTES') {
    flat.forEach((v, i) => {
      if (typeof v !== 'string') throw badElement(label, i, v, 'BYTES elements are strings');
    });
    return flat as string[];
  }
  const values = new FIXED_SIZE[datatype].array(count);
  if (datatype === 'BOOL') {
    flat.forEach((v, i) => {
      if (v === true || v === 1) values[i] = 1;
      else if (v === false || v === 0) values[i] = 0;
      else throw badElement(label, i, v, 'BOOL elements are true or false');
    });
  } else if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64') {
    const scratch = new DataView(new ArrayBuffer(2));
    flat.forEach((v, i) => {
      const x = floatValue(v);
      if (x === undefined) throw badElement(label, i, v, `${datatype} elements are numbers`);
      if (datatype === 'FP16') {
        setFloat16(scratch, 0, x, true);
        values[i] = scratch.getUint16(0, true);
      } else values[i] = x;
    });
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const [min, max] = INTEGER_RANGE[datatype]!;
    flat.forEach((v, i) => {
      const n = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v as number) : undefined;
      if (n === undefined || n < min || n > max) throw badElement(label, i, v, integerRule(datatype));
      values[i] = n;
    });
  } else {
    const [min, max] = INTEGER_RANGE[datatype]!.map(Number) as [number, number];
    const ints = values as Exclude<TensorTypedArray, BigInt64Array | BigUint64Array>;
    flat.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw badElement(label, i, v, integerRule(datatype));
      }
      ints[i] = v;
    });
  }
  return values;
}

function flatten(data: readonly unknown[]): readonly unknown[] {
  return data.some(Array.isArray) ? (data as unknown[]).flat(Infinity) : data;
}

function floatValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return SPECIAL_FLOATS[v];
  return undefined;
}

function integerRule(datatype: FixedSizeDatatype): string {
  const [min, max] = INTEGER_RANGE[datatype]!;
  return `${datatype} elements are whole numbers from ${min} to ${max}`;
}

function badElement(label: string, index: number, value: unknown, rule: string): OipError {
  const text = typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  // The element is the sender's: a string of any length, C1 and bidi controls that JSON leaves as they are.
  return new OipError(`${label} has ${escapeControl(text, NAME_LIMIT)} at data[${index}]; ${rule}.`);
}
