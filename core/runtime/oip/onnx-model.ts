/**
 * An ONNX model served by a tier: an onnxruntime-node session behind the `TierModel` interface.
 * Inputs and outputs are the session's; their datatypes and shapes are what Cutline's analysis
 * reads from the file (declared, or inferred where the file leaves them out), symbolic dimensions
 * as -1. Tensors pass between the wire and onnxruntime without copies.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { analyzeBytes, analyzeFile, type Analysis } from '../../analyze.js';
import { CutlineError } from '../../errors.js';
import { quoteName } from '../../text/quote-name.js';
import { datatypeOfOnnx, datatypeOfOrtType } from './datatypes.js';
import type { ModelResult, TensorMetadata, TierModel } from './model.js';
import { fromOrtTensor, toOrtTensor } from './ort-tensor.js';
import type { OipTensor } from './tensor.js';

export interface OnnxModelOptions {
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Inferences run at once on the session. Default 1 (onnxruntime already uses every core for one). */
  readonly maxConcurrency?: number;
  /** Accept (and ignore) inputs the model does not take; for a tier that relays them. Default false. */
  readonly acceptsExtraInputs?: boolean;
  readonly version?: string;
}

export interface OnnxTierModel extends TierModel {
  readonly session: ort.InferenceSession;
  /** Frees the session; the model must not be served afterwards. */
  release(): Promise<void>;
}

/**
 * Loads an ONNX model (a file path, whose external data is resolved beside it, or the bytes of a
 * self-contained model) for serving.
 *
 * @throws CutlineError from the analysis (NOT_ONNX, …), or BAD_OIP_MESSAGE when an input's or
 *   output's element type has no OIP datatype.
 */
export async function createOnnxModel(
  source: string | Uint8Array,
  options: OnnxModelOptions = {},
): Promise<OnnxTierModel> {
  const analysis =
    typeof source === 'string'
      ? analyzeFile(source)
      : analyzeBytes(source, { displayName: 'the served model' });
  const session =
    typeof source === 'string'
      ? await ort.InferenceSession.create(path.resolve(source), options.sessionOptions ?? {})
      : await ort.InferenceSession.create(source, options.sessionOptions ?? {});
  const describe = (names: readonly string[], metadata: readonly ort.InferenceSession.ValueMetadata[]) =>
    names.map((name) =>
      tensorMetadata(
        analysis,
        name,
        metadata.find((m) => m.name === name),
      ),
    );
  const inputs = describe(session.inputNames, session.inputMetadata);
  const outputs = describe(session.outputNames, session.outputMetadata);
  const taken = new Set(session.inputNames);
  let released = false;

  return {
    session,
    inputs,
    outputs,
    platform: 'onnx_onnxv1',
    ...(options.version !== undefined ? { version: options.version } : {}),
    acceptsExtraInputs: options.acceptsExtraInputs ?? false,
    maxConcurrency: options.maxConcurrency ?? 1,
    isReady: () => !released,
    async infer(tensors, _parameters, context): Promise<ModelResult> {
      const feeds: Record<string, ort.Tensor> = {};
      for (const tensor of tensors) if (taken.has(tensor.name)) feeds[tensor.name] = toOrtTensor(tensor);
      const fetches = context.requestedOutputs ?? session.outputNames;
      const results = await session.run(feeds, [...fetches]);
      return { outputs: fetches.map((name): OipTensor => fromOrtTensor(name, results[name]!)) };
    },
    async release() {
      released = true;
      await session.release();
    },
  };
}

function tensorMetadata(
  analysis: Analysis,
  name: string,
  session: ort.InferenceSession.ValueMetadata | undefined,
): TensorMetadata {
  const info = analysis.inference.values.get(name);
  const declared = analysis.graph.tensors.get(name);
  const dtype = info?.dtype || declared?.dtype || 0;
  const sessionType = session?.isTensor ? session.type : undefined;
  const datatype = datatypeOfOnnx(dtype) ?? (sessionType ? datatypeOfOrtType(sessionType) : undefined);
  if (!datatype) {
    throw new CutlineError(
      'BAD_OIP_MESSAGE',
      `Tensor ${quoteName(name)} of the served model has an element type the Open Inference Protocol cannot carry; serve a model whose inputs and outputs are bool, integer, float16/32/64 or string.`,
    );
  }
  const shape = info?.shape ?? declared?.shape ?? null;
  return { name, datatype, shape: shape ? shape.map((dim) => (typeof dim === 'number' ? dim : -1)) : null };
}
