/**
 * The sample models: generated deterministically (and committed as generated), valid for
 * onnxruntime-node, and holding the parameter and MAC counts worked out by hand in their TSDoc.
 * MACs are checked with the shapes onnxruntime computes for every Conv/Gemm/MatMul.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModelProto, encodeModelProto, type ModelProto, type TensorProto } from '../core/onnx/codec.js';
import { valueInfo } from '../core/onnx/builder.js';
import { DataType } from '../core/onnx/dtype.js';
import { attributeInt } from '../core/onnx/attributes.js';
import { analyzeFile } from '../core/analyze.js';
import { generateSamples, SAMPLE_MODELS, SAMPLES_DIR, type DimBindings } from '../samples/generate.js';
import { ocrDetMini } from '../samples/models/ocr-det-mini.js';
import { transformerEncoder } from '../samples/models/transformer-encoder.js';

ort.env.logLevel = 'fatal';

/** Sizes bound to symbolic dims when running, and the outputs each sample must give. */
const RUNS: Record<string, { dims: DimBindings; outputs: Record<string, number[]>; softmax: string[] }> = {
  'edge-prune-vehicle': { dims: {}, outputs: { probabilities: [1, 4] }, softmax: ['probabilities'] },
  'resnet-mini': { dims: {}, outputs: { logits: [1, 10] }, softmax: [] },
  'mobilenetv2-mini': { dims: {}, outputs: { probabilities: [1, 10] }, softmax: ['probabilities'] },
  'transformer-encoder': {
    dims: { batch: 2, sequence: 16 },
    outputs: { last_hidden_state: [2, 16, 64] },
    softmax: [],
  },
  'ocr-det-mini': { dims: { H: 64, W: 96 }, outputs: { 'sigmoid_0.tmp_0': [1, 1, 64, 96] }, softmax: [] },
  'kv-decoder-mini': {
    dims: { batch: 2, sequence_length: 3, past_sequence_length: 5 },
    outputs: {
      logits: [2, 3, 1000],
      ...Object.fromEntries(
        ['present.0.key', 'present.0.value', 'present.1.key', 'present.1.value'].map((n) => [
          n,
          [2, 4, 8, 16],
        ]),
      ),
    },
    softmax: [],
  },
};

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-samples-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function committed(name: string): Uint8Array {
  return fs.readFileSync(path.join(SAMPLES_DIR, `${name}.onnx`));
}

/** Deterministic feeds: floats in [-0.5, 0.5), token ids spread over the vocabulary. */
function feedsFor(proto: ModelProto, dims: DimBindings): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of proto.graph?.input ?? []) {
    const tensorType = input.type?.tensorType;
    const shape = (tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam ? (dims[d.dimParam] ?? 1) : Number(d.dimValue),
    );
    const count = shape.reduce((n, d) => n * d, 1);
    feeds[input.name ?? ''] =
      tensorType?.elemType === DataType.INT64
        ? new ort.Tensor(
            'int64',
            BigInt64Array.from({ length: count }, (_, i) => BigInt((i * 7 + 3) % 1000)),
            shape,
          )
        : new ort.Tensor(
            'float32',
            Float32Array.from({ length: count }, (_, i) => ((i * 37) % 101) / 101 - 0.5),
            shape,
          );
  }
  return feeds;
}

/** Elements of float tensors of rank ≥ 1 in initializers and Constant nodes: the params rule. */
function countParams(proto: ModelProto): number {
  const tensors: TensorProto[] = [...(proto.graph?.initializer ?? [])];
  for (const n of proto.graph?.node ?? []) {
    if (n.opType === 'Constant')
      for (const a of n.attribute ?? []) if (a.name === 'value' && a.t) tensors.push(a.t);
  }
  return tensors
    .filter((t) => t.dataType === DataType.FLOAT && (t.dims?.length ?? 0) > 0)
    .reduce((sum, t) => sum + (t.dims ?? []).reduce((n: number, d) => n * Number(d), 1), 0);
}

/** Runs `proto` with the named intermediate tensors added as outputs; returns their shapes. */
async function runtimeShapes(
  proto: ModelProto,
  names: readonly string[],
  dims: DimBindings,
): Promise<Map<string, readonly number[]>> {
  const probe = decodeModelProto(encodeModelProto(proto));
  const graphOutputs = new Set((probe.graph?.output ?? []).map((o) => o.name));
  for (const name of names)
    if (!graphOutputs.has(name)) probe.graph?.output?.push(valueInfo(name, DataType.FLOAT));
  const session = await ort.InferenceSession.create(encodeModelProto(probe));
  const results = await session.run(feedsFor(probe, dims));
  await session.release();
  return new Map(Object.entries(results).map(([name, tensor]) => [name, tensor.dims]));
}

/** MACs by the cost model's rules, from runtime shapes: out_elems × K. */
async function measuredMacs(proto: ModelProto, dims: DimBindings): Promise<number> {
  const nodes = (proto.graph?.node ?? []).filter((n) => ['Conv', 'Gemm', 'MatMul'].includes(n.opType ?? ''));
  const weights = new Map(
    (proto.graph?.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]),
  );
  const probed = nodes
    .flatMap((n) => [n.output?.[0] ?? '', n.input?.[0] ?? ''])
    .filter((name) => !weights.has(name));
  const shapes = await runtimeShapes(proto, probed, dims);
  const elements = (shape: readonly number[] | undefined): number => (shape ?? []).reduce((a, d) => a * d, 1);
  let macs = 0;
  for (const n of nodes) {
    const out = elements(shapes.get(n.output?.[0] ?? ''));
    const a = shapes.get(n.input?.[0] ?? '') ?? [];
    const w = weights.get(n.input?.[1] ?? '');
    if (n.opType === 'Conv') macs += out * elements((w ?? []).slice(1));
    else if (n.opType === 'Gemm') {
      const transA = attributeInt(n.attribute?.find((x) => x.name === 'transA')) ?? 0;
      macs += out * (a[transA ? 0 : 1] ?? 0);
    } else macs += out * (a[a.length - 1] ?? 0);
  }
  return macs;
}

describe('sample generation', () => {
  it('writes the same bytes every run, and the committed samples are those bytes', async () => {
    const [first, second] = [tempDir(), tempDir()];
    const written = await generateSamples(first);
    await generateSamples(second);
    expect(written.map((s) => s.name)).toEqual(SAMPLE_MODELS.map((s) => s.name));
    for (const sample of written) {
      const a = fs.readFileSync(sample.path);
      const b = fs.readFileSync(path.join(second, `${sample.name}.onnx`));
      expect(a.equals(b), sample.name).toBe(true);
      expect(
        a.equals(committed(sample.name)),
        `${sample.name} differs from samples/: run npm run samples`,
      ).toBe(true);
      expect(sample.bytes).toBe(a.length);
      expect(sample.bytes).toBeLessThan(3 * 1024 * 1024);
    }
  });
});

describe.each(SAMPLE_MODELS.map((s) => [s.name, s] as const))('%s', (name, sample) => {
  const proto = decodeModelProto(committed(name));
  const run = RUNS[name] ?? { dims: {}, outputs: {}, softmax: [] };

  it('declares opset 17, IR version 8 and the samples producer', () => {
    expect(proto.irVersion).toBe(8);
    expect(proto.opsetImport.map((o) => [o.domain ?? '', o.version])).toEqual([['', 17]]);
    expect(proto.producerName).toBe('cutline-samples');
  });

  it('holds the hand-counted parameters', () => {
    expect(countParams(proto)).toBe(sample.params);
  });

  it('holds the hand-counted MACs, by the shapes onnxruntime computes', async () => {
    expect(await measuredMacs(proto, run.dims)).toBe(sample.macs(run.dims));
  });

  it('runs in onnxruntime-node with outputs of the expected shapes and finite values', async () => {
    const session = await ort.InferenceSession.create(path.join(SAMPLES_DIR, `${name}.onnx`));
    const results = await session.run(feedsFor(proto, run.dims));
    await session.release();
    expect(Object.keys(results).sort()).toEqual(Object.keys(run.outputs).sort());
    for (const [output, dims] of Object.entries(run.outputs)) {
      expect(results[output]?.dims).toEqual(dims);
      const values = results[output]?.data as Float32Array;
      expect(values.every(Number.isFinite)).toBe(true);
      // Untrained but sane weights: outputs neither collapse to one value nor blow up.
      expect(new Set(values).size).toBeGreaterThan(1);
      expect(Math.max(...values.map(Math.abs))).toBeLessThan(1e3);
    }
    for (const output of run.softmax) {
      const values = results[output]?.data as Float32Array;
      expect(values.every((p) => p > 0 && p < 1)).toBe(true);
      expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });
});

describe('sample specifics', () => {
  const load = (name: string): ModelProto => decodeModelProto(committed(name));
  const opTypes = (proto: ModelProto): string[] => (proto.graph?.node ?? []).map((n) => n.opType ?? '');

  it('edge-prune-vehicle sends the paper’s token sizes: 294,912 B after L1, 73,728 B after L2', async () => {
    const proto = load('edge-prune-vehicle');
    const tokens = ['/L1/relu/Relu_output_0', '/L2/relu/Relu_output_0'];
    const shapes = await runtimeShapes(proto, tokens, {});
    const bytes = tokens.map((t) => (shapes.get(t) ?? []).reduce((n, d) => n * d, 4));
    expect(bytes).toEqual([294_912, 73_728]);
    expect(proto.graph?.node?.find((n) => n.name === '/L1/conv/Conv')?.opType).toBe('Conv');
  });

  it('resnet-mini keeps un-fused BatchNormalization and residual Adds', () => {
    const ops = opTypes(load('resnet-mini'));
    expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(9);
    expect(ops.filter((op) => op === 'Add')).toHaveLength(3);
  });

  it('mobilenetv2-mini has depthwise convs and Clip with bound inputs', () => {
    const proto = load('mobilenetv2-mini');
    const depthwise = proto.graph?.node?.filter(
      (n) => (attributeInt(n.attribute?.find((a) => a.name === 'group')) ?? 1) > 1,
    );
    expect(depthwise?.map((n) => attributeInt(n.attribute?.find((a) => a.name === 'group')))).toEqual([
      64, 96, 96, 128,
    ]);
    const clips = proto.graph?.node?.filter((n) => n.opType === 'Clip') ?? [];
    expect(clips.length).toBe(10);
    expect(clips.every((n) => n.input?.length === 3)).toBe(true);
    expect(opTypes(proto).filter((op) => op === 'Add')).toHaveLength(2);
  });

  it('transformer-encoder has a symbolic batch, both layer-norm forms and a weight in a Constant', () => {
    const proto = load('transformer-encoder');
    const dims = proto.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam);
    expect(dims).toEqual(['batch', 'sequence']);
    const ops = opTypes(proto);
    expect(ops).toContain('LayerNormalization');
    for (const op of [
      'ReduceMean',
      'Pow',
      'Sqrt',
      'Erf',
      'Shape',
      'Gather',
      'Unsqueeze',
      'Concat',
      'Reshape',
    ]) {
      expect(ops).toContain(op);
    }
    const constantWeights = proto.graph?.node?.filter(
      (n) => n.opType === 'Constant' && (n.attribute?.[0]?.t?.dims?.length ?? 0) >= 2,
    );
    expect(constantWeights?.map((n) => n.attribute?.[0]?.t?.dims)).toEqual([[128, 64]]);
  });

  it('ocr-det-mini has a symbolic H × W input, flat names, and Cutline’s MACs equal the hand count once bound', () => {
    const proto = load('ocr-det-mini');
    const dims = proto.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.map(
      (d) => d.dimParam || Number(d.dimValue),
    );
    expect(dims).toEqual([1, 3, 'H', 'W']);
    // Like a paddle2onnx export: no name scopes, so the studio must group by structure.
    expect(proto.graph?.node?.every((n) => /^p2o\.[A-Za-z]+\.\d+$/.test(n.name ?? ''))).toBe(true);
    const analysis = analyzeFile(path.join(SAMPLES_DIR, 'ocr-det-mini.onnx'), {
      inputShapes: { x: [1, 3, 640, 640] },
    });
    expect(analysis.totals.macs).toBe(ocrDetMini.macs({ H: 640, W: 640 }));
    expect(analysis.totals.macs).toBe(375_116_800);
    expect(analysis.layers.layers.length).toBeGreaterThan(40);
  });

  it('transformer-encoder MACs follow B × (98,304 S + 256 S²) at another batch and length', async () => {
    const sample = transformerEncoder;
    const dims = { batch: 1, sequence: 40 };
    expect(await measuredMacs(load('transformer-encoder'), dims)).toBe(sample.macs(dims));
    expect(sample.macs(dims)).toBe(98_304 * 40 + 256 * 1600);
  });
});
