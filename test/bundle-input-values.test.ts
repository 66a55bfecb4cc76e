/**
 * Input values travel in the bundle (issue 15, point 3): `cutline export --input-value sr=16000`
 * records the value in the manifest, verification runs the split with it, and the harness folds it
 * into its analysis (its predicted figures cost the 16 kHz branch) and feeds it instead of random
 * data. A manifest without the field (older bundles) reads as before; a wrong one is refused.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../core/bundle/harness.js';
import { parseManifest, manifestInputValues } from '../core/bundle/manifest.js';
import { loadTopology } from '../core/profiles/load.js';
import { srBranchModel } from './support/branch-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

let dir: string;
let modelPath: string;
let bundleDir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bundle-values-'));
  modelPath = path.join(dir, 'vad-like.onnx');
  fs.writeFileSync(modelPath, srBranchModel());
  bundleDir = path.join(dir, 'bundle');
  // The tiers solver on a model this small keeps it on the device: one segment fed sr and x.
  await run(process.execPath, [
    CLI,
    'export',
    modelPath,
    '-t',
    'pi4-wifi-edge-wan-cloud',
    '-s',
    'tiers',
    '--input',
    'x=1x64',
    '--input-value',
    'sr=16000',
    '--out',
    bundleDir,
  ]);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const manifestPath = (): string => path.join(bundleDir, 'manifest.json');
const rawManifest = (): { model: Record<string, unknown> } =>
  JSON.parse(fs.readFileSync(manifestPath(), 'utf8')) as { model: Record<string, unknown> };
/** The manifest's model entry without `inputValues`, as bundles from before values travelled. */
function olderModel(): Record<string, unknown> {
  const model = { ...rawManifest().model };
  delete model.inputValues;
  return model;
}

describe('the manifest of an export with --input-value', () => {
  it('records the value beside the bindings; without it, or with a wrong one, reads as before or refuses', () => {
    const manifest = parseManifest(rawManifest(), manifestPath());
    expect(manifest.model.inputValues).toEqual({ sr: '16000' });
    expect(manifest.model.bindings).toEqual({ x: '1x64' });
    expect(manifestInputValues(manifest)).toEqual([{ name: 'sr', data: [16000] }]);
    const older = olderModel();
    expect(manifestInputValues(parseManifest({ ...rawManifest(), model: older }, 'older.json'))).toEqual([]);
    expect(() =>
      parseManifest({ ...rawManifest(), model: { ...older, inputValues: { rate: '16000' } } }, 'm.json'),
    ).toThrow('m.json: model.inputValues.rate: the model has no input "rate".');
    expect(() =>
      parseManifest({ ...rawManifest(), model: { ...older, inputValues: { sr: 'fast' } } }, 'm.json'),
    ).toThrow(/^m\.json: model\.inputValues\.sr: .*"fast" is not a number/);
  });
});

describe('the harness on a bundle exported with sr = 16000', () => {
  it("answers as the whole model and predicts the 16 kHz branch's cost, less than the bundle without the value", async () => {
    // One profile for both runs: the figures differ by the branch costed, not by the machine.
    const hostProfile = loadTopology('pi4-wifi-edge-wan-cloud').tiers[0]!.device;
    const harness = () =>
      runHarness({ bundleDir, model: modelPath, runs: 2, warmup: 0, emulateLinks: false, hostProfile });
    const withValue = await harness();
    expect(withValue).toMatchObject({ requests: 2, answered: 2, failed: 0, verified: true });
    // The same bundle as one from before values travelled: the harness cannot fold sr.
    const older = olderModel();
    fs.writeFileSync(manifestPath(), JSON.stringify({ ...rawManifest(), model: older }));
    const without = await harness();
    expect(without).toMatchObject({ answered: 2, failed: 0, verified: true });
    const device = (s: typeof withValue): number => s.predicted.hostComputeMsPerTier![0]!;
    expect(device(withValue)).toBeGreaterThan(0);
    expect(device(withValue)).toBeLessThan(device(without));
  });
});
