/**
 * What a tier serves: a model with declared inputs and outputs (OIP model metadata) and an
 * asynchronous `infer`. The server checks every request against the declaration before the model
 * sees it, so a model only ever receives tensors of the names, datatypes and shapes it declared.
 */
import type { OipDatatype } from './datatypes.js';
import { quoteName, quoteNames } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import type { OipParameters } from './schema.js';
import { shapeText } from './shape-text.js';
import type { OipTensor } from './tensor.js';

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: OipDatatype;
  /** Dimensions, -1 where any size is accepted; null when even the rank is unknown. */
  readonly shape: readonly number[] | null;
}

export interface InferContext {
  /** The request's `id`, if it had one. */
  readonly id: string | undefined;
  /** The outputs the request asked for, in its order; null for all of them. */
  readonly requestedOutputs: readonly string[] | null;
}

export interface ModelResult {
  readonly outputs: readonly OipTensor[];
  readonly parameters?: OipParameters;
}

export interface TierModel {
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  /** OIP platform name, e.g. `onnx_onnxv1`. */
  readonly platform?: string;
  readonly version?: string;
  /**
   * Whether inputs the model does not declare are accepted and passed to `infer` (a relay tier
   * receives tensors it forwards to the next one). Default false: they are refused with a 400.
   */
  readonly acceptsExtraInputs?: boolean;
  /** Inferences run at once; more wait in a queue (their wait is `queue_ms`). Default 1. */
  readonly maxConcurrency?: number;
  /**
   * Triton's `max_batch_size` for the model's configuration (`GET …/config`): above 0, every input
   * and output leads with a batch dimension Triton's dynamic batcher may stack requests along, and
   * the configuration's dims leave it out. The tier itself runs each request as it comes (any size
   * where the shape says -1); this says how Triton serves the same model, so that the two
   * configurations agree. Default 0.
   */
  readonly maxBatchSize?: number;
  /**
   * Cutline's relay extension (`cutline_relay`): a request whose parameters carry
   * `cutline_request` is checked against and run by this model instead (one step of a split
   * inference, whose tensors a tier holds between requests). Metadata describes the plain model.
   */
  readonly relay?: TierModel;
  /**
   * Set on an entry that exists only for the relay extension: the one sentence a plain request
   * (or a metadata, ready or config request) gets with a 404, saying which tier serves the model.
   * Such an entry is not listed among the tier's models; relay requests reach it as usual.
   */
  readonly relayOnly?: string;
  /** Default: always ready. */
  isReady?(): boolean;
  /** Must return every requested output (all declared outputs when none were requested). */
  infer(inputs: readonly OipTensor[], parameters: OipParameters, context: InferContext): Promise<ModelResult>;
}

/** The request parameter that makes a request a relay step (see `TierModel.relay`). */
export const RELAY_PARAMETER = 'cutline_request';

/**
 * The model that serves a request with these parameters: the relay model for a relay request
 * (one carrying `cutline_request`), else the plain model.
 *
 * @throws OipError (404) for a plain request to an entry that exists only for the relay.
 */
export function modelForRequest(model: TierModel, parameters: OipParameters | undefined): TierModel {
  const relayed = parameters?.[RELAY_PARAMETER] !== undefined;
  if (model.relayOnly !== undefined) {
    if (!relayed) throw new OipError(model.relayOnly, 404);
    return model;
  }
  return relayed && model.relay ? model.relay : model;
}

/** The OIP `$metadata_model_response` (unknown rank as `[-1]`, the closest OIP can say). */
export function modelMetadataJson(name: string, model: TierModel): object {
  const tensor = (t: TensorMetadata): object => ({
    name: t.name,
    datatype: t.datatype,
    shape: t.shape ?? [-1],
  });
  return {
    name,
    ...(model.version !== undefined ? { versions: [model.version] } : {}),
    platform: model.platform ?? '',
    inputs: model.inputs.map(tensor),
    outputs: model.outputs.map(tensor),
  };
}

/**
 * Whether Triton's configuration of the model (model-config.ts, config.pbtxt) writes this tensor as
 * dims [1] reshaped to []: a scalar, or with batching a batch of scalars. A client that reads that
 * configuration sends it with a last dimension of 1, which Triton takes away before the model.
 */
function tritonOneElement(declared: readonly number[], model: TierModel): boolean {
  return declared.length === ((model.maxBatchSize ?? 0) > 0 ? 1 : 0);
}

/**
 * Checks a request's inputs and requested outputs against what the model declares.
 *
 * @returns the inputs in the declared shapes: a scalar sent as Triton's configuration has it
 *   (dims [1]) loses that dimension, as Triton's reshape does.
 * @throws OipError (400) naming the first input or output that does not fit.
 */
export function checkAgainstMetadata(
  modelName: string,
  model: TierModel,
  inputs: readonly OipTensor[],
  requestedOutputs: readonly string[] | null,
): readonly OipTensor[] {
  const given = new Map(inputs.map((t) => [t.name, t]));
  const shownModel = quoteName(modelName);
  for (const declared of model.inputs) {
    const tensor = given.get(declared.name);
    if (!tensor) {
      throw new OipError(
        `Model ${shownModel} needs input ${quoteName(declared.name)}, which the request does not carry.`,
      );
    }
    if (tensor.datatype !== declared.datatype) {
      throw new OipError(
        `Input ${quoteName(declared.name)} is ${tensor.datatype}, but model ${shownModel} takes ${declared.datatype}.`,
      );
    }
    const oneElement =
      declared.shape !== null &&
      tritonOneElement(declared.shape, model) &&
      shapeFits(tensor.shape, [...declared.shape, 1]);
    if (declared.shape && !oneElement && !shapeFits(tensor.shape, declared.shape)) {
      throw new OipError(
        `Input ${quoteName(declared.name)} has shape ${shapeText(tensor.shape)}, but model ${shownModel} takes ${shapeText(declared.shape)} (-1: any size).`,
      );
    }
  }
  if (!model.acceptsExtraInputs) {
    const known = new Set(model.inputs.map((t) => t.name));
    const extra = inputs.find((t) => !known.has(t.name));
    if (extra) {
      throw new OipError(
        `Model ${shownModel} has no input ${quoteName(extra.name)}; its inputs are ${quoteNames([...known])}.`,
      );
    }
  }
  const outputs = new Set(model.outputs.map((t) => t.name));
  const unknown = requestedOutputs?.find((name) => !outputs.has(name));
  if (unknown !== undefined) {
    throw new OipError(
      `Model ${shownModel} has no output ${quoteName(unknown)}; its outputs are ${quoteNames([...outputs])}.`,
    );
  }
  const declaredShapes = new Map(model.inputs.map((t) => [t.name, t.shape]));
  return inputs.map((tensor) => {
    const declared = declaredShapes.get(tensor.name);
    const reshaped =
      declared != null && tritonOneElement(declared, model) && tensor.shape.length === declared.length + 1;
    return reshaped ? { ...tensor, shape: tensor.shape.slice(0, -1) } : tensor;
  });
}

function shapeFits(shape: readonly number[], declared: readonly number[]): boolean {
  return shape.length === declared.length && declared.every((dim, i) => dim < 0 || dim === shape[i]);
}
