/**
 * Where the harness gets the whole model when the bundle carries none (exported without the
 * device's local fallback): the model file it was exported from, given with --model and checked
 * by SHA-256. Without it, or with another model, the harness says in one line what to pass before
 * it starts anything; the studio, which passes the open model itself, says to open the right one.
 * A manifest asking for the local fallback without the whole model is refused by name.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessPlan } from '../app/host/process-job-kinds.js';
import { runHarness, type HarnessEvent } from '../core/bundle/harness.js';
import { harnessWholeModel } from '../core/bundle/harness-whole-model.js';
import { parseManifest, type BundleManifest } from '../core/bundle/manifest.js';
import { serveTier } from '../core/bundle/tier-server.js';
import type { WrittenBundle } from '../core/bundle/write-bundle.js';
import { exportVehicleChain, VEHICLE_MODEL } from './support/vehicle-bundle.js';

const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const OTHER_MODEL = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');

let work: string;
let bundle: WrittenBundle;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-harness-whole-'));
  bundle = await exportVehicleChain(path.join(work, 'bundle'), 'pi4-wifi-edge-wan-cloud', 'fail');
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** runHarness's refusal (it must refuse), with the events it sent first. */
async function refusal(
  model: string | undefined,
): Promise<{ error: Error & { code?: string }; events: HarnessEvent[] }> {
  const events: HarnessEvent[] = [];
  const error = await runHarness({
    bundleDir: bundle.dir,
    runs: 1,
    warmup: 0,
    emulateLinks: false,
    onEvent: (event) => events.push(event),
    ...(model !== undefined ? { model } : {}),
  }).then(
    () => new Error('the harness ran'),
    (e: unknown) => e as Error,
  );
  return { error, events };
}

describe('the harness on a bundle without the whole model', () => {
  it('carries none: no device/model.onnx, and the manifest names the source by its SHA-256', () => {
    expect(bundle.manifest.model.file).toBeUndefined();
    expect(fs.existsSync(path.join(bundle.dir, 'device', 'model.onnx'))).toBe(false);
    expect(bundle.manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('asks for --model in one line when none is given, before it starts anything', async () => {
    const { error, events } = await refusal(undefined);
    expect(error).toMatchObject({ code: 'MODEL_MISSING' });
    expect(error.message).not.toMatch(/[\n\r]/);
    expect(error.message).toContain('pass the .onnx file the bundle was exported from (vehicle)');
    expect(error.message).toMatch(/cutline harness BUNDLE --model FILE\.onnx\.$/);
    expect(events).toEqual([]);
  });

  it('takes the model it was exported from, by path (a model with external data finds it beside it)', () => {
    expect(harnessWholeModel(bundle.dir, bundle.manifest, VEHICLE_MODEL)).toBe(VEHICLE_MODEL);
    expect(harnessWholeModel(bundle.dir, bundle.manifest, path.relative(process.cwd(), VEHICLE_MODEL))).toBe(
      VEHICLE_MODEL,
    );
  });

  it('refuses another model by its SHA-256, and a path that is not a file', async () => {
    const other = await refusal(OTHER_MODEL);
    expect(other.error).toMatchObject({ code: 'MODEL_CHANGED' });
    expect(other.error.message).toContain(
      `${OTHER_MODEL} is not the model the bundle was exported from: its SHA-256 is `,
    );
    expect(other.events).toEqual([]);
    const folder = await refusal(work);
    expect(folder.error).toMatchObject({ code: 'MODEL_MISSING' });
    expect(folder.error.message).toContain(`${work} is not a file;`);
  });

  it('the CLI prints the code and the advice, and exits non-zero', async () => {
    const failed = await promisify(execFile)(process.execPath, [
      CLI,
      'harness',
      bundle.dir,
      '--runs',
      '1',
    ]).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toMatch(
      /^cutline: MODEL_MISSING: The bundle carries no whole model .*--model FILE\.onnx\.$/m,
    );
  });

  it('the studio words it as opening the model the bundle was exported from', () => {
    const plan = harnessPlan(
      { bundleDir: bundle.dir, runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      OTHER_MODEL,
    );
    try {
      const message =
        "x.onnx is not the model the bundle was exported from: its SHA-256 is 0123…, the bundle's 4567…; pass the .onnx file the bundle was exported from (vehicle): cutline harness BUNDLE --model FILE.onnx.";
      expect(plan.wording(message)).toBe(
        "x.onnx is not the model the bundle was exported from: its SHA-256 is 0123…, the bundle's 4567…; open the .onnx file the bundle was exported from (vehicle) in the studio, then run the harness again.",
      );
      expect(plan.wording('Some other failure.')).toBe('Some other failure.');
    } finally {
      fs.rmSync(plan.tempDir, { recursive: true, force: true });
    }
  });

  it('a bundle from before: its whole model checked by `sha256`, the cloud segment where it lists it', async () => {
    // As Cutline wrote bundles before each weight was kept once: the whole model always, `sha256`
    // its file's hash (no fileSha256), the cloud tier's copy of its segment beside Triton's.
    const old = path.join(work, 'old');
    fs.cpSync(bundle.dir, old, { recursive: true });
    fs.copyFileSync(VEHICLE_MODEL, path.join(old, 'device', 'model.onnx'));
    const raw = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8')) as BundleManifest;
    raw.model.file = 'device/model.onnx';
    raw.runtime.onUnreachable = 'local';
    const cloud = raw.segments.find((s) => s.file.startsWith('cloud/'))!;
    fs.copyFileSync(path.join(old, cloud.file), path.join(old, 'cloud', `${cloud.id}.onnx`));
    cloud.file = `cloud/${cloud.id}.onnx`;
    const manifest = parseManifest(raw, 'manifest.json');
    const whole = harnessWholeModel(old, manifest, undefined);
    // Compared as buffers: a deep equality over 2.4 MB of bytes takes seconds.
    expect(Buffer.from(whole as Uint8Array).equals(fs.readFileSync(VEHICLE_MODEL))).toBe(true);
    const served = await serveTier({ manifest, bundleDir: old, tier: 2, token: manifest.runtime.token });
    await served.close();
  });

  it('a manifest with the local fallback but no whole model is refused, naming the field', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(bundle.dir, 'manifest.json'), 'utf8')) as {
      runtime: { onUnreachable: string };
    };
    raw.runtime.onUnreachable = 'local';
    expect(() => parseManifest(raw, 'manifest.json')).toThrow(
      "manifest.json: model.file: the device's local fallback (runtime.onUnreachable 'local') needs the whole model.",
    );
  });
});
