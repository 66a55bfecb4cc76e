/**
 * Input values in the kept timings (note15 "Left" 2) and the kept host peak (note15 "Left" 4):
 * `cutline profile --input-value sr=16000 --save` keys its measurements by the value, so a second
 * calibration with sr = 16000 reuses them and one with sr = 8000 measures again; entries from
 * before values were kept still answer runs without values; several models take the values of
 * inputs they have; an imported onnxruntime trace is costed on the value's branch; the
 * kernel-level timings are keyed the same way; and a calibration that
 * measures nothing new takes the peak it kept instead of measuring a new one (--remeasure does).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { profileCommand, type ProfileCliOptions } from '../app/cli/profile.js';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { calibrateKernels } from '../core/profiling/kernel-calibrate.js';
import { measurementTablePath, readMeasurementTable } from '../core/profiling/measurement-table-file.js';
import {
  measurementTableSchema,
  staleReason,
  type ModelMeasurements,
} from '../core/profiling/measurement-table.js';
import { findTraceFile } from '../core/profiling/trace-file.js';
import { parseInputValue } from '../core/shape/input-values.js';
import { srBranchModel } from './support/branch-models.js';

let dir: string;
let vad: string;
let relu: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-values-kept-'));
  vad = path.join(dir, 'vad-like.onnx');
  fs.writeFileSync(vad, srBranchModel());
  // A second model without sr: with both named, only vad-like takes the value.
  relu = path.join(dir, 'relu.onnx');
  fs.writeFileSync(
    relu,
    encodeModelProto(
      model({
        graph: graph({
          name: 'relu',
          nodes: [node('Relu', ['x'], ['y'], [], 'relu')],
          inputs: [valueInfo('x', DataType.FLOAT, [1, 64])],
          outputs: [valueInfo('y', DataType.FLOAT, [1, 64])],
        }),
      }),
    ),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ProfileJson {
  host: { peak: { gflops: number; method: string } };
  models: {
    model: string;
    inputShapes: Record<string, number[]>;
    nodes: { name: string; predictedMs: number }[];
  }[];
  measurementTable: { reused: { model: string }[]; measured: { model: string; reason: string }[] };
}

/**
 * `cutline profile MODELS --input x=1x64 --runs 1 --warmup 0 --threads 1 --json …` in this process
 * (a CLI process per call would double the test's time): its JSON document.
 */
async function profile(
  models: readonly string[],
  options: Partial<ProfileCliOptions> = {},
): Promise<ProfileJson> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  // Its progress lines (`cutline: … run 1/1`) say nothing here.
  const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await profileCommand(models, {
      runs: 1,
      warmup: 0,
      input: ['x=1x64'],
      threads: 1,
      json: true,
      ...options,
    });
    expect(code).toBe(0);
  } finally {
    write.mockRestore();
    progress.mockRestore();
  }
  return JSON.parse(out.join('')) as ProfileJson;
}

const names = (list: readonly { model: string }[]): string[] => list.map((m) => path.basename(m.model));

describe('cutline profile --input-value --save', () => {
  it('keys the kept timings by the value: the same value reuses them, another value or none measures again', async () => {
    const save = path.join(dir, 'values.json');
    const first = await profile([vad], { inputValue: ['sr=16000'], save });
    expect(names(first.measurementTable.measured)).toEqual(['vad-like.onnx']);
    const table = readMeasurementTable(measurementTablePath(save));
    expect(table.models[0]!.key.inputValues).toEqual({ sr: [16000] });

    const again = await profile([vad], { inputValue: ['sr=16000'], save });
    expect(names(again.measurementTable.reused)).toEqual(['vad-like.onnx']);
    expect(again.measurementTable.measured).toEqual([]);

    const other = await profile([vad], { inputValue: ['sr=8000'], save });
    expect(other.measurementTable.measured).toMatchObject([{ reason: 'stale: other input values' }]);
    const none = await profile([vad], { save });
    expect(none.measurementTable.measured).toMatchObject([{ reason: 'stale: other input values' }]);
    // Each value has its own entry: sr = 16000 is still reused after the others were measured.
    const back = await profile([vad], { inputValue: ['sr=16000'], save });
    expect(names(back.measurementTable.reused)).toEqual(['vad-like.onnx']);
    expect(readMeasurementTable(measurementTablePath(save)).models).toHaveLength(3);
  });

  it('gives several models the values of inputs they have, and refuses a value no model can take', async () => {
    const save = path.join(dir, 'two.json');
    const both = await profile([vad, relu], { inputValue: ['sr=16000'], save });
    expect(both.models.map((m) => m.inputShapes)).toEqual([{ x: [1, 64], sr: [] }, { x: [1, 64] }]);
    const keys = readMeasurementTable(measurementTablePath(save)).models.map((m) => [
      m.modelName,
      m.key.inputValues,
    ]);
    expect(keys.sort()).toEqual([
      ['relu.onnx', undefined],
      ['vad-like.onnx', { sr: [16000] }],
    ]);
    await expect(profile([vad, relu], { inputValue: ['rate=16000'] })).rejects.toThrow(
      'No model has an input named "rate" to take --input-value. Check the names with `cutline analyze MODEL`.',
    );
  });
});

describe('cutline profile --from-ort-profile --input-value', () => {
  it("costs the imported times' model on the branch the value selects", async () => {
    // The trace of a session fed sr = 16000, as a user's own run with profiling on writes it.
    const session = await ort.InferenceSession.create(vad, {
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'vad-trace'),
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
    });
    const feeds = {
      x: new ort.Tensor('float32', new Float32Array(64).fill(0.5), [1, 64]),
      sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []),
    };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const trace = findTraceFile(path.join(dir, 'vad-trace'));
    const byRate = (json: ProfileJson): number =>
      json.models[0]!.nodes.find((n) => n.name === 'by_rate')!.predictedMs;
    const given = await profile([vad], { fromOrtProfile: trace, inputValue: ['sr=16000'] });
    const random = await profile([vad], { fromOrtProfile: trace });
    // The 16 kHz branch is a quarter of the 8 kHz one's MACs (SR_BRANCH_MACS).
    expect(byRate(given)).toBeGreaterThan(0);
    expect(byRate(given)).toBeLessThan(byRate(random));
  });
});

describe('the measurement table from before values were kept', () => {
  it('reads unchanged and still answers a run without values, never one with values', async () => {
    const save = path.join(dir, 'older.json');
    await profile([vad], { save });
    const file = measurementTablePath(save);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { models: ModelMeasurements[]; peak?: unknown };
    // As an older Cutline wrote it: no inputValues in any key, no kept peak.
    delete raw.peak;
    expect(raw.models[0]!.key).not.toHaveProperty('inputValues');
    fs.writeFileSync(file, JSON.stringify(raw));
    const older = measurementTableSchema.parse(raw).models[0]!;
    const wanted = { runs: 1, warmup: 0 };
    expect(staleReason(older, older.key, wanted)).toBeNull();
    expect(staleReason(older, { ...older.key, inputValues: { sr: [16000] } }, wanted)).toBe(
      'other input values',
    );
    expect(names((await profile([vad], { save })).measurementTable.reused)).toEqual(['vad-like.onnx']);
    // A hostile value is one line, as the rest of a broken table.
    expect(
      measurementTableSchema.safeParse({
        ...raw,
        models: [{ ...raw.models[0], key: { ...raw.models[0]!.key, inputValues: { sr: ['x'] } } }],
      }).success,
    ).toBe(false);
  });
});

describe('the kept host peak', () => {
  it('is reused by a calibration on the same CPU, onnxruntime and threads, and measured again with --remeasure', async () => {
    const save = path.join(dir, 'peak.json');
    const peakOfProfile = (): number =>
      (JSON.parse(fs.readFileSync(save, 'utf8')) as { peakGflops: { fp32: number } }).peakGflops.fp32;
    const first = await profile([relu], { save });
    expect(first.host.peak.method).not.toContain('kept from');
    const firstPeak = peakOfProfile();
    const kept = readMeasurementTable(measurementTablePath(save)).peak;
    expect(kept).toMatchObject({ gflops: first.host.peak.gflops, intraOpThreads: 1 });

    const second = await profile([relu], { save });
    expect(second.host.peak.gflops).toBe(first.host.peak.gflops);
    expect(second.host.peak.method).toContain(`kept from ${kept!.measuredAt.slice(0, 10)}`);
    expect(peakOfProfile()).toBe(firstPeak);
    // Other threads are another peak: measured, not taken.
    const threads = await profile([relu], { save, threads: 2 });
    expect(threads.host.peak.method).not.toContain('kept from');

    const remeasured = await profile([relu], { save, remeasure: true });
    expect(remeasured.host.peak.method).not.toContain('kept from');
    expect(readMeasurementTable(measurementTablePath(save)).peak!.measuredAt > kept!.measuredAt).toBe(true);
  });
});

describe('kernel-level timings with input values', () => {
  it('are keyed by the value: the same value reuses the timing, another one times again', async () => {
    const options = { runs: 2, warmup: 0, intraOpThreads: 1, withoutSamples: true } as const;
    const at16k = { path: vad, inputs: { x: [1, 64] }, inputValues: [parseInputValue('sr=16000')] };
    const first = await calibrateKernels([at16k], { ...options, table: [] });
    expect(first.timed).toBe(1);
    expect(first.table[0]!.key.inputValues).toEqual({ sr: [16000] });
    const same = await calibrateKernels([at16k], { ...options, table: first.table });
    expect(same).toMatchObject({ timed: 0, reused: 1 });
    const at8k = { ...at16k, inputValues: [parseInputValue('sr=8000')] };
    const other = await calibrateKernels([at8k], { ...options, table: first.table });
    expect(other).toMatchObject({ timed: 1, reused: 0 });
    expect(other.table.map((e) => e.key.inputValues?.sr?.[0]).sort()).toEqual([16000, 8000]);
  });
});
