/**
 * The rules Triton applies to an ensemble when it loads it next to the models it chains (its
 * ensemble_utils.cc): each step names a model of the repository, maps every input of that model
 * exactly once and only tensors the model has, and each ensemble tensor has one data type and
 * agreeing dims wherever it is produced or read. triton-schema.ts checks an ensemble config on its
 * own; this checks it against the configs of its steps.
 */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { TritonModelConfig, TritonTensor } from './triton-schema.js';
import { TRITON_CONFIG_ADVICE } from './triton-text.js';

/** An ensemble tensor as Triton infers it: the first declaration seen decides, later ones must agree. */
interface TensorUse {
  readonly dataType: string;
  readonly dims: readonly number[];
  /** dims with the batch dimension in front (-1) when its model batches. */
  readonly fullDims: readonly number[];
  /** Who declared it: "the ensemble" or `step "cloud-1"`. */
  readonly by: string;
}

/** Equal length, each size equal or either one -1 (variable: Triton checks it per request). */
function dimsAgree(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === -1 || b[i] === -1 || d === b[i]);
}

function use(tensor: TritonTensor, batching: boolean, by: string, dims = tensor.dims): TensorUse {
  return { dataType: tensor.dataType, dims, fullDims: batching ? [-1, ...dims] : dims, by };
}

const format = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/**
 * Checks `ensemble` against `models` (model name → its config, the other entries of the
 * repository). Throws BAD_BUNDLE naming `file`, the step or tensor and the rule broken, in one line.
 */
export function checkTritonEnsemble(
  ensemble: TritonModelConfig,
  models: ReadonlyMap<string, TritonModelConfig>,
  file: string,
): void {
  // Annotated so that TypeScript narrows after a call (a `never` arrow alone does not).
  const fail: (what: string) => never = (what) => {
    throw new CutlineError('BAD_BUNDLE', `${file}: ${what}; ${TRITON_CONFIG_ADVICE}.`);
  };
  const batching = ensemble.maxBatchSize > 0;
  const tensors = new Map<string, TensorUse>();
  const agree = (name: string, seen: TensorUse): void => {
    const known = tensors.get(name);
    if (!known) {
      tensors.set(name, seen);
      return;
    }
    const what = `ensemble tensor ${quoteName(name)}`;
    if (known.dataType !== seen.dataType)
      fail(`${what} is ${known.dataType} in ${known.by} but ${seen.dataType} in ${seen.by}`);
    // A tensor between a batching and a non-batching model agrees on its full shape.
    if (!dimsAgree(known.dims, seen.dims) && !dimsAgree(known.fullDims, seen.fullDims))
      fail(`${what} is ${format(known.fullDims)} in ${known.by} but ${format(seen.fullDims)} in ${seen.by}`);
  };
  // The ensemble's own tensors as a client sends and receives them (a reshape is what a model sees).
  for (const t of [...ensemble.inputs, ...ensemble.outputs])
    agree(t.name, use(t, batching, 'the ensemble', t.reshape ?? t.dims));

  for (const step of ensemble.ensembleSteps ?? []) {
    const by = `step ${quoteName(step.modelName)}`;
    const model = models.get(step.modelName);
    if (!model) fail(`${by} names no model of the repository`);
    if (model.maxBatchSize > 0 && model.maxBatchSize < ensemble.maxBatchSize)
      fail(`max_batch_size ${ensemble.maxBatchSize} is above ${model.maxBatchSize}, the most ${by} takes`);
    const stepBatches = model.maxBatchSize > 0;
    for (const key of Object.keys(step.inputMap))
      if (!model.inputs.some((t) => t.name === key))
        fail(`${by} maps ${quoteName(key)}, which is no input of ${quoteName(model.name)}`);
    for (const input of model.inputs) {
      const tensor = Object.hasOwn(step.inputMap, input.name) ? step.inputMap[input.name] : undefined;
      if (tensor === undefined)
        fail(`input ${quoteName(input.name)} of ${by} is mapped to no ensemble tensor`);
      agree(tensor, use(input, stepBatches, by));
    }
    const written = new Set<string>();
    for (const [key, tensor] of Object.entries(step.outputMap)) {
      const output = model.outputs.find((t) => t.name === key);
      if (!output) fail(`${by} maps ${quoteName(key)}, which is no output of ${quoteName(model.name)}`);
      if (written.has(tensor)) fail(`${by} maps two outputs to ${quoteName(tensor)}`);
      written.add(tensor);
      agree(tensor, use(output, stepBatches, by));
    }
  }
}
