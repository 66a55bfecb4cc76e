/**
 * `GET /v2/models/{name}/config`: Triton's model configuration extension (`model_configuration`),
 * which stock clients (tritonclient's `get_model_config`, perf_analyzer) read before inferring.
 * The JSON is Triton's ModelConfig as it prints it: a tier serves each model whole, without
 * Triton's batcher, so `max_batch_size` is 0 and `dims` are the full shape (-1: any size).
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

/** The model's configuration as Triton answers it in JSON (unknown rank as `[-1]`, as in metadata). */
export function modelConfigJson(name: string, model: TierModel): object {
  const known = model.platform === undefined ? undefined : TRITON_PLATFORM[model.platform];
  const dims = (t: TensorMetadata): readonly number[] => t.shape ?? [-1];
  return {
    name,
    platform: known?.platform ?? model.platform ?? '',
    backend: known?.backend ?? '',
    version_policy: { latest: { num_versions: 1 } },
    max_batch_size: 0,
    input: model.inputs.map((t) => ({
      name: t.name,
      data_type: tritonDataType(t.datatype),
      format: 'FORMAT_NONE',
      dims: dims(t),
      is_shape_tensor: false,
      allow_ragged_batch: false,
      optional: false,
    })),
    output: model.outputs.map((t) => ({
      name: t.name,
      data_type: tritonDataType(t.datatype),
      dims: dims(t),
      label_filename: '',
      is_shape_tensor: false,
    })),
    instance_group: [{ name, kind: 'KIND_CPU', count: model.maxConcurrency ?? 1 }],
  };
}
