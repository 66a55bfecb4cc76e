/**
 * Export with external data (issue 13, point 1): segments and the whole model written as
 * `NAME.onnx` + `NAME.onnx.data` (forced on a small model with `externalDataAbove`, kept when the
 * source model used external data), listed in the manifest, loaded by onnxruntime from their
 * paths, verified one model at a time, served by the tier runtime; a sparse source stays sparse.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile, type Analysis } from '../core/analyze.js';
import { runHarness } from '../core/bundle/harness.js';
import { bundledWholeModel } from '../core/bundle/manifest.js';
import { readCheckedModel } from '../core/bundle/read-checked.js';
import { serveTier, type ServedTier } from '../core/bundle/tier-server.js';
import type { WrittenBundle } from '../core/bundle/write-bundle.js';
import { EXTERNAL_ALIGNMENT } from '../core/export/external-weights.js';
import { hashFile } from '../core/export/file-hash.js';
import { verifySplit } from '../core/export/verify.js';
import { modelFileBytes, neededBytes, planVerifyMemory } from '../core/export/verify-memory.js';
import { parseByteSize } from '../app/cli/export.js';
import { decodeModelProto, type TensorProto } from '../core/onnx/codec.js';
import { forEachTensor } from '../core/onnx/read.js';
import { createTierClient } from '../core/runtime/oip/client.js';
import { fromOrtTensor } from '../core/runtime/oip/ort-tensor.js';
import { exportModel, readManifest, writeSparseModel } from './support/external-data-export.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

let work: string;
/** The vehicle CNN (inline weights) exported with external data forced for every model. */
let forced: WrittenBundle;

/** Every tensor of a model file, decoded. */
function tensorsOf(file: string): TensorProto[] {
  const proto = decodeModelProto(new Uint8Array(fs.readFileSync(file)));
  const found: TensorProto[] = [];
  forEachTensor(proto.graph!, (t) => found.push(t));
  return found;
}

const entry = (t: TensorProto, key: string): string | undefined =>
  t.externalData?.find((e) => e.key === key)?.value ?? undefined;

/** Bytes a file really occupies on disk. */
const allocated = (file: string): number => fs.statSync(file).blocks * 512;

beforeAll(async () => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-external-export-')));
  const bytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  forced = await exportModel(path.join(work, 'forced'), analyzeBytes(bytes), bytes, 0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('export with external data forced (externalDataAbove 0)', () => {
  it('writes each segment and the whole model beside a data file the manifest lists', () => {
    const manifest = readManifest(forced.dir);
    expect(manifest.segments.length).toBe(3);
    for (const m of [bundledWholeModel(manifest)!, ...manifest.segments]) {
      expect(m.data).toBeDefined();
      const data = m.data!;
      expect(data.file).toBe(`${m.file}.data`);
      const dataPath = path.join(forced.dir, data.file);
      expect(fs.statSync(dataPath).size).toBe(data.bytes);
      expect(hashFile(dataPath)).toBe(data.sha256);
      expect(hashFile(path.join(forced.dir, m.file))).toBe(m.sha256);
      // Tensors of 1 KiB or more are in the data file, at aligned offsets; smaller ones inline.
      let external = 0;
      for (const t of tensorsOf(path.join(forced.dir, m.file))) {
        if (t.dataLocation === 1) {
          external++;
          expect(entry(t, 'location')).toBe(path.basename(data.file));
          expect(Object.hasOwn(t, 'rawData')).toBe(false);
          expect(Number(entry(t, 'offset')) % EXTERNAL_ALIGNMENT).toBe(0);
          expect(Number(entry(t, 'offset')) + Number(entry(t, 'length'))).toBeLessThanOrEqual(data.bytes);
        } else {
          expect(t.rawData?.length ?? 0).toBeLessThan(1024);
        }
      }
      expect(external).toBeGreaterThan(0);
    }
    // The cloud segment is Triton's entry itself: its data under the same base name beside it.
    const cloud = manifest.segments.find((s) => s.tier === 2)!;
    const triton = path.join(forced.dir, 'cloud', 'triton', cloud.id, '1');
    expect(cloud.file).toBe(`cloud/triton/${cloud.id}/1/model.onnx`);
    expect(hashFile(path.join(triton, path.posix.basename(cloud.data!.file)))).toBe(cloud.data!.sha256);
  });

  it('loads every model through readCheckedModel by path, and the split verifies against the whole model', async () => {
    const manifest = forced.manifest;
    const bundled = bundledWholeModel(manifest)!;
    const whole = readCheckedModel(forced.dir, bundled);
    expect(whole).toBe(path.join(forced.dir, bundled.file));
    const parts = forced.segments.map(({ segment }, i) => {
      const file = readCheckedModel(forced.dir, manifest.segments[i]!);
      expect(typeof file).toBe('string');
      return { segment, file: file as string };
    });
    const result = await verifySplit(whole, parts);
    expect(result.wholeModel).toBe('compared');
    expect(result.ok).toBe(true);
    expect(result.outputs.map((o) => o.name)).toEqual(manifest.model.outputs.map((o) => o.name));
    expect(result.segmentMs.length).toBe(3);
  });

  it('is served by the tier runtime: a request through device, edge and cloud matches the whole model', async () => {
    const manifest = readManifest(forced.dir);
    const token = manifest.runtime.token;
    const tiers: ServedTier[] = [];
    try {
      let upUrl: string | undefined;
      for (let t = manifest.tiers.length - 1; t >= 0; t--) {
        const served = await serveTier({
          manifest,
          bundleDir: forced.dir,
          tier: t,
          token,
          ...(upUrl ? { upUrl } : {}),
        });
        tiers.unshift(served);
        upUrl = served.server.url;
      }
      const input = manifest.model.inputs[0]!;
      const dims = input.shape!.map(Number);
      const x = new ort.Tensor(
        'float32',
        Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)),
        dims,
      );
      const session = await ort.InferenceSession.create(path.join(forced.dir, manifest.model.file!));
      const expected = await session.run({ [input.name]: x });
      await session.release();
      const client = createTierClient({ baseUrl: tiers[0]!.server.url, token, timeoutMs: 30_000 });
      try {
        const result = await client.infer(manifest.model.name, [fromOrtTensor(input.name, x)]);
        expect(result.parameters.cutline_fallback).toBe(false);
        for (const out of result.outputs) {
          const want = expected[out.name]!.data as Float32Array;
          const got = Float32Array.from(out.data as ArrayLike<number>);
          expect(got.length).toBe(want.length);
          const diff = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
          expect(diff).toBeLessThan(1e-4);
        }
      } finally {
        client.close();
      }
    } finally {
      for (const tier of tiers) await tier.close();
    }
  });
});

describe('the harness on a bundle with external data', () => {
  it('starts every tier as a process, and each answer matches the whole model loaded from its path', async () => {
    const summary = await runHarness({
      bundleDir: forced.dir,
      runs: 2,
      streamRequests: 0,
      warmup: 0,
      emulateLinks: false,
    });
    expect(summary).toMatchObject({ requests: 2, answered: 2, failed: 0, fallbacks: 0, verified: true });
  });
});

describe('a source model with sparse external data', () => {
  let bundle: WrittenBundle;
  let analysis: Analysis;
  beforeAll(async () => {
    const file = writeSparseModel(path.join(work, 'sparse-source'));
    // The source itself is sparse: the 16 MiB of W1 are a hole.
    expect(allocated(path.join(work, 'sparse-source', 'weights.bin'))).toBeLessThan(1024 ** 2);
    analysis = analyzeFile(file);
    bundle = await exportModel(path.join(work, 'sparse'), analysis, new Uint8Array(fs.readFileSync(file)));
  });

  it('keeps the layout without being asked, and the data files stay sparse', () => {
    const manifest = bundle.manifest;
    expect(manifest.model.data).toBeDefined();
    // Every model loads as checked: no tensor points at the source's weights.bin.
    const models = [bundledWholeModel(manifest)!, ...manifest.segments];
    for (const m of models) {
      expect(typeof readCheckedModel(bundle.dir, m)).toBe(m.data ? 'string' : 'object');
      const b2 = tensorsOf(path.join(bundle.dir, m.file)).find((t) => t.name === 'B2');
      if (b2)
        expect({ location: b2.dataLocation ?? 0, bytes: b2.rawData?.length }).toEqual({
          location: 0,
          bytes: 64,
        });
    }
    const withW1 = models.filter((m) =>
      tensorsOf(path.join(bundle.dir, m.file)).some((t) => t.name === 'W1'),
    );
    expect(withW1.length).toBe(2);
    for (const m of withW1) {
      const dataPath = path.join(bundle.dir, m.data!.file);
      const size = fs.statSync(dataPath).size;
      expect(size).toBeGreaterThanOrEqual(16 * 1024 ** 2);
      expect(allocated(dataPath)).toBeLessThan(size / 8);
      // Hashed as written; the file read back, holes as zeros, gives the same SHA-256.
      expect(hashFile(dataPath)).toBe(m.data!.sha256);
    }
  });

  it('leaves the opened model as it was: its tensors still point at the source data file', () => {
    for (const t of analysis.model.proto.graph!.initializer!) {
      expect(t.dataLocation).toBe(1);
      expect(entry(t, 'location')).toBe('weights.bin');
      expect(Object.hasOwn(t, 'rawData')).toBe(false);
    }
  });

  it('verifies the split from the bundle files', async () => {
    const result = await verifySplit(
      path.join(bundle.dir, bundle.manifest.model.file!),
      bundle.segments.map(({ segment, file }) => ({ segment, file })),
      {},
      { analysis },
    );
    expect(result).toMatchObject({ wholeModel: 'compared', ok: true });
    expect(result.outputs.map((o) => o.name)).toEqual(['y']);
  });
});

describe("verification within this machine's memory", () => {
  const footprints = () => ({
    whole: {
      what: 'the whole model',
      weightBytes: modelFileBytes(path.join(forced.dir, forced.manifest.model.file!)),
      activationBytes: 0,
    },
    segments: forced.segments.map(({ segment, file }) => ({
      what: `segment ${segment.id}`,
      weightBytes: modelFileBytes(file),
      activationBytes: 0,
    })),
  });
  const parts = () => forced.segments.map(({ segment, file }) => ({ segment, file }));
  const wholeFile = () => path.join(forced.dir, forced.manifest.model.file!);

  it('skips only the whole-model comparison when the whole model does not fit but each segment does', async () => {
    const { whole, segments } = footprints();
    const largest = Math.max(...segments.map(neededBytes));
    expect(largest).toBeLessThan(neededBytes(whole));
    const between = Math.floor((largest + neededBytes(whole)) / 2);
    const result = await verifySplit(wholeFile(), parts(), {}, { availableMemoryBytes: between });
    expect(result).toMatchObject({ wholeModel: 'skipped', outputs: [], ok: true, wholeMs: 0 });
    expect(result.segmentMs.length).toBe(3);
    expect(result.skippedBecause).toMatch(
      /^the whole model needs about [0-9.]+ [KMG]iB of memory and this machine has [0-9.]+ [KMG]iB free \(pass --verify-whole to compare anyway\)$/,
    );
    // Forced, the comparison runs anyway.
    const forcedWhole = await verifySplit(
      wholeFile(),
      parts(),
      {},
      { availableMemoryBytes: between, verifyWhole: true },
    );
    expect(forcedWhole).toMatchObject({ wholeModel: 'compared', ok: true });
    expect(forcedWhole.outputs.length).toBe(1);
  });

  it('says in one line what it needs when even one segment does not fit', async () => {
    const error = await verifySplit(wholeFile(), parts(), {}, { availableMemoryBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'EXPORT_FAILED' });
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(
      /^Verification needs about [0-9.]+ [KMG]iB of memory for segment [a-z]+-[0-9]+ alone \(the whole model [0-9.]+ [KMG]iB\), and this machine has 1\.0 KiB free; .*--no-verify.*--verify-whole/,
    );
  });

  it('plans by the largest single model, not their sum', () => {
    const gib = 1024 ** 3;
    const model = (what: string, weightBytes: number) => ({ what, weightBytes, activationBytes: gib });
    const whole = model('the whole model', 12 * gib);
    const segments = [
      model('segment device-0', 4 * gib),
      model('segment edge-1', 5 * gib),
      model('segment cloud-2', 3 * gib),
    ];
    expect(planVerifyMemory(whole, segments, 16 * gib, false).compareWhole).toBe(true);
    const skipped = planVerifyMemory(whole, segments, 8 * gib, false);
    expect(skipped).toMatchObject({
      compareWhole: false,
      largestSegmentNeedsBytes: neededBytes(segments[1]!),
    });
    expect(() => planVerifyMemory(whole, segments, 6 * gib, false)).toThrow(/segment edge-1 alone/);
    expect(planVerifyMemory(whole, segments, 6 * gib, true).compareWhole).toBe(true);
  });
});

describe('cutline export --external-data-above', () => {
  it('writes the segments with external data, lists them in --json and verifies the split', async () => {
    const out = path.join(work, 'cli');
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.resolve(import.meta.dirname, '../bin/cutline.js'),
      'export',
      VEHICLE_MODEL,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-s',
      'two-split',
      '--out',
      out,
      '--external-data-above',
      '64KiB',
      '--json',
    ]);
    const summary = JSON.parse(stdout) as {
      segments: { file: string; data: { file: string; bytes: number } | null }[];
      verification: { ok: boolean; wholeModel: string };
    };
    expect(summary.segments.length).toBeGreaterThan(0);
    for (const s of summary.segments) {
      expect(s.data).toEqual({
        file: `${s.file}.data`,
        bytes: fs.statSync(path.join(out, s.data!.file)).size,
      });
    }
    // Without --on-unreachable local the bundle has no whole model: the source was compared.
    expect(summary.verification).toMatchObject({ ok: true, wholeModel: 'compared' });
    expect(readManifest(out).model.file).toBeUndefined();
  });

  it('takes sizes in bytes or with a unit, and refuses anything else', () => {
    expect(parseByteSize('4096', '--x')).toBe(4096);
    expect(parseByteSize('64KiB', '--x')).toBe(65536);
    expect(parseByteSize('1.5GB', '--x')).toBe(1.5e9);
    expect(parseByteSize('2 GiB', '--x')).toBe(2 * 1024 ** 3);
    for (const bad of ['', '-1', '12XB', '1e9', 'lots'])
      expect(() => parseByteSize(bad, '--external-data-above')).toThrow(
        expect.objectContaining({
          code: 'BAD_CONSTRAINT',
          message: expect.stringContaining('--external-data-above takes a size'),
        }),
      );
  });
});
