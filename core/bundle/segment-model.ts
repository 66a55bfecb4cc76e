/**
 * A tier's segment as a plain Open Inference Protocol model: a stock client (tritonclient, KServe's
 * client, curl) sends the segment's inputs and gets its outputs, as from any OIP server serving the
 * sub-model file. Nothing is held between requests; the relay steps of a split inference are
 * `tier-server.ts`'s business.
 */
import { CutlineError } from '../errors.js';
import { datatypeOfOrtType } from '../runtime/oip/datatypes.js';
import { OipError } from '../runtime/oip/errors.js';
import type { TensorMetadata, TierModel } from '../runtime/oip/model.js';
import { fromOrtTensor, toOrtTensor } from '../runtime/oip/ort-tensor.js';
import { quoteName } from '../text/quote-name.js';
import type { BundleManifest, ManifestTensor } from './manifest.js';
import type { SegmentExecutor } from './tier-runtime.js';
import { TRITON_MAX_BATCH, tritonBatches } from './triton-config.js';

type ManifestSegment = BundleManifest['segments'][number];

/** Requests a segment runs at once (onnxruntime sessions run concurrent requests). */
const SEGMENT_CONCURRENCY = 8;

/** OIP metadata of a manifest tensor, symbolic dimensions as -1. */
export function tensorMetadata(tensor: ManifestTensor): TensorMetadata {
  const datatype = datatypeOfOrtType(tensor.dtype);
  if (!datatype)
    throw new CutlineError(
      'BAD_BUNDLE',
      `Tensor ${quoteName(tensor.name)} is ${tensor.dtype}, which OIP cannot carry.`,
    );
  return {
    name: tensor.name,
    datatype,
    shape: tensor.shape ? tensor.shape.map((d) => (typeof d === 'number' ? d : -1)) : null,
  };
}

/**
 * The plain model of one segment: its inputs and outputs as the manifest declares them, run by
 * `execute`, answering the outputs the request names (all of them, in the manifest's order, when it
 * names none). Its configuration batches exactly when the segment's Triton entry would.
 */
export function segmentModel(segment: ManifestSegment, execute: SegmentExecutor): TierModel {
  const outputNames = segment.outputs.map((t) => t.name);
  return {
    inputs: segment.inputs.map(tensorMetadata),
    outputs: segment.outputs.map(tensorMetadata),
    platform: 'onnx_onnxv1',
    maxConcurrency: SEGMENT_CONCURRENCY,
    maxBatchSize: tritonBatches(segment.id, segment.inputs, segment.outputs) ? TRITON_MAX_BATCH : 0,
    async infer(inputs, _parameters, context) {
      const results = await execute(segment.id, new Map(inputs.map((t) => [t.name, toOrtTensor(t)])));
      const outputs = (context.requestedOutputs ?? outputNames).map((name) => {
        const tensor = results.get(name);
        if (!tensor)
          throw new OipError(
            `Segment ${quoteName(segment.id)} did not produce its output ${quoteName(name)}.`,
            500,
          );
        return fromOrtTensor(name, tensor);
      });
      return { outputs };
    },
  };
}
