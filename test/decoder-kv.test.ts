/**
 * The generated decoder-only transformer with a KV cache (test/support/decoder-model.ts, issue 13):
 * Cutline analyses it with the figures the generator states and symbolic cache shapes,
 * onnxruntime runs it as a real KV-cache decoder (a cached step gives what one long pass gives),
 * and the solvers place its layers over device, edge and cloud.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { SAMPLES_DIR } from '../samples/generate.js';
import { kvDecoderMini } from '../samples/models/kv-decoder-mini.js';
import {
  decoderBytes,
  decoderParamBytes,
  decoderParams,
  decoderWeightElements,
  headDim,
  SMALL_DECODER,
  writeDecoder,
} from './support/decoder-model.js';
import { maxAbsDiff } from './support/ort.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const c = SMALL_DECODER;
const d = headDim(c);
const blocks = Array.from({ length: c.layers }, (_, i) => i);
const cacheNames = (kind: 'past_key_values' | 'present'): string[] =>
  blocks.flatMap((i) => [`${kind}.${i}.key`, `${kind}.${i}.value`]);

let dir: string;
let inlinePath: string;
let externalPath: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-decoder-'));
  inlinePath = writeDecoder(path.join(dir, 'decoder.onnx'), c, { external: false }).modelPath;
  fs.mkdirSync(path.join(dir, 'external'));
  // Every value written (not only each tensor's first page), so it computes what the inline copy does.
  externalPath = writeDecoder(path.join(dir, 'external', 'decoder.onnx'), c, {
    external: true,
    realValues: 'all',
  }).modelPath;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('generated KV-cache decoder: analysis', () => {
  it('has the parameters the generator states, one set of projections per block, symbolic cache shapes', () => {
    const bytes = decoderBytes(c);
    const a = analyzeBytes(bytes);
    // 2 blocks of hidden 32, MLP 64, vocab 50, 64 positions: 25,888 weights, and 14 float
    // scalars held in paramBytes but not counted as parameters.
    expect(decoderWeightElements(c)).toBe(25_888);
    expect(a.totals.params).toBe(decoderParams(c));
    expect(decoderParams(c)).toBe(25_888);
    expect(a.totals.paramBytes).toBe(4 * (25_888 + 14));
    expect(a.summary.unknownOperators).toEqual([]);
    expect(a.summary.shapeErrors).toEqual([]);
    const names = a.layers.layers.map((l) => l.name);
    for (const i of blocks) {
      for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj'])
        expect(names).toContain(`/model/layers.${i}/self_attn/${proj}/MatMul`);
      for (const proj of ['gate_proj', 'up_proj', 'down_proj'])
        expect(names).toContain(`/model/layers.${i}/mlp/${proj}/MatMul`);
    }
    expect(names.at(-1)).toBe('/lm_head/MatMul');

    const shapes = (list: typeof a.summary.inputs): Record<string, unknown> =>
      Object.fromEntries(list.map((t) => [t.name, t.shape]));
    const past = ['batch', c.heads, 'past_sequence_length', d];
    expect(shapes(a.summary.inputs)).toEqual({
      input_ids: ['batch', 'sequence_length'],
      ...Object.fromEntries(cacheNames('past_key_values').map((n) => [n, past])),
    });
    // The cache grows by the new tokens: Concat(past, new) along the sequence axis. The positions
    // Range(past, past + sequence) keep `sequence_length`, so logits do too.
    expect(a.inference.values.get('/model/Range_output_0')?.shape).toEqual(['sequence_length']);
    expect(a.inference.values.get('/model/causal_mask/Where_output_0')?.shape).toEqual([
      'sequence_length',
      'past_sequence_length+sequence_length',
    ]);
    const present = ['batch', c.heads, 'past_sequence_length+sequence_length', d];
    expect(shapes(a.summary.outputs)).toEqual({
      logits: ['batch', 'sequence_length', c.vocab],
      ...Object.fromEntries(cacheNames('present').map((n) => [n, present])),
    });
  });

  it('binds batch 2, sequence 3, past 5: caches of 8, and the MACs of every projection and attention', () => {
    const [batch, sequence, pastLength] = [2, 3, 5];
    const total = pastLength + sequence;
    const inputShapes = {
      input_ids: [batch, sequence],
      ...Object.fromEntries(cacheNames('past_key_values').map((n) => [n, [batch, c.heads, pastLength, d]])),
    };
    const a = analyzeBytes(decoderBytes(c), { inputShapes });
    for (const t of a.summary.outputs)
      expect(t.shape).toEqual(t.name === 'logits' ? [batch, sequence, c.vocab] : [batch, c.heads, total, d]);
    // Per token and block: q, k, v, o (4·h²) and gate, up, down (3·h·f); per block the scores
    // and the weighted sum, sequence × total × hidden each; the LM head h·vocab per token.
    const perToken = c.layers * (4 * c.hidden ** 2 + 3 * c.hidden * c.intermediate) + c.hidden * c.vocab;
    const attention = c.layers * 2 * sequence * total * c.hidden;
    expect(a.totals.macs).toBe(batch * (sequence * perToken + attention));
  });

  it('the kv-decoder-mini sample: Cutline counts its hand-counted MACs and parameters', () => {
    const dims = { batch: 2, sequence_length: 3, past_sequence_length: 5 };
    const past = [dims.batch, 4, dims.past_sequence_length, 16];
    const a = analyzeFile(path.join(SAMPLES_DIR, 'kv-decoder-mini.onnx'), {
      inputShapes: {
        input_ids: [dims.batch, dims.sequence_length],
        ...Object.fromEntries(cacheNames('past_key_values').map((n) => [n, past])),
      },
    });
    expect(a.totals.macs).toBe(kvDecoderMini.macs(dims));
    expect(a.totals.macs).toBe(2 * (170_496 * 3 + 256 * 3 * 8));
    // Its 14 float scalars (RMSNorm exponents and ε, scale, mask values) are not parameters.
    expect(a.totals.params).toBe(kvDecoderMini.params);
  });

  it('`cutline analyze --json` reads the weights from the external data file', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'analyze', externalPath, '--json']);
    const json = JSON.parse(stdout) as {
      totals: { params: number; paramBytes: number };
      layerCount: number;
      outputs: { name: string; shape: unknown }[];
    };
    expect(json.totals.params).toBe(decoderParams(c));
    expect(json.totals.paramBytes).toBe(decoderParamBytes(c));
    expect(json.layerCount).toBe(analyzeBytes(decoderBytes(c)).summary.layerCount);
    expect(json.outputs.map((o) => o.name)).toEqual(['logits', ...cacheNames('present')]);
  });
});

describe('generated KV-cache decoder: onnxruntime', () => {
  const ids = (values: readonly number[], batch: number): ort.Tensor =>
    new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [batch, values.length / batch]);
  const emptyCache = (batch: number): Record<string, ort.Tensor> =>
    Object.fromEntries(
      cacheNames('past_key_values').map((n) => [
        n,
        new ort.Tensor('float32', new Float32Array(0), [batch, c.heads, 0, d]),
      ]),
    );
  /** `t[:, :, from:to, :]` of a [b, h, s, d] tensor, or `t[:, from:to, :]` of a [b, s, v] one. */
  const sliceAxis = (t: ort.Tensor, axis: number, from: number, to: number): ort.Tensor => {
    const dims = t.dims.slice();
    const outer = dims.slice(0, axis).reduce((n, x) => n * x, 1);
    const inner = dims.slice(axis + 1).reduce((n, x) => n * x, 1);
    const data = t.data as Float32Array;
    const out = new Float32Array(outer * (to - from) * inner);
    for (let o = 0; o < outer; o++)
      out.set(
        data.subarray((o * dims[axis]! + from) * inner, (o * dims[axis]! + to) * inner),
        o * (to - from) * inner,
      );
    dims[axis] = to - from;
    return new ort.Tensor('float32', out, dims);
  };

  it('a cached step (batch 2, sequence 3, past 5) appends to the cache and gives the logits of one long pass', async () => {
    const session = await ort.InferenceSession.create(inlinePath);
    try {
      expect(session.inputNames).toEqual(['input_ids', ...cacheNames('past_key_values')]);
      expect(session.outputNames).toEqual(['logits', ...cacheNames('present')]);
      // Two sequences of 8 tokens: the first 5 as the prompt, the last 3 as the cached step.
      const tokens = [
        [3, 14, 15, 9, 26, 5, 35, 8],
        [49, 0, 7, 7, 21, 42, 1, 30],
      ];
      const columns = (from: number, to: number): number[] => tokens.flatMap((row) => row.slice(from, to));
      const whole = await session.run({ input_ids: ids(columns(0, 8), 2), ...emptyCache(2) });
      const prompt = await session.run({ input_ids: ids(columns(0, 5), 2), ...emptyCache(2) });
      const past = Object.fromEntries(
        blocks.flatMap((i) => [
          [`past_key_values.${i}.key`, prompt[`present.${i}.key`]!],
          [`past_key_values.${i}.value`, prompt[`present.${i}.value`]!],
        ]),
      );
      for (const tensor of Object.values(past)) expect(tensor.dims).toEqual([2, c.heads, 5, d]);
      const step = await session.run({ input_ids: ids(columns(5, 8), 2), ...past });

      expect(step.logits!.dims).toEqual([2, 3, c.vocab]);
      for (const i of blocks) {
        for (const part of ['key', 'value']) {
          const present = step[`present.${i}.${part}`]!;
          expect(present.dims).toEqual([2, c.heads, 8, d]);
          // The past is kept as it was, the new tokens' keys and values follow it …
          expect(maxAbsDiff(sliceAxis(present, 2, 0, 5), past[`past_key_values.${i}.${part}`]!)).toBe(0);
          // … and equal the long pass's cache: the positions continue from the past's length.
          expect(maxAbsDiff(present, whole[`present.${i}.${part}`]!)).toBeLessThan(1e-5);
        }
      }
      // The causal mask lets a cached token see exactly what it saw in the long pass.
      const wholeTail = sliceAxis(whole.logits!, 1, 5, 8);
      expect(maxAbsDiff(step.logits!, wholeTail)).toBeLessThan(1e-4);
      // Not trivially equal: the logits depend on the tokens.
      expect(maxAbsDiff(step.logits!, sliceAxis(whole.logits!, 1, 0, 3))).toBeGreaterThan(1e-3);
    } finally {
      await session.release();
    }
  });

  it('the external-data copy loads and gives the same logits as the inline one', async () => {
    const feeds = { input_ids: ids([1, 2, 3, 4], 2), ...emptyCache(2) };
    const inline = await ort.InferenceSession.create(inlinePath);
    const external = await ort.InferenceSession.create(externalPath);
    try {
      const a = await inline.run(feeds);
      const b = await external.run(feeds);
      expect(b.logits!.dims).toEqual([2, 2, c.vocab]);
      expect(maxAbsDiff(a.logits!, b.logits!)).toBe(0);
    } finally {
      await inline.release();
      await external.release();
    }
  });
});

interface PlanJson {
  solver: string;
  layerPlacement: Record<string, string>;
  memoryBytesPerTier: Record<string, { totalBytes: number }>;
}

describe('generated KV-cache decoder: solving over device, edge and cloud', () => {
  const solve = async (...args: string[]): Promise<{ tiers: string[]; plans: PlanJson[] }> => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'solve',
      inlinePath,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      ...args,
      '--json',
    ]);
    return JSON.parse(stdout) as { tiers: string[]; plans: PlanJson[] };
  };

  it('every solver places every layer on one of the three tiers', async () => {
    const layerCount = analyzeBytes(decoderBytes(c)).summary.layerCount;
    const result = await solve();
    expect(result.tiers).toEqual(['device', 'edge', 'cloud']);
    expect(result.plans.map((p) => p.solver)).toEqual(['single-split', 'two-split', 'min-cut', 'tiers']);
    for (const plan of result.plans) {
      expect(Object.keys(plan.layerPlacement)).toHaveLength(layerCount);
      for (const tier of Object.values(plan.layerPlacement)) expect(result.tiers).toContain(tier);
    }
  });

  it("the solver's notes say when only a tensor's shape crosses a cut", async () => {
    // The position ids are made from the token ids' shape: where that Shape node runs on another
    // tier than the ids, only the shape crosses, and the notes must not list the ids twice.
    const { stdout } = await run(process.execPath, [
      CLI,
      'solve',
      inlinePath,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-s',
      'single-split',
      '-c',
      'memory:device=40KiB',
    ]);
    const cut = /; cut: (.*)$/m.exec(stdout)![1]!.split(', ');
    expect(cut).toContainEqual(expect.stringMatching(/^shape of input_ids \(\d+ B\)$/));
    const names = cut.map((entry) => entry.replace(/ \(.*\)$/, ''));
    expect(new Set(names).size).toBe(names.length);
  });

  it('an infeasible memory limit names its bytes in a unit that shows them (KiB, not "0.0 MiB")', async () => {
    const failed = await solve(
      '-s',
      'single-split',
      '-c',
      'memory:device=40KiB',
      '-c',
      'memory:edge=40KiB',
      '-c',
      'memory:cloud=40KiB',
    ).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/INFEASIBLE: .*KiB over its 40\.0 KiB/);
    expect(failed?.stderr).not.toMatch(/0\.0 MiB/);
  });

  it('weights too large for the device and the edge box alone: the two-split uses all three tiers', async () => {
    // The decoder's weights are 101 KiB: 40 KiB on each of device and edge leaves the rest to the cloud.
    const limit = 40 * 1024;
    const result = await solve('-s', 'two-split', '-c', 'memory:device=40KiB', '-c', 'memory:edge=40KiB');
    const plan = result.plans[0]!;
    const counts = new Map<string, number>();
    for (const tier of Object.values(plan.layerPlacement)) counts.set(tier, (counts.get(tier) ?? 0) + 1);
    for (const tier of result.tiers) expect(counts.get(tier), tier).toBeGreaterThan(0);
    expect(plan.memoryBytesPerTier.device!.totalBytes).toBeLessThanOrEqual(limit);
    expect(plan.memoryBytesPerTier.edge!.totalBytes).toBeLessThanOrEqual(limit);
    // A split of layers in order: the embedding on the device, the LM head in the cloud.
    expect(plan.layerPlacement['/model/embed_tokens/Gather']).toBe('device');
    expect(plan.layerPlacement['/lm_head/MatMul']).toBe('cloud');
  });
});
