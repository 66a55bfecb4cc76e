/**
 * Shapes as a stock server configured like the bundle's cloud/triton/<segment>/config.pbtxt takes
 * and gives them. Triton refuses empty dims, so a scalar (or, in a segment that batches, a batch
 * of scalars) is configured as dims [ 1 ] reshaped to [ ]: requests must carry that last 1 ([1],
 * [N, 1]) and answers come back with it. onnxruntime and the manifest know the tensor without it.
 */
import type { OipTensor } from '../runtime/oip/tensor.js';
import type { BundleManifest } from './manifest.js';
import { tritonBatches } from './triton-config.js';

type ManifestSegment = BundleManifest['segments'][number];

/** The segment's tensors that Triton's config declares as dims [ 1 ] reshaped to [ ], with their rank without it. */
export type OneElementTensors = ReadonlyMap<string, number>;

export function oneElementTensors(segment: ManifestSegment): OneElementTensors {
  // The config writer's rule: with batching the leading dimension is Triton's own, not in dims.
  const rank = tritonBatches(segment.id, segment.inputs, segment.outputs) ? 1 : 0;
  return new Map(
    [...segment.inputs, ...segment.outputs]
      .filter((t) => t.shape !== null && t.shape.length === rank)
      .map((t) => [t.name, rank]),
  );
}

/** A tensor as the server's config says it is sent: one-element tensors gain their last 1. */
export function toConfiguredShape(tensor: OipTensor, oneElement: OneElementTensors): OipTensor {
  return oneElement.has(tensor.name) ? { ...tensor, shape: [...tensor.shape, 1] } : tensor;
}

/**
 * A server's answer in the shape the next segment and onnxruntime expect: a one-element tensor
 * that came back with the config's last 1 loses it. One that came without it (Cutline's tiers
 * answer the model's own shape) is left as it is.
 */
export function fromConfiguredShape(tensor: OipTensor, oneElement: OneElementTensors): OipTensor {
  const rank = oneElement.get(tensor.name);
  const extra = rank !== undefined && tensor.shape.length === rank + 1 && tensor.shape.at(-1) === 1;
  return extra ? { ...tensor, shape: tensor.shape.slice(0, -1) } : tensor;
}
