/**
 * OIP tensors to and from onnxruntime-node tensors. Both hold the same typed arrays (FP16 as
 * Uint16Array bits, BOOL as Uint8Array, BYTES as strings), so neither direction copies the data.
 */
import * as ort from 'onnxruntime-node';
import { datatypeOfOrtType, ortTypeOf } from './datatypes.js';
import { quoteName } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import type { OipTensor } from './tensor.js';

/** An onnxruntime tensor over the same data (no copy). */
export function toOrtTensor(tensor: OipTensor): ort.Tensor {
  const type = ortTypeOf(tensor.datatype) as ort.Tensor.Type;
  return new ort.Tensor(type, tensor.data as ort.Tensor.DataTypeMap[typeof type], tensor.shape);
}

/**
 * An OIP tensor over an onnxruntime tensor's data (no copy).
 *
 * @throws OipError (500) for element types OIP has no name for (bfloat16, 4-bit types).
 */
export function fromOrtTensor(name: string, tensor: ort.Tensor): OipTensor {
  const datatype = datatypeOfOrtType(tensor.type);
  if (!datatype) {
    throw new OipError(
      `Output ${quoteName(name)} is ${tensor.type}, which the Open Inference Protocol has no datatype for.`,
      500,
    );
  }
  return { name, datatype, shape: [...tensor.dims], data: tensor.data as OipTensor['data'] };
}
