/**
 * Triton loads what Cutline writes: every `config.pbtxt` of bundles of the samples (split in
 * half, and whole in the cloud) and of generated models with a scalar input and output and with a
 * symbolic batch dimension is read back and checked against Triton's rules (triton-schema.ts) and
 * against the shapes of the `model.onnx` beside it; configs that break a rule are refused by name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { writeBundle } from '../core/bundle/write-bundle.js';
import { tritonConfig, TRITON_MAX_BATCH } from '../core/bundle/triton-config.js';
import { checkTritonShapes, readTritonConfig, type TritonModelConfig } from '../core/bundle/triton-schema.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { expectCode } from './support/expect-code.js';
import { scalarModel } from './support/scalar-model.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOPOLOGY = loadTopology('pi4-wifi-edge-wan-cloud');
const CLOUD = TOPOLOGY.tiers.findIndex((t) => t.name === 'cloud');
let work: string;

/** x [N, 4]: Relu on the device, MatMul by a 4×3 weight and Sigmoid in the cloud, y [N, 3]. */
function batchModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'batched',
        nodes: [
          node('Relu', ['x'], ['r'], [], 'relu'),
          node('MatMul', ['r', 'w'], ['m'], [], 'matmul'),
          node('Sigmoid', ['m'], ['y'], [], 'sigmoid'),
        ],
        initializers: [
          tensorFromFloat32(
            'w',
            [4, 3],
            new Float32Array(12).map((_, i) => i / 12),
          ),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, ['N', 4])],
        outputs: [valueInfo('y', DataType.FLOAT, ['N', 3])],
      }),
    }),
  );
}

/** Writes a bundle of `bytes` with units before `split` on the device and the rest in the cloud. */
async function bundleOf(name: string, bytes: Uint8Array, split: (units: number) => number): Promise<string> {
  const analysis = analyzeBytes(bytes);
  const built = buildPartitionProblem(analysis, TOPOLOGY);
  const cut = split(built.problem.units.length);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < cut ? 0 : CLOUD)));
  const outDir = path.join(work, name);
  await writeBundle({
    outDir,
    analysis,
    modelBytes: bytes,
    modelName: name,
    topology: TOPOLOGY,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, `device ${cut} units, cloud the rest`),
    onUnreachable: 'fail',
    // Only the Triton repository is looked at here; the tier runtime is another test's.
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
    },
  });
  return outDir;
}

/** Every Triton entry of a bundle, read, checked and compared with its model.onnx. */
function tritonEntries(bundle: string): { id: string; config: TritonModelConfig; text: string }[] {
  const root = path.join(bundle, 'cloud', 'triton');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).map((id) => {
    const file = path.join(root, id, 'config.pbtxt');
    const text = fs.readFileSync(file, 'utf8');
    const config = readTritonConfig(text, file);
    const summary = analyzeFile(path.join(root, id, '1', 'model.onnx')).summary;
    const tensors = [...summary.inputs, ...summary.outputs];
    checkTritonShapes(config, new Map(tensors.map((t) => [t.name, t.shape ?? []])), file);
    // The config names exactly the model's inputs and outputs, in the model's order.
    expect(config.inputs.map((t) => t.name)).toEqual(summary.inputs.map((t) => t.name));
    expect(config.outputs.map((t) => t.name)).toEqual(summary.outputs.map((t) => t.name));
    return { id, config, text };
  });
}

const SAMPLES = ['resnet-mini', 'transformer-encoder', 'kv-decoder-mini', 'edge-prune-vehicle'];
const bundles = new Map<string, string>();

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-triton-'));
  for (const sample of SAMPLES) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'samples', `${sample}.onnx`)));
    bundles.set(`${sample}-half`, await bundleOf(`${sample}-half`, bytes, (n) => Math.floor(n / 2)));
    bundles.set(`${sample}-cloud`, await bundleOf(`${sample}-cloud`, bytes, () => 0));
  }
  bundles.set('scalar', await bundleOf('scalar', scalarModel(), () => 1));
  bundles.set('batched', await bundleOf('batched', batchModel(), () => 1));
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('Triton configs of exported bundles', () => {
  it('every sample bundle has a Triton entry per cloud segment, each valid for its model.onnx', () => {
    for (const sample of SAMPLES) {
      for (const how of ['half', 'cloud']) {
        const entries = tritonEntries(bundles.get(`${sample}-${how}`)!);
        expect(entries.length, `${sample}-${how}`).toBeGreaterThan(0);
        for (const { config } of entries) expect(config.platform).toBe('onnxruntime_onnx');
      }
    }
  });

  it('a scalar input and a scalar output are dims [ 1 ] reshaped to [ ]', () => {
    const [entry] = tritonEntries(bundles.get('scalar')!);
    const scale = entry!.config.inputs.find((t) => t.name === 'scale');
    expect(scale).toEqual({ name: 'scale', dataType: 'TYPE_FP32', dims: [1], reshape: [] });
    expect(entry!.config.outputs).toEqual([{ name: 'total', dataType: 'TYPE_FP32', dims: [1], reshape: [] }]);
    expect(entry!.config.maxBatchSize).toBe(0);
    expect(entry!.text).toContain('dims: [ 1 ]\n    reshape: { shape: [ ] }');
  });

  it('a segment whose inputs and outputs all lead with N batches, N left out of dims', () => {
    const [entry] = tritonEntries(bundles.get('batched')!);
    expect(entry!.config.maxBatchSize).toBe(TRITON_MAX_BATCH);
    expect(entry!.config.dynamicBatching).toBe(true);
    expect(entry!.config.inputs).toEqual([{ name: 'r', dataType: 'TYPE_FP32', dims: [4], reshape: null }]);
    expect(entry!.config.outputs).toEqual([{ name: 'y', dataType: 'TYPE_FP32', dims: [3], reshape: null }]);
    // The bundle's README says so, and only where it is so.
    const readme = (name: string): string =>
      fs.readFileSync(path.join(bundles.get(name)!, 'README.md'), 'utf8');
    expect(readme('batched')).toContain(
      `\`cloud-1\` leads every input and output with the same symbolic\ndimension, so its Triton entry batches on it (\`max_batch_size: ${TRITON_MAX_BATCH}\``,
    );
    expect(readme('scalar')).not.toContain('max_batch_size');
  });
});

describe('tritonConfig', () => {
  it('batches only when every tensor leads with the same symbol; other symbols are -1', () => {
    const file = 'seg/config.pbtxt';
    const mixed = readTritonConfig(
      tritonConfig(
        'seg',
        [{ name: 'a', dtype: 'float32', shape: ['batch', 'seq', 8] }],
        [{ name: 'b', dtype: 'int64', shape: ['N', 8] }],
      ),
      file,
    );
    expect(mixed.maxBatchSize).toBe(0);
    expect(mixed.dynamicBatching).toBe(false);
    expect(mixed.inputs[0]!.dims).toEqual([-1, -1, 8]);
    const batched = readTritonConfig(
      tritonConfig(
        'seg',
        [{ name: 'a', dtype: 'float32', shape: ['batch', 'seq', 8] }],
        [{ name: 'b', dtype: 'int64', shape: ['batch'] }],
      ),
      file,
    );
    expect(batched.maxBatchSize).toBe(TRITON_MAX_BATCH);
    expect(batched.inputs[0]!.dims).toEqual([-1, 8]);
    // A batch of scalars: Triton's own dims [ 1 ] reshaped to [ ].
    expect(batched.outputs[0]).toEqual({ name: 'b', dataType: 'TYPE_INT64', dims: [1], reshape: [] });
  });

  it('escapes quotes, backslashes and line breaks in names, and reads them back', () => {
    const name = 'in "x"\\\nend';
    const config = readTritonConfig(
      tritonConfig(
        'seg',
        [{ name, dtype: 'float32', shape: [2] }],
        [{ name: 'o', dtype: 'float32', shape: [2] }],
      ),
      'c',
    );
    expect(config.inputs[0]!.name).toBe(name);
  });

  it('refuses a zero-sized dimension, an unknown rank and an element type Triton lacks', () => {
    const out = [{ name: 'o', dtype: 'float32', shape: [2] }];
    const zero = expectCode(
      () => tritonConfig('s', [{ name: 'i', dtype: 'float32', shape: [0, 2] }], out),
      'EXPORT_FAILED',
    );
    expect(zero.message).toBe(
      'Triton would refuse this config (s/config.pbtxt: input "i" has dims [0, 2]: each must be -1 (variable) or a positive size).',
    );
    expectCode(() => tritonConfig('s', [{ name: 'i', dtype: 'float32', shape: null }], out), 'EXPORT_FAILED');
    expectCode(
      () => tritonConfig('s', [{ name: 'i', dtype: 'complex64', shape: [2] }], out),
      'EXPORT_FAILED',
    );
  });
});

describe('readTritonConfig refuses what Triton refuses', () => {
  const good = (input: string, extra = '', mbs = 0): string =>
    `name: "m"\nplatform: "onnxruntime_onnx"\nmax_batch_size: ${mbs}\ninput [ { ${input} } ]\n` +
    `output [ { name: "o" data_type: TYPE_FP32 dims: [ 2 ] } ]\n${extra}`;

  it('reads a config in the format Triton documents, comments included', () => {
    const config = readTritonConfig(
      `# a comment\n${good('name: "i" data_type: TYPE_INT64 dims: [ -1, 3 ]')}instance_group [ { kind: KIND_CPU count: 2 } ]\n`,
      'c',
    );
    expect(config.inputs).toEqual([{ name: 'i', dataType: 'TYPE_INT64', dims: [-1, 3], reshape: null }]);
    expect(config.instanceKinds).toEqual(['KIND_CPU']);
  });

  it.each([
    ['an unknown data type', good('name: "i" data_type: TYPE_FP33 dims: [ 2 ]'), /data_type/],
    ['a zero dim', good('name: "i" data_type: TYPE_FP32 dims: [ 0 ]'), /-1 \(variable\) or a positive/],
    ['empty dims without a reshape', good('name: "i" data_type: TYPE_FP32 dims: [ ]'), /empty dims/],
    [
      'a reshape of another size',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ] reshape: { shape: [ 3 ] }'),
      /reshapes 2/,
    ],
    [
      'a name twice',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ] }, { name: "i" data_type: TYPE_FP32 dims: [ 2 ]'),
      /twice/,
    ],
    [
      'dynamic batching with max_batch_size 0',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ]', 'dynamic_batching { }'),
      /max_batch_size above 0/,
    ],
    [
      'a field Cutline does not write',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ] format: FORMAT_NCHW'),
      /no field/,
    ],
    [
      'an unclosed message',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ]').replace(/\}(?= \]\noutput)/, ''),
      /missing at the end|expected/,
    ],
    [
      'an unknown instance kind',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ]', 'instance_group [ { kind: KIND_TPU } ]'),
      /KIND_TPU/,
    ],
    [
      'another platform',
      good('name: "i" data_type: TYPE_FP32 dims: [ 2 ]').replace('onnxruntime_onnx', 'tensorrt'),
      /platform/,
    ],
  ])('%s', (_, text, message) => {
    const error = expectCode(() => readTritonConfig(text, 'm/config.pbtxt'), 'BAD_BUNDLE');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('m/config.pbtxt');
  });

  it('with max_batch_size > 0 the batch dimension must be left out of dims', () => {
    const config = readTritonConfig(good('name: "i" data_type: TYPE_FP32 dims: [ -1, 4 ]', '', 4), 'c');
    const shapes = new Map<string, (number | string)[]>([
      ['i', ['N', 4]],
      ['o', ['N', 2]],
    ]);
    const error = expectCode(() => checkTritonShapes(config, shapes, 'c'), 'BAD_BUNDLE');
    expect(error.message).toMatch(/\[-1, 4\] in the config but \[4\] in the model/);
    const fixed = new Map<string, (number | string)[]>([
      ['i', [1, 4]],
      ['o', [1, 2]],
    ]);
    expect(expectCode(() => checkTritonShapes(config, fixed, 'c'), 'BAD_BUNDLE').message).toMatch(
      /no variable leading dimension/,
    );
  });
});

describe('an ensemble config', () => {
  const ensemble = (stepTwoInput: string): string =>
    [
      'name: "chain"',
      'platform: "ensemble"',
      'max_batch_size: 0',
      'input [ { name: "x" data_type: TYPE_FP32 dims: [ 2 ] } ]',
      'output [ { name: "y" data_type: TYPE_FP32 dims: [ 2 ] } ]',
      'ensemble_scheduling {',
      '  step [',
      '    { model_name: "cloud-1" model_version: -1',
      '      input_map { key: "a" value: "x" } output_map { key: "b" value: "mid" } },',
      '    { model_name: "cloud-2" model_version: -1',
      `      input_map { key: "b" value: "${stepTwoInput}" } output_map { key: "c" value: "y" } }`,
      '  ]',
      '}',
      '',
    ].join('\n');

  it('reads steps that map the ensemble input through to its output', () => {
    const config = readTritonConfig(ensemble('mid'), 'chain/config.pbtxt');
    expect(config.ensembleSteps).toEqual([
      { modelName: 'cloud-1', modelVersion: -1, inputMap: { a: 'x' }, outputMap: { b: 'mid' } },
      { modelName: 'cloud-2', modelVersion: -1, inputMap: { b: 'mid' }, outputMap: { c: 'y' } },
    ]);
  });

  it('refuses a step reading a tensor nothing gives, and steps on a model that is no ensemble', () => {
    const missing = expectCode(() => readTritonConfig(ensemble('nowhere'), 'c'), 'BAD_BUNDLE');
    expect(missing.message).toMatch(/reads "nowhere", which no input or earlier step gives/);
    const notEnsemble = ensemble('mid').replace('"ensemble"', '"onnxruntime_onnx"');
    expect(expectCode(() => readTritonConfig(notEnsemble, 'c'), 'BAD_BUNDLE').message).toMatch(
      /only an ensemble/,
    );
  });
});
