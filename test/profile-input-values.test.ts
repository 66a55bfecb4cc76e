/**
 * `cutline profile --input-value` (issue 15, point 3): an input given a value is fed that value,
 * so onnxruntime runs the branch it selects, and the analysis the times are compared with costs
 * that branch. The Silero-VAD-like model's If picks its 16 kHz branch on sr = 16000.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisJson } from '../app/cli/analyze.js';
import { analyzeFile } from '../core/analyze.js';
import { randomFeeds } from '../core/profiling/feeds.js';
import { measurementTablePath, readMeasurementTable } from '../core/profiling/measurement-table-file.js';
import { runOrtProfile } from '../core/profiling/ort-profile.js';
import { parseInputValue } from '../core/shape/input-values.js';
import { SR_BRANCH_MACS, srBranchModel } from './support/branch-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

let dir: string;
let modelPath: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-profile-values-'));
  modelPath = path.join(dir, 'vad-like.onnx');
  fs.writeFileSync(modelPath, srBranchModel());
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** relu(x · W16): what the model computes on its 16 kHz branch (W16 as branch-models.ts fills it). */
function khz16(x: Float32Array): number[] {
  const w = (i: number): number => ((i % 7) - 3) / 16;
  return Array.from({ length: 64 }, (_, col) => {
    let sum = 0;
    for (let k = 0; k < 64; k++) sum += x[k]! * w(k * 64 + col);
    return Math.max(0, sum);
  });
}

describe('feeds with input values', () => {
  it('feed the given value and keep the other inputs random; onnxruntime then runs the 16 kHz branch', async () => {
    const analysis = analyzeFile(modelPath, {
      inputShapes: { x: [1, 64] },
      inputValues: [parseInputValue('sr=16000')],
    });
    const shapes = { x: [1, 64], sr: [] };
    const feeds = randomFeeds(analysis, shapes, 1, { sr: [16000] });
    expect(feeds.sr!.type).toBe('int64');
    expect(Array.from(feeds.sr!.data as BigInt64Array)).toEqual([16000n]);
    expect(feeds.x!.data).toEqual(randomFeeds(analysis, shapes, 1).x!.data);
    const session = await ort.InferenceSession.create(modelPath);
    try {
      const out = (await session.run(feeds)).out!.data as Float32Array;
      const expected = khz16(feeds.x!.data as Float32Array);
      expect(out.length).toBe(64);
      out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    } finally {
      await session.release();
    }
  });
});

describe('runOrtProfile with input values', () => {
  it('analyses the branch sr = 16000 selects and runs with sr bound; without it, the larger branch', async () => {
    const options = { runs: 1, warmup: 0, inputs: { x: [1, 64] }, intraOpThreads: 1 };
    const given = await runOrtProfile(modelPath, { ...options, inputValues: [parseInputValue('sr=16000')] });
    expect(analysisJson(given.analysis)).toMatchObject({
      totals: { macs: SR_BRANCH_MACS.khz16, exact: true },
      approximate: false,
    });
    expect(given.measurement.inputShapes).toEqual({ x: [1, 64], sr: [] });
    expect(given.measurement.nodes.map((n) => n.name)).toContain('by_rate');
    const random = await runOrtProfile(modelPath, options);
    expect(analysisJson(random.analysis)).toMatchObject({
      totals: { macs: SR_BRANCH_MACS.khz8, exact: false },
      approximate: true,
    });
  });
});

describe('cutline profile --input-value', () => {
  it('profiles with the value, and with --save keeps it in the key of the measurement table', async () => {
    const save = path.join(dir, 'p.json');
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      modelPath,
      '--input',
      'x=1x64',
      '--input-value',
      'sr=16000',
      '--runs',
      '1',
      '--warmup',
      '0',
      '--threads',
      '1',
      '--save',
      save,
      '--json',
    ]);
    const json = JSON.parse(stdout) as { models: { model: string; inputShapes: object }[] };
    expect(json.models).toMatchObject([{ model: 'vad-like.onnx', inputShapes: { x: [1, 64], sr: [] } }]);
    // test/profile-values-kept.test.ts shows what the key does: the same value reuses, another measures.
    const table = readMeasurementTable(measurementTablePath(save));
    expect(table.models.map((m) => m.key.inputValues)).toEqual([{ sr: [16000] }]);
  });

  it("names the value in the model's line of the text (sr=16000, not a scalar's empty sr=)", async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      modelPath,
      '--input',
      'x=1x64',
      '--input-value',
      'sr=16000',
      '--runs',
      '1',
      '--warmup',
      '0',
      '--threads',
      '1',
    ]);
    expect(stdout).toMatch(/^Model {5}.*vad-like\.onnx \(x=1x64 sr=16000\)$/m);
  });
});
