/**
 * `GET /v2/models/{name}/config`: Triton's model configuration extension (`model_configuration`),
 * which stock clients (tritonclient's `get_model_config`, perf_analyzer) read before inferring.
 * The JSON is Triton's ModelConfig as it prints it, for the model as Triton would serve it: with
 * the model's `maxBatchSize` above 0 the batch dimension is left out of `dims` and the dynamic
 * batcher is on (a bundle's tier says so exactly where its `config.pbtxt` does); otherwise
 * `max_batch_size` is 0 and `dims` are the full shape (-1: any size).
 */
import { tritonDataType } from './datatypes.js';
import type { TensorMetadata, TierModel } from './model.js';

/**
 * The OIP metadata's platform name for ONNX models (`onnx_onnxv1`) is not Triton's: its
 * configuration names the ONNX Runtime backend's platform.
 */
const TRITON_PLATFORM: Readonly<Record<string, { platform: string; backend: string }>> = {
  onnx_onnxv1: { platform: 'onnxruntime_onnx', backend: 'onnxruntime' },
};

/**
 * A tensor's dims and reshape as Triton has them: unknown rank as `[-1]` (as in metadata), the
 * batch dimension left out when batching, and a scalar (or a batch of scalars) as one element
 * reshaped to `[]`, since Triton refuses empty dims.
 */
function tritonDims(t: TensorMetadata, batched: boolean): { dims: readonly number[]; reshape?: object } {
  if (t.shape === null) return { dims: [-1] };
  const dims = batched ? t.shape.slice(1) : t.shape;
  return dims.length === 0 ? { dims: [1], reshape: { shape: [] } } : { dims };
}

/** The model's configuration as Triton answers it in JSON. */
export function modelConfigJson(name: string, model: TierModel): object {
  const known = model.platform === undefined ? undefined : TRITON_PLATFORM[model.platform];
  const maxBatchSize = model.maxBatchSize ?? 0;
  const batched = maxBatchSize > 0;
  return {
    name,
    platform: known?.platform ?? model.platform ?? '',
    backend: known?.backend ?? '',
    version_policy: { latest: { num_versions: 1 } },
    max_batch_size: maxBatchSize,
    input: model.inputs.map((t) => ({
      name: t.name,
      data_type: tritonDataType(t.datatype),
      format: 'FORMAT_NONE',
      ...tritonDims(t, batched),
      is_shape_tensor: false,
      allow_ragged_batch: false,
      optional: false,
    })),
    output: model.outputs.map((t) => ({
      name: t.name,
      data_type: tritonDataType(t.datatype),
      ...tritonDims(t, batched),
      label_filename: '',
      is_shape_tensor: false,
    })),
    ...(batched ? { dynamic_batching: {} } : {}),
    instance_group: [{ name, kind: 'KIND_CPU', count: model.maxConcurrency ?? 1 }],
  };
}
