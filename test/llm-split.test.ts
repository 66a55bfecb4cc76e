/**
 * Issue 13's acceptance for LLMs: a generated decoder-only transformer with a KV cache and more
 * than 2 GiB of weights in a (sparse) external data file analyses, solves, and exports as three
 * segments — device, edge, cloud — each with its own external data, and the segments load in
 * onnxruntime and run as one chain. Everything goes through the real `cutline` command.
 *
 * The data file holds real values only in the RMSNorm gains; the matrices are holes (zeros), so
 * neither making the model nor copying it into a bundle writes gigabytes to disk.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decoderConfig,
  decoderParamBytes,
  decoderParams,
  decoderWeightBytes,
  headDim,
  writeDecoder,
} from './support/decoder-model.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const GIB = 2 ** 30;
const MIB = 2 ** 20;
const TIERS = ['device', 'edge', 'cloud'];

// 9 blocks of hidden 2048 (32 heads of 64, SwiGLU 5504), vocabulary 32000: 591 M parameters, 2.2 GiB.
const config = decoderConfig({ layers: 9, hidden: 2048, vocab: 32_000 });
const blocks = Array.from({ length: config.layers }, (_, i) => i);
// The edge box and the phone-class device each hold at most 800 MiB: the weights need all three tiers.
const MEMORY_LIMIT = 800 * MIB;

let dir: string;
let modelPath: string;

const cutline = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * MIB })).stdout;
/** Bytes a file really occupies on disk (its holes take none). */
const diskBytes = (file: string): number => fs.statSync(file).blocks * 512;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-llm-'));
  modelPath = path.join(dir, 'llm.onnx');
  writeDecoder(modelPath, config, { external: true, realValues: 'gains' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface SolvePlan {
  solver: string;
  layerPlacement: Record<string, string>;
  memoryBytesPerTier: Record<string, { totalBytes: number }>;
}

interface ExportSummary {
  bundle: string;
  segments: {
    id: string;
    tier: string;
    file: string;
    data: { file: string; bytes: number } | null;
    inputs: string[];
    outputs: string[];
  }[];
}

describe('an LLM split between device, edge and cloud (issue 13 acceptance)', () => {
  let placementFile: string;
  let exported: ExportSummary;

  it('the generated decoder keeps over 2 GiB of weights in a sparse external data file', () => {
    const data = `${modelPath}.data`;
    expect(decoderWeightBytes(config)).toBeGreaterThan(2 * GIB);
    expect(fs.statSync(data).size).toBeGreaterThanOrEqual(decoderWeightBytes(config));
    expect(diskBytes(data)).toBeLessThan(16 * MIB);
    expect(fs.statSync(modelPath).size).toBeLessThan(MIB);
  });

  it('`cutline analyze` names its figures: parameters, weight bytes, symbolic cache shapes', async () => {
    const json = JSON.parse(await cutline('analyze', modelPath, '--json')) as {
      totals: { params: number; paramBytes: number; macs: number };
      nodeCount: number;
      layerCount: number;
      unknownOperators: string[];
      shapeErrors: unknown[];
      outputs: { name: string; shape: unknown }[];
    };
    expect(json.totals.params).toBe(decoderParams(config));
    expect(json.totals.paramBytes).toBe(decoderParamBytes(config));
    expect(json.totals.macs).toBeGreaterThan(0);
    expect(json.unknownOperators).toEqual([]);
    expect(json.shapeErrors).toEqual([]);
    expect(json.layerCount).toBeGreaterThan(config.layers * 30);
    const present = ['batch', config.heads, 'past_sequence_length+sequence_length', headDim(config)];
    expect(json.outputs).toEqual([
      { name: 'logits', dtype: 'float', shape: ['batch', 'sequence_length', config.vocab] },
      ...blocks.flatMap((i) => [
        { name: `present.${i}.key`, dtype: 'float', shape: present },
        { name: `present.${i}.value`, dtype: 'float', shape: present },
      ]),
    ]);
    const text = await cutline('analyze', modelPath);
    expect(text).toMatch(/^Totals +.* 591 M params \(2\.2 GiB\)/m);
  });

  it('`cutline solve` splits its layers over all three tiers within each tier’s memory', async () => {
    const stdout = await cutline(
      'solve',
      modelPath,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-s',
      'two-split',
      '-c',
      `memory:device=${MEMORY_LIMIT}`,
      '-c',
      `memory:edge=${MEMORY_LIMIT}`,
      '--json',
    );
    const result = JSON.parse(stdout) as { tiers: string[]; plans: SolvePlan[] };
    expect(result.tiers).toEqual(TIERS);
    const plan = result.plans[0]!;
    expect(plan.solver).toBe('two-split');
    const layersOn = (tier: string): string[] =>
      Object.entries(plan.layerPlacement)
        .filter(([, t]) => t === tier)
        .map(([name]) => name);
    for (const tier of TIERS) expect(layersOn(tier).length, tier).toBeGreaterThan(0);
    // Every tier runs transformer blocks, not only the embedding or the head.
    const downProjection = /^\/model\/layers\.\d+\/mlp\/down_proj\/MatMul$/;
    for (const tier of TIERS)
      expect(
        layersOn(tier).some((name) => downProjection.test(name)),
        tier,
      ).toBe(true);
    expect(plan.memoryBytesPerTier.device!.totalBytes).toBeLessThanOrEqual(MEMORY_LIMIT);
    expect(plan.memoryBytesPerTier.edge!.totalBytes).toBeLessThanOrEqual(MEMORY_LIMIT);
    expect(plan.layerPlacement['/model/embed_tokens/Gather']).toBe('device');
    expect(plan.layerPlacement['/lm_head/MatMul']).toBe('cloud');
    placementFile = path.join(dir, 'placement.json');
    fs.writeFileSync(placementFile, stdout);
  });

  it('`cutline export` writes three segments, each with its own external data, without filling the disk', async () => {
    const out = path.join(dir, 'bundle');
    exported = JSON.parse(
      await cutline(
        'export',
        modelPath,
        '-t',
        'pi4-wifi-edge-wan-cloud',
        '--placement',
        placementFile,
        '--out',
        out,
        // The chain is run below, one segment at a time; comparing with the whole 2.2 GiB model
        // would hold it in memory too.
        '--no-verify',
        '--json',
      ),
    ) as ExportSummary;
    expect(exported.segments.map((s) => s.tier)).toEqual(TIERS);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      segments: { file: string; data?: { file: string; sha256: string; bytes: number } }[];
    };
    let dataBytes = 0;
    for (const [k, segment] of exported.segments.entries()) {
      expect(segment.data, segment.id).not.toBeNull();
      const entry = manifest.segments[k]!;
      expect(entry.file).toBe(segment.file);
      expect(entry.data!.file).toBe(`${segment.file}.data`);
      expect(entry.data!.sha256).toMatch(/^[0-9a-f]{64}$/);
      const dataFile = path.join(out, entry.data!.file);
      expect(fs.statSync(dataFile).size).toBe(entry.data!.bytes);
      // Each tier holds its share of the weights, within the memory the solver was given.
      expect(entry.data!.bytes, segment.id).toBeGreaterThan(100 * MIB);
      if (segment.tier !== 'cloud') expect(entry.data!.bytes).toBeLessThanOrEqual(MEMORY_LIMIT);
      dataBytes += entry.data!.bytes;
    }
    expect(dataBytes).toBeGreaterThan(2 * GIB);
    // Holes stay holes: the bundle (segments, the whole model's copy, the runtime) takes megabytes.
    const onDisk = (folder: string): number =>
      fs
        .readdirSync(folder, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .reduce((sum, e) => sum + diskBytes(path.join(e.parentPath, e.name)), 0);
    expect(onDisk(out)).toBeLessThan(256 * MIB);
  });

  it('every segment loads in onnxruntime from its path, and the three run as one chain', async () => {
    const [batch, sequence, pastLength] = [1, 4, 3];
    const d = headDim(config);
    const past = (i: number, part: string): ort.Tensor => {
      const values = Float32Array.from({ length: batch * config.heads * pastLength * d }, (_, k) =>
        Math.sin(k + 7 * i + (part === 'key' ? 0 : 3)),
      );
      return new ort.Tensor('float32', values, [batch, config.heads, pastLength, d]);
    };
    const available = new Map<string, ort.Tensor>([
      [
        'input_ids',
        new ort.Tensor('int64', BigInt64Array.from([1n, 15043n, 3186n, 29991n]), [batch, sequence]),
      ],
      ...blocks.flatMap((i) => [
        [`past_key_values.${i}.key`, past(i, 'key')] as const,
        [`past_key_values.${i}.value`, past(i, 'value')] as const,
      ]),
    ]);
    for (const segment of exported.segments) {
      // A segment reads graph inputs and the outputs of the segments before it, nothing else.
      for (const name of segment.inputs)
        expect(available.has(name), `${segment.id} needs ${name}`).toBe(true);
      const session = await ort.InferenceSession.create(path.join(exported.bundle, segment.file));
      try {
        expect([...session.inputNames].sort()).toEqual([...segment.inputs].sort());
        expect([...session.outputNames].sort()).toEqual([...segment.outputs].sort());
        const outputs = await session.run(
          Object.fromEntries(segment.inputs.map((n) => [n, available.get(n)!])),
        );
        for (const [name, tensor] of Object.entries(outputs)) available.set(name, tensor);
      } finally {
        await session.release();
      }
    }
    const logits = available.get('logits')!;
    expect(logits.dims).toEqual([batch, sequence, config.vocab]);
    expect((logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    for (const i of blocks) {
      for (const part of ['key', 'value']) {
        const present = available.get(`present.${i}.${part}`)!;
        expect(present.dims).toEqual([batch, config.heads, pastLength + sequence, d]);
        // Whichever tier ran block i, its cache starts with the past that was sent to it.
        const fed = available.get(`past_key_values.${i}.${part}`)!.data as Float32Array;
        const head0 = (present.data as Float32Array).subarray(0, pastLength * d);
        expect(head0).toEqual(fed.subarray(0, pastLength * d));
      }
    }
  });
});
