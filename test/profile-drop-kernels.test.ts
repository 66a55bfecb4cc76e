/**
 * `cutline profile MODEL --save P.json` without `--kernels`, over a P.json that holds a
 * kernel-level predictor, writes a profile without one: the output says so, in text and JSON,
 * instead of dropping it silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { profileCommand } from '../app/cli/profile.js';
import { loadDeviceProfile } from '../core/profiles/load.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-drop-kernels-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const sample = path.join(import.meta.dirname, '..', 'samples', 'resnet-mini.onnx');

/** A saved profile with a kernel-level predictor, as `--kernels --save` leaves one. */
function kernelLevelProfile(file: string): void {
  const base = loadDeviceProfile('i7-8650u-edge');
  const profile = {
    ...base,
    sources: { ...base.sources, kernelModels: 'test: a kernel-level fit', channelBlock: 'test' },
    kernelModels: { convDense: { ms: 0.01, msPerGflop: 1, msPerMB: 0.01, msPerWeightMB: 0, samples: 3 } },
    channelBlock: 16,
  };
  fs.writeFileSync(file, JSON.stringify(profile));
}

async function profileOutput(save: string, json: boolean): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await profileCommand([sample], { runs: 1, warmup: 0, input: [], threads: 1, save, json })).toBe(0);
  } finally {
    write.mockRestore();
    progress.mockRestore();
  }
  return out;
}

describe('saving without --kernels over a kernel-level profile', () => {
  it('says the kernel-level predictor is gone, in text and in JSON', async () => {
    const file = path.join(dir, 'this-machine.json');
    kernelLevelProfile(file);
    const text = await profileOutput(file, false);
    expect(text).toMatch(/had a kernel-level predictor; this calibration ran without --kernels/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).kernelModels).toBeUndefined();

    kernelLevelProfile(file);
    const json = JSON.parse(await profileOutput(file, true)) as { droppedKernelModels?: boolean };
    expect(json.droppedKernelModels).toBe(true);
    // Saved again over a profile without one: nothing to say.
    const again = await profileOutput(file, false);
    expect(again).not.toMatch(/kernel-level predictor;/);
  });
});
