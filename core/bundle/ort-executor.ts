/** Runs a tier's sub-models in onnxruntime-node, one session per segment, created once. */
import * as ort from 'onnxruntime-node';
import { CutlineError } from '../errors.js';
import type { SegmentExecutor, Tensors } from './tier-runtime.js';

export interface OrtExecutor {
  readonly execute: SegmentExecutor;
  close(): Promise<void>;
}

export async function createOrtExecutor(
  models: ReadonlyMap<string, Uint8Array | string>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<OrtExecutor> {
  const sessions = new Map<string, ort.InferenceSession>();
  for (const [segment, model] of models) {
    try {
      sessions.set(
        segment,
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options),
      );
    } catch (error) {
      throw new CutlineError(
        'BAD_BUNDLE',
        `onnxruntime cannot load sub-model "${segment}": ${(error as Error).message}`,
      );
    }
  }
  return {
    async execute(segment, inputs): Promise<Tensors> {
      const session = sessions.get(segment);
      if (!session) throw new CutlineError('BAD_BUNDLE', `This tier does not serve segment "${segment}".`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) {
        const tensor = inputs.get(name);
        if (!tensor) throw new CutlineError('BAD_BUNDLE', `Segment "${segment}" lacks input "${name}".`);
        feeds[name] = tensor;
      }
      const results = await session.run(feeds);
      return new Map(Object.entries(results));
    },
    async close() {
      for (const session of sessions.values()) await session.release();
      sessions.clear();
    },
  };
}
