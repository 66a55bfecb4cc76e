/**
 * Triton's `config.pbtxt` for one segment served by Triton's ONNX Runtime backend, written in
 * the protobuf text format of model_config.proto.
 */
import type { ManifestTensor } from './manifest.js';

/** Triton's names for ONNX element types (model_config.proto `DataType`). */
const TRITON_TYPES: Readonly<Record<string, string>> = {
  bool: 'TYPE_BOOL',
  uint8: 'TYPE_UINT8',
  uint16: 'TYPE_UINT16',
  uint32: 'TYPE_UINT32',
  uint64: 'TYPE_UINT64',
  int8: 'TYPE_INT8',
  int16: 'TYPE_INT16',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  float16: 'TYPE_FP16',
  float32: 'TYPE_FP32',
  float64: 'TYPE_FP64',
  string: 'TYPE_STRING',
  bfloat16: 'TYPE_BF16',
};

function tritonDims(tensor: ManifestTensor): string {
  // Symbolic or unknown dimensions are variable (-1) for Triton; an unknown rank cannot be said.
  if (tensor.shape === null) throw new Error(`Triton needs the rank of ${tensor.name}, which is unknown`);
  return tensor.shape.map((d) => (typeof d === 'number' ? String(d) : '-1')).join(', ');
}

function tritonTensor(tensor: ManifestTensor): string {
  const type = TRITON_TYPES[tensor.dtype];
  if (!type) throw new Error(`Triton has no type for ${tensor.dtype} (tensor ${tensor.name})`);
  // Protobuf text format: quotes and backslashes in a name are escaped.
  const name = tensor.name.replace(/[\\"]/g, (c) => `\\${c}`);
  return `  {\n    name: "${name}"\n    data_type: ${type}\n    dims: [ ${tritonDims(tensor)} ]\n  }`;
}

/**
 * `config.pbtxt` of one segment served by Triton's ONNX Runtime backend. Batching is off
 * (`max_batch_size: 0`): the sub-model's shapes are the split model's, batch dimension included.
 */
export function tritonConfig(
  name: string,
  inputs: readonly ManifestTensor[],
  outputs: readonly ManifestTensor[],
): string {
  return [
    `name: "${name}"`,
    'platform: "onnxruntime_onnx"',
    'max_batch_size: 0',
    `input [\n${inputs.map(tritonTensor).join(',\n')}\n]`,
    `output [\n${outputs.map(tritonTensor).join(',\n')}\n]`,
    'instance_group [ { kind: KIND_AUTO } ]',
    '',
  ].join('\n');
}
