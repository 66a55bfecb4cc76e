/**
 * The bundle's input values reach onnxruntime, not only the analysis (note15 "Left" 2): a model
 * that reshapes x to [1, sr / 1000] runs only when sr is 16000-16999, so the harness answering
 * every request through the tier, and agreeing with the whole model, shows it fed 16000 to both;
 * the same bundle with the value taken out of its manifest (random sr) cannot run. The bundle's
 * README names the value and says who feeds it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../core/bundle/harness.js';
import { attr, graph, model, node, tensorFromInt64, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { loadTopology } from '../core/profiles/load.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

/**
 * out = Relu(Reshape(x, [1, sr / 1000])): x has 16 elements, so only sr in 16000-16999 runs (the
 * harness's random int64 for sr is 0).
 */
function rateShapedModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'rate_shaped',
        nodes: [
          node('Div', ['sr', 'per_khz'], ['khz'], [], 'khz'),
          node('Unsqueeze', ['khz', 'axis0'], ['khz_1'], [], 'khz_1'),
          node('Concat', ['one', 'khz_1'], ['shape'], [attr.int('axis', 0)], 'shape'),
          // allowzero: a random sr (0) asks for [1, 0], not "keep x's dimension".
          node('Reshape', ['x', 'shape'], ['frames'], [attr.int('allowzero', 1)], 'frames'),
          node('Relu', ['frames'], ['out'], [], 'relu'),
        ],
        initializers: [
          tensorFromInt64('per_khz', [], [1000]),
          tensorFromInt64('axis0', [1], [0]),
          tensorFromInt64('one', [1], [1]),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 16]), valueInfo('sr', DataType.INT64, [])],
        outputs: [valueInfo('out', DataType.FLOAT)],
      }),
    }),
  );
}

let dir: string;
let modelPath: string;
let bundleDir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-values-fed-'));
  modelPath = path.join(dir, 'rate-shaped.onnx');
  fs.writeFileSync(modelPath, rateShapedModel());
  bundleDir = path.join(dir, 'bundle');
  await run(process.execPath, [
    CLI,
    'export',
    modelPath,
    '-t',
    'pi4-wifi-edge-wan-cloud',
    '-s',
    'tiers',
    '--input-value',
    'sr=16000',
    '--out',
    bundleDir,
  ]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a bundle exported with sr = 16000', () => {
  it('says so in its README: the value, where the manifest keeps it, and that the checks feed it', () => {
    const readme = fs.readFileSync(path.join(bundleDir, 'README.md'), 'utf8');
    expect(readme).toContain('- `sr`: int64 scalar, value 16000');
    expect(readme).toContain('Input values (`model.inputValues` in `manifest.json`): `sr` = 16000.');
    expect(readme).toContain('export verification and `cutline harness` feed');
  });

  it('is fed 16000 by the harness: every request runs through the tier and matches the whole model; without the value none can run', async () => {
    const hostProfile = loadTopology('pi4-wifi-edge-wan-cloud').tiers[0]!.device;
    const harness = () =>
      runHarness({ bundleDir, model: modelPath, runs: 2, warmup: 0, emulateLinks: false, hostProfile });
    expect(await harness()).toMatchObject({ requests: 2, answered: 2, failed: 0, verified: true });

    // The manifest as a bundle from before values travelled: sr is random, the Reshape cannot hold x.
    const manifestPath = path.join(bundleDir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { model: { inputValues?: object } };
    expect(manifest.model.inputValues).toEqual({ sr: '16000' });
    delete manifest.model.inputValues;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    await expect(harness()).rejects.toThrow(/reshape/i);
  });
});
