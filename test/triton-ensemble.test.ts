/**
 * Triton ensembles chaining consecutive segments on one server: a hand placement with parallel
 * branches (one through the edge, one straight to the cloud) gives `edge-1`, `cloud-1`, `cloud-2`;
 * the ensemble of `cloud-1` → `cloud-2` is checked against Triton's rules and its steps' configs,
 * and running its steps' model.onnx files in onnxruntime in its step order, through its input and
 * output maps, gives what the whole model gives. A repository serving both server tiers of a
 * resnet-mini split chains `edge-1` → `cloud-2` the same way. Broken ensembles are refused by name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { KSERVE_SERVICE_FILE, kubernetesName } from '../core/bundle/kserve-service.js';
import { TRITON_MAX_BATCH } from '../core/bundle/triton-config.js';
import { checkTritonEnsemble } from '../core/bundle/triton-ensemble-check.js';
import { ensembleRuns, tritonEnsembles, type TritonEnsemble } from '../core/bundle/triton-ensemble.js';
import { readTritonConfig, type TritonModelConfig } from '../core/bundle/triton-schema.js';
import { tritonConfig } from '../core/bundle/triton-config.js';
import { writeBundle } from '../core/bundle/write-bundle.js';
import { maxAbsDifference } from '../core/export/compare.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { expectCode } from './support/expect-code.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOPOLOGY = loadTopology('pi4-wifi-edge-wan-cloud');
const EDGE = TOPOLOGY.tiers.findIndex((t) => t.name === 'edge');
const CLOUD = TOPOLOGY.tiers.findIndex((t) => t.name === 'cloud');
let work: string;

const weight = (name: string, seed: number) =>
  tensorFromFloat32(
    name,
    [4, 4],
    new Float32Array(16).map((_, i) => Math.sin(seed * 7 + i)),
  );

/**
 * x [N, 4]: the edge computes e = x·w1; the cloud a = x·w2 (and a_out = sigmoid(a), an output)
 * and b = tanh(e·w3 + a [+ bias]), an output the device negates into y. Layers are named for the
 * tier they are placed on. With `bias` (a [4] input), `cloud-2` has a tensor without the leading
 * N, so it does not batch while `cloud-1` does.
 */
function branchyModel(bias: boolean): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'branchy',
        nodes: [
          node('MatMul', ['x', 'w1'], ['e'], [], 'edge_mm'),
          node('MatMul', ['x', 'w2'], ['a'], [], 'cloud_a'),
          node('Sigmoid', ['a'], ['a_out'], [], 'cloud_a_out'),
          node('MatMul', ['e', 'w3'], ['m'], [], 'cloud_b_mm'),
          node('Add', ['m', 'a'], [bias ? 's0' : 's'], [], 'cloud_b_add'),
          ...(bias ? [node('Add', ['s0', 'bias'], ['s'], [], 'cloud_b_bias')] : []),
          node('Tanh', ['s'], ['b'], [], 'cloud_b'),
          node('Neg', ['b'], ['y'], [], 'device_y'),
        ],
        initializers: [weight('w1', 1), weight('w2', 2), weight('w3', 3)],
        inputs: [
          valueInfo('x', DataType.FLOAT, ['N', 4]),
          ...(bias ? [valueInfo('bias', DataType.FLOAT, [4])] : []),
        ],
        outputs: ['a_out', 'b', 'y'].map((name) => valueInfo(name, DataType.FLOAT, ['N', 4])),
      }),
    }),
  );
}

/** A bundle of `bytes` with each unit on the tier `tierOf` gives it (by unit index and name). */
async function bundleOf(
  name: string,
  bytes: Uint8Array,
  tierOf: (unit: number, name: string, units: number) => number,
): Promise<{ dir: string; manifest: BundleManifest }> {
  const analysis = analyzeBytes(bytes);
  const built = buildPartitionProblem(analysis, TOPOLOGY);
  const units = built.problem.units;
  const placement = Uint8Array.from(units.map((u, i) => tierOf(i, u.name, units.length)));
  const written = await writeBundle({
    outDir: path.join(work, name),
    analysis,
    modelBytes: bytes,
    modelName: name,
    topology: TOPOLOGY,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'placed by hand'),
    onUnreachable: 'fail',
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
    },
  });
  return { dir: written.dir, manifest: written.manifest };
}

const byPrefix = (_: number, name: string): number =>
  name.startsWith('edge') ? EDGE : name.startsWith('cloud') ? CLOUD : 0;

/** The Triton config of every segment on `tiers`, as the repository holding them has it. */
function repositoryModels(
  manifest: BundleManifest,
  tiers: readonly number[],
): Map<string, TritonModelConfig> {
  return new Map(
    manifest.segments
      .filter((s) => tiers.includes(s.tier))
      .map((s) => [s.id, readTritonConfig(tritonConfig(s.id, s.inputs, s.outputs), s.id)]),
  );
}

/** The segment's sub-model in the bundle: its Triton copy when the cloud has one, else its own file. */
function segmentFile(dir: string, manifest: BundleManifest, id: string): string {
  const triton = path.join(dir, 'cloud', 'triton', id, '1', 'model.onnx');
  if (fs.existsSync(triton)) return triton;
  return path.join(dir, manifest.segments.find((s) => s.id === id)!.file);
}

/**
 * Runs the ensemble as Triton's scheduler would: each step's model in step order, its inputs taken
 * from the ensemble tensors its input_map names and its outputs stored under its output_map's names.
 */
async function runEnsemble(
  config: TritonModelConfig,
  fileOf: (modelName: string) => string,
  inputs: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const tensors = new Map(Object.entries(inputs));
  for (const step of config.ensembleSteps!) {
    const session = await ort.InferenceSession.create(fileOf(step.modelName));
    const feeds = Object.fromEntries(
      Object.entries(step.inputMap).map(([key, tensor]) => [key, tensors.get(tensor)!]),
    );
    const results = await session.run(feeds);
    for (const [key, tensor] of Object.entries(step.outputMap)) tensors.set(tensor, results[key]!);
    await session.release();
  }
  return Object.fromEntries(config.outputs.map((t) => [t.name, tensors.get(t.name)!]));
}

/** Runs a whole model (bytes) on `feeds`. */
async function runWhole(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const results = await session.run(feeds);
  await session.release();
  return results;
}

const floats = (dims: number[], seed: number): ort.Tensor =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(seed + i * 0.37)),
    dims,
  );

interface Case {
  bytes: Uint8Array;
  dir: string;
  manifest: BundleManifest;
  ensemble: TritonEnsemble;
  config: TritonModelConfig;
}
const cases = new Map<string, Case>();

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-ensemble-'));
  for (const [name, bias] of [
    ['branchy', false],
    ['branchy-bias', true],
  ] as const) {
    const bytes = branchyModel(bias);
    const { dir, manifest } = await bundleOf(name, bytes, byPrefix);
    const { ensembles } = tritonEnsembles(manifest);
    const ensemble = ensembles[0]!;
    cases.set(name, {
      bytes,
      dir,
      manifest,
      ensemble,
      config: readTritonConfig(ensemble.config, `${ensemble.name}/config.pbtxt`),
    });
  }
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('an ensemble of consecutive cloud segments', () => {
  it('chains cloud-1 → cloud-2 of a placement with a branch through the edge and one straight to the cloud', () => {
    const { manifest, ensemble, config } = cases.get('branchy')!;
    expect(manifest.segments.map((s) => s.id)).toEqual(['edge-1', 'cloud-1', 'cloud-2', 'device-3']);
    expect(ensemble).toMatchObject({
      name: 'branchy-cloud-1-to-cloud-2',
      steps: ['cloud-1', 'cloud-2'],
      // `a` passes from cloud-1 to cloud-2 inside Triton; a_out and b leave the chain.
      inputs: ['x', 'e'],
      outputs: ['a_out', 'b'],
    });
    expect(config.platform).toBe('ensemble');
    // Every step batches on N, so the ensemble does too, N left out of its dims.
    expect(config.maxBatchSize).toBe(TRITON_MAX_BATCH);
    expect(config.inputs.map((t) => [t.name, t.dataType, t.dims])).toEqual([
      ['x', 'TYPE_FP32', [4]],
      ['e', 'TYPE_FP32', [4]],
    ]);
    expect(config.ensembleSteps).toEqual([
      {
        modelName: 'cloud-1',
        modelVersion: -1,
        inputMap: { x: 'x' },
        outputMap: { a: 'a', a_out: 'a_out' },
      },
      { modelName: 'cloud-2', modelVersion: -1, inputMap: { e: 'e', a: 'a' }, outputMap: { b: 'b' } },
    ]);
    // Valid against the configs of the steps as the repository holds them.
    const models = repositoryModels(manifest, [CLOUD]);
    expect(() => checkTritonEnsemble(config, models, 'c')).not.toThrow();
  });

  it('a batching step next to one that does not: whole shapes, the batching step’s with -1 in front', () => {
    const { ensemble, config } = cases.get('branchy-bias')!;
    expect(ensemble.inputs).toEqual(['x', 'e', 'bias']);
    expect(config.maxBatchSize).toBe(0);
    expect(config.inputs.map((t) => t.dims)).toEqual([[-1, 4], [-1, 4], [4]]);
  });

  it.each(['branchy', 'branchy-bias'])(
    '%s: its steps run in onnxruntime through its maps give the whole model’s outputs',
    async (name) => {
      const { bytes, dir, manifest, config } = cases.get(name)!;
      const x = floats([3, 4], 1);
      const extra = name === 'branchy-bias' ? { bias: floats([4], 2) } : {};
      const whole = await runWhole(bytes, { x, ...extra });
      // What enters the chain: x, the bias, and e from the edge's own sub-model.
      const edge = await runWhole(new Uint8Array(fs.readFileSync(segmentFile(dir, manifest, 'edge-1'))), {
        x,
      });
      const out = await runEnsemble(config, (id) => segmentFile(dir, manifest, id), {
        x,
        e: edge.e!,
        ...extra,
      });
      expect(Object.keys(out)).toEqual(['a_out', 'b']);
      for (const tensor of ['a_out', 'b']) {
        expect(out[tensor]!.dims).toEqual([3, 4]);
        expect(maxAbsDifference(whole[tensor]!, out[tensor]!), tensor).toBeLessThanOrEqual(1e-6);
      }
    },
  );
});

describe('the bundle', () => {
  it('writes the ensemble into the cloud repository with a version folder, and says so', () => {
    const { dir, ensemble } = cases.get('branchy')!;
    const folder = path.join(dir, 'cloud', 'triton', ensemble.name);
    expect(fs.readFileSync(path.join(folder, 'config.pbtxt'), 'utf8')).toBe(ensemble.config);
    // Only a note, so that the folder survives the .zip and object storage.
    expect(fs.readdirSync(path.join(folder, '1'))).toEqual(['README.txt']);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(
      '- `branchy-cloud-1-to-cloud-2` runs `cloud-1` → `cloud-2`: send it `x`, `e`; it answers\n  `a_out`, `b`',
    );
  });

  it('writes a KServe InferenceService for the repository, and no ensemble where none applies', async () => {
    const { dir } = cases.get('branchy')!;
    expect(fs.readFileSync(path.join(dir, KSERVE_SERVICE_FILE), 'utf8')).toContain(
      [
        'apiVersion: serving.kserve.io/v1beta1',
        'kind: InferenceService',
        'metadata:',
        '  name: branchy-cloud',
        'spec:',
        '  predictor:',
        '    model:',
        '      modelFormat:',
        '        name: triton',
        '      protocolVersion: v2',
        '      runtime: kserve-tritonserver',
        '      storageUri: "s3://<bucket>/<path>/triton"',
      ].join('\n'),
    );
    const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'samples', 'resnet-mini.onnx')));
    const half = await bundleOf('resnet-half', bytes, (i, _, n) => (i < n / 2 ? 0 : CLOUD));
    const folders = fs.readdirSync(path.join(half.dir, 'cloud', 'triton'));
    expect(folders).toEqual(['cloud-1']);
    const readme = fs.readFileSync(path.join(half.dir, 'README.md'), 'utf8');
    expect(readme).not.toContain('ensemble');
    expect(readme).toContain(`KServe: \`${KSERVE_SERVICE_FILE}\``);
    // A design all on the device has no repository, and nothing is said of one.
    const local = await bundleOf('resnet-local', bytes, () => 0);
    expect(fs.existsSync(path.join(local.dir, KSERVE_SERVICE_FILE))).toBe(false);
    expect(fs.readFileSync(path.join(local.dir, 'README.md'), 'utf8')).not.toContain('KServe:');
  });

  it('names the InferenceService as Kubernetes allows', () => {
    expect(kubernetesName('My_Model.v2-cloud')).toBe('my-model-v2-cloud');
    expect(kubernetesName('9lives-cloud')).toBe('lives-cloud');
    expect(kubernetesName(`${'x'.repeat(70)}-cloud`)).toBe('x'.repeat(63));
    expect(kubernetesName('___')).toBe('cutline');
  });
});

describe('a repository serving both server tiers', () => {
  it('chains edge-1 → cloud-2 of a resnet-mini split in thirds, and runs as the whole model', async () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'samples', 'resnet-mini.onnx')));
    const { dir, manifest } = await bundleOf('resnet-thirds', bytes, (i, _, n) =>
      i < n / 3 ? 0 : i < (2 * n) / 3 ? EDGE : CLOUD,
    );
    expect(manifest.segments.map((s) => s.id)).toEqual(['device-0', 'edge-1', 'cloud-2']);
    // The cloud's own repository has one segment: nothing to chain.
    expect(tritonEnsembles(manifest).ensembles).toEqual([]);
    const { ensembles, skipped } = tritonEnsembles(manifest, [EDGE, CLOUD]);
    expect(skipped).toEqual([]);
    expect(ensembles.map((e) => [e.name, e.steps])).toEqual([
      ['resnet-thirds-edge-1-to-cloud-2', ['edge-1', 'cloud-2']],
    ]);
    const file = `${ensembles[0]!.name}/config.pbtxt`;
    const config = readTritonConfig(ensembles[0]!.config, file);
    checkTritonEnsemble(config, repositoryModels(manifest, [EDGE, CLOUD]), file);

    const input = floats([1, 3, 64, 64], 3);
    const whole = await runWhole(bytes, { input });
    const device = await runWhole(new Uint8Array(fs.readFileSync(segmentFile(dir, manifest, 'device-0'))), {
      input,
    });
    const feeds = Object.fromEntries(ensembles[0]!.inputs.map((n) => [n, device[n] ?? input]));
    const out = await runEnsemble(config, (id) => segmentFile(dir, manifest, id), feeds);
    for (const name of manifest.model.outputs.map((t) => t.name))
      expect(maxAbsDifference(whole[name]!, out[name]!), name).toBeLessThanOrEqual(1e-5);
  });
});

describe('ensembles Triton would refuse', () => {
  const broken = (change: (text: string) => string) => {
    const { ensemble, manifest } = cases.get('branchy')!;
    const text = change(ensemble.config);
    expect(text).not.toBe(ensemble.config);
    return () =>
      checkTritonEnsemble(
        readTritonConfig(text, 'e/config.pbtxt'),
        repositoryModels(manifest, [CLOUD]),
        'e/config.pbtxt',
      );
  };

  it.each([
    [
      "a step's model missing from the repository",
      (t: string) => t.replace('model_name: "cloud-2"', 'model_name: "cloud-9"'),
      'step "cloud-9" names no model of the repository',
    ],
    [
      "a step's input left unmapped",
      (t: string) => t.replace('      input_map { key: "a" value: "a" }\n', ''),
      'input "a" of step "cloud-2" is mapped to no ensemble tensor',
    ],
    [
      'a type that differs from the step’s',
      (t: string) => t.replace(/(name: "x"\n\s+data_type: )TYPE_FP32/, '$1TYPE_INT64'),
      'ensemble tensor "x" is TYPE_INT64 in the ensemble but TYPE_FP32 in step "cloud-1"',
    ],
    [
      'dims that differ from the step’s',
      (t: string) => t.replace(/(name: "b"\n\s+data_type: TYPE_FP32\n\s+dims: )\[ 4 \]/, '$1[ 5 ]'),
      'ensemble tensor "b" is [-1, 5] in the ensemble but [-1, 4] in step "cloud-2"',
    ],
    [
      'a step mapping a tensor its model does not have',
      (t: string) => t.replace('output_map { key: "b" value: "b" }', 'output_map { key: "q" value: "b" }'),
      'step "cloud-2" maps "q", which is no output of "cloud-2"',
    ],
    [
      'a larger batch than a step takes',
      (t: string) => t.replace(`max_batch_size: ${TRITON_MAX_BATCH}`, 'max_batch_size: 64'),
      `max_batch_size 64 is above ${TRITON_MAX_BATCH}, the most step "cloud-1" takes`,
    ],
  ])('%s', (_, change, reason) => {
    const error = expectCode(broken(change), 'BAD_BUNDLE');
    expect(error.message).toContain(`e/config.pbtxt: ${reason}`);
    expect(error.message).not.toContain('\n');
  });

  it('an instance group or a dynamic batcher on the ensemble itself', () => {
    const { ensemble } = cases.get('branchy')!;
    for (const [extra, reason] of [
      ['instance_group [ { kind: KIND_CPU } ]', /no instance_group/],
      ['dynamic_batching { }', /no dynamic_batching/],
    ] as const) {
      const error = expectCode(() => readTritonConfig(`${ensemble.config}${extra}\n`, 'e'), 'BAD_BUNDLE');
      expect(error.message).toMatch(reason);
    }
  });
});

describe('ensembleRuns', () => {
  it('takes runs of two or more consecutive segments in the repository, broken by any other', () => {
    const seg = (id: string, tier: number) =>
      ({
        id,
        tier,
        file: '',
        sha256: '',
        inputs: [],
        outputs: [],
        layers: 1,
      }) as unknown as BundleManifest['segments'][number];
    const segments = [
      seg('edge-1', 1),
      seg('cloud-1', 2),
      seg('cloud-2', 2),
      seg('device-3', 0),
      seg('cloud-4', 2),
    ];
    const ids = (tiers: number[]) =>
      ensembleRuns(segments, (s) => tiers.includes(s.tier)).map((run) => run.map((s) => s.id));
    expect(ids([2])).toEqual([['cloud-1', 'cloud-2']]);
    expect(ids([1, 2])).toEqual([['edge-1', 'cloud-1', 'cloud-2']]);
    expect(ids([0])).toEqual([]);
  });
});
