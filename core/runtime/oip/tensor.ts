/**
 * A tensor as the tier runtime holds it between the wire and onnxruntime: a name, an OIP datatype,
 * a shape and flat row-major data (a typed array, or strings for BYTES).
 */
import { FIXED_SIZE, isFixedSize, type OipDatatype, type TensorTypedArray } from './datatypes.js';
import { quoteName } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import { shapeText } from './shape-text.js';

export interface OipTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  /** Row-major elements: the datatype's typed array (FP16 as raw bits, BOOL as 0/1 bytes), or strings for BYTES. */
  readonly data: TensorTypedArray | readonly string[];
}

/** Elements a shape holds: the product of its dimensions (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/**
 * Checks that a tensor's data is of its datatype's in-memory kind and holds as many elements as its
 * shape says; used before encoding, so a bad tensor fails with its name, not as a corrupt body.
 *
 * @throws OipError naming the tensor.
 */
export function checkTensor(tensor: OipTensor): void {
  const { datatype, shape, data } = tensor;
  const name = quoteName(tensor.name);
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new OipError(
        `Tensor ${name} has shape ${shapeText(shape)}; dimensions must be non-negative integers.`,
      );
    }
  }
  if (isFixedSize(datatype)) {
    const expected = FIXED_SIZE[datatype].array;
    if (!(data instanceof expected)) {
      throw new OipError(`Tensor ${name} is ${datatype}, so its data must be a ${expected.name}.`);
    }
  } else if (!Array.isArray(data)) {
    throw new OipError(`Tensor ${name} is BYTES, so its data must be an array of strings.`);
  }
  const count = elementCount(shape);
  if (data.length !== count) {
    throw new OipError(
      `Tensor ${name} has shape ${shapeText(shape)} (${count} elements) but ${data.length} data elements.`,
    );
  }
}
