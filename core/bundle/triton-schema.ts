/**
 * Cutline's own description of the Triton model-configuration fields it writes (a subset of
 * Triton's model_config.proto `ModelConfig`), a reader that turns a `config.pbtxt` into them,
 * and the rules Triton applies when it loads a model, checked before Triton ever sees the file:
 * known data types, dims of -1 or positive sizes, no empty dims without a reshape, unique
 * tensor names, the batch dimension left out of dims when `max_batch_size` > 0, and for an
 * ensemble, steps whose tensors all come from somewhere.
 */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import { parseTextFormat, TRITON_CONFIG_ADVICE, type TextField, type TextValue } from './triton-text.js';

/** model_config.proto `DataType` names, TYPE_INVALID left out: Triton refuses it. */
export const TRITON_DATA_TYPES: ReadonlySet<string> = new Set([
  'TYPE_BOOL',
  'TYPE_UINT8',
  'TYPE_UINT16',
  'TYPE_UINT32',
  'TYPE_UINT64',
  'TYPE_INT8',
  'TYPE_INT16',
  'TYPE_INT32',
  'TYPE_INT64',
  'TYPE_FP16',
  'TYPE_FP32',
  'TYPE_FP64',
  'TYPE_STRING',
  'TYPE_BF16',
]);

/** `ModelInstanceGroup.Kind` names. */
const INSTANCE_KINDS: ReadonlySet<string> = new Set(['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL']);

/** The platforms Cutline writes: a segment run by the ONNX Runtime backend, or an ensemble of them. */
const PLATFORMS: ReadonlySet<string> = new Set(['onnxruntime_onnx', 'ensemble']);

/** `ModelInput` / `ModelOutput`, the fields Cutline uses. */
export interface TritonTensor {
  readonly name: string;
  readonly dataType: string;
  readonly dims: readonly number[];
  /** `reshape { shape: [...] }`: the shape the model sees when it differs from dims (a scalar: []). */
  readonly reshape: readonly number[] | null;
}

/** `ModelEnsembling.Step`: maps are model tensor name → ensemble tensor name. */
export interface TritonEnsembleStep {
  readonly modelName: string;
  readonly modelVersion: number;
  readonly inputMap: Readonly<Record<string, string>>;
  readonly outputMap: Readonly<Record<string, string>>;
}

export interface TritonModelConfig {
  readonly name: string;
  readonly platform: string;
  readonly maxBatchSize: number;
  readonly inputs: readonly TritonTensor[];
  readonly outputs: readonly TritonTensor[];
  readonly dynamicBatching: boolean;
  readonly instanceKinds: readonly string[];
  readonly ensembleSteps: readonly TritonEnsembleStep[] | null;
}

type Kind = 'string' | 'int' | 'enum' | 'message';
/** Field name → its kind and whether it may occur more than once; a field not listed is refused. */
type Fields = Readonly<Record<string, { readonly kind: Kind; readonly repeated: boolean }>>;

const one = (kind: Kind) => ({ kind, repeated: false });
const many = (kind: Kind) => ({ kind, repeated: true });

const MODEL_CONFIG: Fields = {
  name: one('string'),
  platform: one('string'),
  max_batch_size: one('int'),
  input: many('message'),
  output: many('message'),
  dynamic_batching: one('message'),
  instance_group: many('message'),
  ensemble_scheduling: one('message'),
};
const TENSOR: Fields = {
  name: one('string'),
  data_type: one('enum'),
  dims: many('int'),
  reshape: one('message'),
};
const RESHAPE: Fields = { shape: many('int') };
// Cutline writes `dynamic_batching { }`: Triton's defaults (batches as large as are waiting, no delay).
const DYNAMIC_BATCHING: Fields = {};
const INSTANCE_GROUP: Fields = { kind: one('enum'), count: one('int') };
const ENSEMBLING: Fields = { step: many('message') };
const STEP: Fields = {
  model_name: one('string'),
  model_version: one('int'),
  input_map: many('message'),
  output_map: many('message'),
};
const MAP_ENTRY: Fields = { key: one('string'), value: one('string') };

type Decoded = Map<string, { values: TextValue[]; line: number }>;

class Reader {
  constructor(readonly file: string) {}

  fail(line: number, what: string): never {
    throw new CutlineError('BAD_BUNDLE', `${this.file} line ${line}: ${what}; ${TRITON_CONFIG_ADVICE}.`);
  }

  /** The fields of a message checked against `spec`: known names, kinds, no repeats of a single field. */
  decode(fields: readonly TextField[], spec: Fields, where: string): Decoded {
    const out: Decoded = new Map();
    for (const field of fields) {
      const rule = Object.hasOwn(spec, field.name) ? spec[field.name] : undefined;
      if (!rule) this.fail(field.line, `${where} has no field ${quoteName(field.name)} that Cutline writes`);
      const values = field.value.kind === 'list' ? [...field.value.items] : [field.value];
      if (field.value.kind === 'list' && !rule.repeated)
        this.fail(field.line, `${quoteName(field.name)} takes one value, not a list`);
      for (const v of values) {
        const ok =
          (rule.kind === 'string' && v.kind === 'string') ||
          (rule.kind === 'int' && v.kind === 'number') ||
          (rule.kind === 'enum' && v.kind === 'enum') ||
          (rule.kind === 'message' && v.kind === 'message');
        if (!ok)
          this.fail(
            field.line,
            `${quoteName(field.name)} must be ${rule.kind === 'int' ? 'an integer' : `a ${rule.kind}`}`,
          );
      }
      const seen = out.get(field.name);
      if (seen && !rule.repeated) this.fail(field.line, `${quoteName(field.name)} is given twice`);
      if (seen) seen.values.push(...values);
      else out.set(field.name, { values, line: field.line });
    }
    return out;
  }

  str(d: Decoded, name: string, line: number, where: string): string {
    const v = d.get(name)?.values[0];
    if (v?.kind !== 'string' || v.value === '')
      this.fail(d.get(name)?.line ?? line, `${where} needs a non-empty ${name}`);
    return v.value;
  }

  ints(d: Decoded, name: string): number[] {
    return (d.get(name)?.values ?? []).map((v) => (v.kind === 'number' ? v.value : NaN));
  }

  messages(d: Decoded, name: string): { fields: readonly TextField[]; line: number }[] {
    const entry = d.get(name);
    return (entry?.values ?? []).map((v) => ({
      fields: v.kind === 'message' ? v.fields : [],
      line: entry!.line,
    }));
  }

  tensor(fields: readonly TextField[], line: number, where: string): TritonTensor {
    const d = this.decode(fields, TENSOR, where);
    const name = this.str(d, 'name', line, where);
    const type = d.get('data_type')?.values[0];
    if (type?.kind !== 'enum' || !TRITON_DATA_TYPES.has(type.value))
      this.fail(line, `${where} ${quoteName(name)} needs a data_type Triton knows (TYPE_FP32, TYPE_INT64…)`);
    const reshape = this.messages(d, 'reshape')[0];
    return {
      name,
      dataType: type.value,
      dims: this.ints(d, 'dims'),
      reshape: reshape ? this.ints(this.decode(reshape.fields, RESHAPE, 'reshape'), 'shape') : null,
    };
  }

  map(entries: { fields: readonly TextField[]; line: number }[], what: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { fields, line } of entries) {
      const d = this.decode(fields, MAP_ENTRY, what);
      const key = this.str(d, 'key', line, what);
      if (Object.hasOwn(out, key)) this.fail(line, `${what} maps ${quoteName(key)} twice`);
      out[key] = this.str(d, 'value', line, what);
    }
    return out;
  }

  config(text: string): TritonModelConfig {
    const d = this.decode(parseTextFormat(text, this.file), MODEL_CONFIG, 'the model config');
    const mbs = d.get('max_batch_size')?.values[0];
    const ensembling = this.messages(d, 'ensemble_scheduling')[0];
    return {
      name: this.str(d, 'name', 1, 'the model config'),
      platform: this.str(d, 'platform', 1, 'the model config'),
      // Absent, the field is 0 (proto3), as Triton reads it.
      maxBatchSize: mbs?.kind === 'number' ? mbs.value : 0,
      inputs: this.messages(d, 'input').map((m) => this.tensor(m.fields, m.line, 'input')),
      outputs: this.messages(d, 'output').map((m) => this.tensor(m.fields, m.line, 'output')),
      dynamicBatching:
        this.messages(d, 'dynamic_batching').map((m) =>
          this.decode(m.fields, DYNAMIC_BATCHING, 'dynamic_batching'),
        ).length > 0,
      instanceKinds: this.messages(d, 'instance_group').map((m) => {
        const g = this.decode(m.fields, INSTANCE_GROUP, 'instance_group');
        const kind = g.get('kind')?.values[0];
        const name = kind?.kind === 'enum' ? kind.value : 'KIND_AUTO';
        if (!INSTANCE_KINDS.has(name))
          this.fail(m.line, `instance_group kind ${quoteName(name)} is not one Triton knows`);
        const count = this.ints(g, 'count')[0];
        if (count !== undefined && count < 1) this.fail(m.line, 'instance_group count must be at least 1');
        return name;
      }),
      ensembleSteps: ensembling
        ? this.messages(this.decode(ensembling.fields, ENSEMBLING, 'ensemble_scheduling'), 'step').map(
            (m) => {
              const s = this.decode(m.fields, STEP, 'step');
              return {
                modelName: this.str(s, 'model_name', m.line, 'an ensemble step'),
                // -1: the latest version, Triton's default for a step.
                modelVersion: this.ints(s, 'model_version')[0] ?? -1,
                inputMap: this.map(this.messages(s, 'input_map'), 'input_map'),
                outputMap: this.map(this.messages(s, 'output_map'), 'output_map'),
              };
            },
          )
        : null,
    };
  }
}

/** Reads a `config.pbtxt` Cutline wrote and checks it (see `checkTritonConfig`); BAD_BUNDLE names the rule broken. */
export function readTritonConfig(text: string, file: string): TritonModelConfig {
  const config = new Reader(file).config(text);
  checkTritonConfig(config, file);
  return config;
}

function elementCount(shape: readonly number[]): number | null {
  return shape.some((d) => d === -1) ? null : shape.reduce((a, b) => a * b, 1);
}

/**
 * Triton's load-time rules for the fields Cutline writes. Throws BAD_BUNDLE naming `file`, the
 * tensor and the rule.
 */
export function checkTritonConfig(config: TritonModelConfig, file: string): void {
  const fail = (what: string): never => {
    throw new CutlineError('BAD_BUNDLE', `${file}: ${what}; ${TRITON_CONFIG_ADVICE}.`);
  };
  if (!PLATFORMS.has(config.platform))
    fail(`platform ${quoteName(config.platform)} is not one Cutline writes`);
  if (!Number.isInteger(config.maxBatchSize) || config.maxBatchSize < 0)
    fail('max_batch_size must be 0 or more');
  if (config.dynamicBatching && config.maxBatchSize === 0)
    fail('dynamic_batching needs max_batch_size above 0 (Triton batches along the dimension it adds)');
  for (const [list, what] of [
    [config.inputs, 'input'],
    [config.outputs, 'output'],
  ] as const) {
    if (list.length === 0) fail(`the model has no ${what}`);
    const names = new Set<string>();
    for (const t of list) {
      const name = `${what} ${quoteName(t.name)}`;
      if (names.has(t.name)) fail(`${name} is declared twice`);
      names.add(t.name);
      if (!TRITON_DATA_TYPES.has(t.dataType))
        fail(`${name} has data_type ${quoteName(t.dataType)}, not one Triton knows`);
      if (t.dims.some((d) => d !== -1 && !(Number.isSafeInteger(d) && d > 0)))
        fail(`${name} has dims [${t.dims.join(', ')}]: each must be -1 (variable) or a positive size`);
      // Triton needs at least one dim; a scalar is dims [ 1 ] with reshape { shape: [ ] }.
      if (t.dims.length === 0)
        fail(`${name} has empty dims: a scalar is dims [ 1 ] with reshape { shape: [ ] }`);
      if (t.reshape) {
        if (t.reshape.some((d) => d !== -1 && !(Number.isSafeInteger(d) && d > 0)))
          fail(`${name} has reshape [${t.reshape.join(', ')}]: each must be -1 or a positive size`);
        const from = elementCount(t.dims);
        const to = elementCount(t.reshape);
        if (from !== null && to !== null && from !== to)
          fail(`${name} reshapes ${from} elements (dims) into ${to}`);
      }
    }
  }
  const isEnsemble = config.platform === 'ensemble';
  if (isEnsemble !== (config.ensembleSteps !== null))
    fail(isEnsemble ? 'an ensemble needs ensemble_scheduling' : 'only an ensemble has ensemble_scheduling');
  if (config.ensembleSteps) {
    // An ensemble runs no instances of its own and batches through its steps' schedulers.
    if (config.instanceKinds.length > 0) fail('an ensemble takes no instance_group (its steps have theirs)');
    if (config.dynamicBatching) fail('an ensemble takes no dynamic_batching (its steps batch)');
    checkEnsemble(config, config.ensembleSteps, fail);
  }
}

/** Every step reads tensors that exist by then, each tensor is made once, and every output is made. */
function checkEnsemble(
  config: TritonModelConfig,
  steps: readonly TritonEnsembleStep[],
  fail: (what: string) => never,
): void {
  if (steps.length === 0) fail('the ensemble has no step');
  const known = new Set(config.inputs.map((t) => t.name));
  const used = new Set<string>();
  for (const step of steps) {
    const model = quoteName(step.modelName);
    if (step.modelName === config.name) fail(`the ensemble runs itself in a step`);
    if (step.modelVersion !== -1 && step.modelVersion < 1)
      fail(`step ${model} asks for version ${step.modelVersion}: -1 (the latest) or a version from 1`);
    if (Object.keys(step.inputMap).length === 0 || Object.keys(step.outputMap).length === 0)
      fail(`step ${model} needs an input_map and an output_map`);
    for (const tensor of Object.values(step.inputMap)) {
      if (!known.has(tensor))
        fail(`step ${model} reads ${quoteName(tensor)}, which no input or earlier step gives`);
      used.add(tensor);
    }
    for (const tensor of Object.values(step.outputMap)) {
      if (known.has(tensor)) fail(`${quoteName(tensor)} is made twice (step ${model})`);
      known.add(tensor);
    }
  }
  for (const t of config.outputs)
    if (!known.has(t.name)) fail(`output ${quoteName(t.name)} is made by no step`);
  for (const t of config.inputs) if (!used.has(t.name)) fail(`input ${quoteName(t.name)} is read by no step`);
}

/**
 * With the model's own shapes (tensor name → shape, symbolic sizes as strings, unknown null), checks that each
 * tensor's dims say that shape: the model's leading (batch) dimension left out when
 * `max_batch_size` > 0, a symbolic or unknown size as -1, a scalar through its reshape.
 */
export function checkTritonShapes(
  config: TritonModelConfig,
  shapes: ReadonlyMap<string, readonly (number | string | null)[]>,
  file: string,
): void {
  for (const t of [...config.inputs, ...config.outputs]) {
    const shape = shapes.get(t.name);
    const name = quoteName(t.name);
    if (!shape) throw new CutlineError('BAD_BUNDLE', `${file}: the model has no tensor ${name}.`);
    const full = shape.map((d) => (typeof d === 'number' ? d : -1));
    if (config.maxBatchSize > 0 && full[0] !== -1)
      throw new CutlineError(
        'BAD_BUNDLE',
        `${file}: ${name} has no variable leading dimension to batch along.`,
      );
    const expected = config.maxBatchSize > 0 ? full.slice(1) : full;
    const seen = t.reshape ?? t.dims;
    if (seen.join(',') !== expected.join(','))
      throw new CutlineError(
        'BAD_BUNDLE',
        `${file}: ${name} is [${seen.join(', ')}] in the config but [${expected.join(', ')}] in the model.`,
      );
  }
}
