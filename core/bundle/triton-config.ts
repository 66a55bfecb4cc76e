/**
 * Triton's `config.pbtxt` for one segment served by Triton's ONNX Runtime backend, written in
 * the protobuf text format of model_config.proto.
 */
import { CutlineError } from '../errors.js';
import { datatypeOfOrtType, tritonDataType } from '../runtime/oip/datatypes.js';
import { quoteName } from '../text/quote-name.js';
import type { ManifestTensor } from './manifest.js';
import { checkTritonShapes, readTritonConfig } from './triton-schema.js';
import { TRITON_CONFIG_ADVICE } from './triton-text.js';

/**
 * Triton's `DataType` name of a manifest element type (onnxruntime's spelling): the OIP datatype's,
 * and bfloat16, which Triton has and the OIP does not.
 */
function tritonType(dtype: string): string | undefined {
  const oip = datatypeOfOrtType(dtype);
  if (oip !== undefined) return tritonDataType(oip);
  return dtype === 'bfloat16' ? 'TYPE_BF16' : undefined;
}

/**
 * The largest batch Triton may form from waiting requests when a segment batches. 4 is Triton's
 * own default (`default-max-batch-size`, used when it completes a batching model's config): big
 * enough to gain throughput, small enough that a segment sized for one request keeps its memory.
 */
export const TRITON_MAX_BATCH = 4;

/** Protobuf text format: quotes, backslashes and line breaks in a name are escaped. */
export function textString(text: string): string {
  return `"${text.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
}

/**
 * The symbolic leading dimension every input and output shares ("batch", "N"…), or null. Only
 * then may Triton stack requests along it: a segment with one fixed or differently named leading
 * dimension is served as it is, without batching.
 */
export function sharedBatchDim(tensors: readonly ManifestTensor[]): string | null {
  const first = tensors[0]?.shape?.[0];
  if (typeof first !== 'string') return null;
  return tensors.every((t) => t.shape !== null && t.shape[0] === first) ? first : null;
}

function tritonTensor(tensor: ManifestTensor, batched: boolean): string {
  const type = tritonType(tensor.dtype);
  if (!type)
    throw new CutlineError(
      'EXPORT_FAILED',
      `Triton has no type for ${quoteName(tensor.dtype)} (tensor ${quoteName(tensor.name)}).`,
    );
  // An unknown rank cannot be said in dims.
  if (tensor.shape === null)
    throw new CutlineError(
      'EXPORT_FAILED',
      `Triton needs the rank of ${quoteName(tensor.name)}, which is unknown.`,
    );
  // Batched, Triton adds the leading dimension itself; symbolic sizes are variable (-1).
  const dims = (batched ? tensor.shape.slice(1) : tensor.shape).map((d) => (typeof d === 'number' ? d : -1));
  // Triton refuses empty dims: a scalar (or a batch of scalars) is one element reshaped to [].
  const shape = dims.length === 0 ? '[ 1 ]\n    reshape: { shape: [ ] }' : `[ ${dims.join(', ')} ]`;
  return `  {\n    name: ${textString(tensor.name)}\n    data_type: ${type}\n    dims: ${shape}\n  }`;
}

/**
 * `config.pbtxt` of one segment served by Triton's ONNX Runtime backend. When every input and
 * output leads with the same symbolic dimension the segment batches (`max_batch_size`
 * TRITON_MAX_BATCH, dynamic batching with Triton's defaults); otherwise batching is off
 * (`max_batch_size: 0`) and dims are the sub-model's whole shapes. The text is read back and
 * checked against Triton's rules (triton-schema.ts) before it is returned.
 */
export function tritonConfig(
  name: string,
  inputs: readonly ManifestTensor[],
  outputs: readonly ManifestTensor[],
): string {
  const batched = sharedBatchDim([...inputs, ...outputs]) !== null;
  const text = [
    `name: ${textString(name)}`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${batched ? TRITON_MAX_BATCH : 0}`,
    `input [\n${inputs.map((t) => tritonTensor(t, batched)).join(',\n')}\n]`,
    `output [\n${outputs.map((t) => tritonTensor(t, batched)).join(',\n')}\n]`,
    ...(batched ? ['dynamic_batching { }'] : []),
    'instance_group [ { kind: KIND_AUTO } ]',
    '',
  ].join('\n');
  const file = `${name}/config.pbtxt`;
  try {
    const config = readTritonConfig(text, file);
    checkTritonShapes(config, new Map([...inputs, ...outputs].map((t) => [t.name, t.shape ?? []])), file);
  } catch (error) {
    // Writing it again would not help: the segment itself is what Triton cannot take.
    const reason = (error as Error).message.replace(`; ${TRITON_CONFIG_ADVICE}.`, '').replace(/\.$/, '');
    throw new CutlineError('EXPORT_FAILED', `Triton would refuse this config (${reason}).`, { cause: error });
  }
  return text;
}

/**
 * Whether a segment's Triton entry is written and batches (for the bundle's README): false when
 * its config cannot be written, as the bundle then has no Triton entry for it.
 */
export function tritonBatches(
  name: string,
  inputs: readonly ManifestTensor[],
  outputs: readonly ManifestTensor[],
): boolean {
  try {
    return /^max_batch_size: [1-9]/m.test(tritonConfig(name, inputs, outputs));
  } catch {
    return false;
  }
}
