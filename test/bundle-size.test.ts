/**
 * A bundle holds each weight once (issue 14, point 4): the cloud tier serves its sub-models from
 * Triton's repository (no second copy), and the whole model is shipped only for the device's
 * local fallback. Measured on the vehicle CNN and on a generated decoder of a few hundred MB whose
 * weights are a sparse external-data file, each split device → edge → cloud and written with the
 * real tier runtime and as a .zip: with the fallback off, the bundle on disk (allocated blocks)
 * and in bytes, and the .zip's entries, are at most 1.1 × the model (model file + data file),
 * past the runtime's fixed size; with it on, the bundle carries the whole model once more.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { analyzeFile } from '../core/analyze.js';
import { writeRuntime } from '../core/bundle/runtime-build.js';
import { writeBundle, type WrittenBundle } from '../core/bundle/write-bundle.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { decoderConfig, writeDecoder } from './support/decoder-model.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

const MIB = 1024 ** 2;
let work: string;
/** The real tier runtime, built once and copied into every bundle. */
let runtimeDir: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bundle-size-'));
  runtimeDir = path.join(work, 'runtime-build');
  await writeRuntime(runtimeDir);
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Every regular file under `dir`, bundle-relative with `/`. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => fs.lstatSync(path.join(dir, name)).isFile())
    .map((name) => name.split(path.sep).join('/'));
}

interface Footprint {
  /** Sizes of the files (a hole counts), each inode once. */
  readonly bytes: number;
  /** Blocks the files occupy on disk, each inode once. */
  readonly allocatedBytes: number;
  /** `bytes` of the model files only (.onnx and their .data). */
  readonly modelFileBytes: number;
  /** `bytes` of `runtime/` (fixed: the same for every bundle). */
  readonly runtimeBytes: number;
}

function footprint(dir: string): Footprint {
  const seen = new Set<string>();
  let bytes = 0;
  let allocatedBytes = 0;
  let modelFileBytes = 0;
  let runtimeBytes = 0;
  for (const name of filesUnder(dir)) {
    const stat = fs.statSync(path.join(dir, name));
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) continue;
    seen.add(inode);
    bytes += stat.size;
    allocatedBytes += stat.blocks * 512;
    if (/\.onnx(\.data)?$/.test(name)) modelFileBytes += stat.size;
    if (name.startsWith('runtime/')) runtimeBytes += stat.size;
  }
  return { bytes, allocatedBytes, modelFileBytes, runtimeBytes };
}

/** Uncompressed bytes of a .zip's entries, all and the model files', from its central directory. */
function zipEntryBytes(file: string): Promise<{ all: number; modelFiles: number }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`${file}: no zip`));
      let all = 0;
      let modelFiles = 0;
      zip.on('entry', (entry: yauzl.Entry) => {
        all += entry.uncompressedSize;
        if (/\.onnx(\.data)?$/.test(entry.fileName)) modelFiles += entry.uncompressedSize;
        zip.readEntry();
      });
      zip.on('end', () => resolve({ all, modelFiles }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The model's layers in thirds: device, edge, cloud; written as a folder and a .zip. */
async function exportThirds(
  name: string,
  modelPath: string,
  onUnreachable: 'fail' | 'local',
  zip = true,
): Promise<WrittenBundle> {
  const analysis = analyzeFile(modelPath);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const units = built.problem.units.length;
  const placement = Uint8Array.from(
    built.problem.units.map((_, u) => (u < units / 3 ? 0 : u < (2 * units) / 3 ? 1 : 2)),
  );
  return writeBundle({
    outDir: path.join(work, name),
    analysis,
    modelBytes: new Uint8Array(fs.readFileSync(modelPath)),
    modelName: name,
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'thirds'),
    zip,
    onUnreachable,
    writeRuntime: async (dir) => fs.cpSync(runtimeDir, dir, { recursive: true }),
  });
}

/** The model's size as the brief counts it: its file and its external-data file. */
function modelBytes(modelPath: string, dataPath?: string): number {
  return fs.statSync(modelPath).size + (dataPath ? fs.statSync(dataPath).size : 0);
}

/** The model files on disk are exactly those the manifest lists: no copy of any of them. */
function expectEachModelOnce(bundle: WrittenBundle): void {
  const { manifest } = bundle;
  const listed = [
    ...manifest.segments.flatMap((s) => [s.file, ...(s.data ? [s.data.file] : [])]),
    ...(manifest.model.file ? [manifest.model.file] : []),
    ...(manifest.model.data ? [manifest.model.data.file] : []),
  ];
  const onDisk = filesUnder(bundle.dir).filter((name) => /\.onnx(\.data)?$/.test(name));
  expect(onDisk.sort()).toEqual([...listed].sort());
  const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
  const cloudSegments = manifest.segments.filter((s) => s.tier === cloud);
  expect(cloudSegments.length).toBeGreaterThan(0);
  // The cloud tier serves Triton's entries: each beside its config.pbtxt.
  for (const s of cloudSegments) {
    expect(s.file).toBe(`cloud/triton/${s.id}/1/model.onnx`);
    expect(fs.existsSync(path.join(bundle.dir, 'cloud', 'triton', s.id, 'config.pbtxt'))).toBe(true);
  }
}

const mib = (bytes: number): string => `${(bytes / MIB).toFixed(2)} MiB`;
const times = (bytes: number, model: number): string => `${(bytes / model).toFixed(3)}×`;

async function measure(
  label: string,
  bundle: WrittenBundle,
  model: number,
): Promise<Footprint & { zipEntryBytes: number; zipModelFileBytes: number }> {
  const size = footprint(bundle.dir);
  const zip = bundle.zipPath ? await zipEntryBytes(bundle.zipPath) : { all: NaN, modelFiles: NaN };
  const zipEntries = zip.all;
  console.log(
    `[bundle-size] ${label}: model ${mib(model)}; bundle ${mib(size.bytes)} (${times(size.bytes, model)}), ` +
      `on disk ${mib(size.allocatedBytes)} (${times(size.allocatedBytes, model)}), ` +
      `model files ${mib(size.modelFileBytes)} (${times(size.modelFileBytes, model)}), ` +
      `runtime ${mib(size.runtimeBytes)}` +
      (bundle.zipPath
        ? `; .zip entries ${mib(zipEntries)} (${times(zipEntries, model)}), .zip file ${mib(fs.statSync(bundle.zipPath).size)}`
        : ''),
  );
  return { ...size, zipEntryBytes: zipEntries, zipModelFileBytes: zip.modelFiles };
}

describe('bundle size: each weight once', () => {
  it('the vehicle CNN: at most 1.1 × the model past the runtime with the fallback off, the whole model once more with it on', async () => {
    const model = modelBytes(VEHICLE_MODEL);
    const off = await exportThirds('vehicle-off', VEHICLE_MODEL, 'fail');
    expectEachModelOnce(off);
    expect(off.manifest.model.file).toBeUndefined();
    const sizeOff = await measure('vehicle, fallback off', off, model);
    expect(sizeOff.modelFileBytes).toBeLessThanOrEqual(1.1 * model);
    expect(sizeOff.zipModelFileBytes).toBe(sizeOff.modelFileBytes);
    // The runtime (~1.3 MiB) is the same in every bundle: the rest is held to 1.1 × the model.
    for (const bytes of [sizeOff.bytes, sizeOff.allocatedBytes, sizeOff.zipEntryBytes])
      expect(bytes - sizeOff.runtimeBytes).toBeLessThanOrEqual(1.1 * model);

    const on = await exportThirds('vehicle-on', VEHICLE_MODEL, 'local');
    expectEachModelOnce(on);
    expect(on.manifest.model.file).toBe('device/model.onnx');
    expect(fs.statSync(path.join(on.dir, 'device', 'model.onnx')).size).toBe(model);
    const sizeOn = await measure('vehicle, fallback on', on, model);
    // The split's files and the whole model: twice the model, once each.
    expect(sizeOn.modelFileBytes - model).toBe(sizeOff.modelFileBytes);
    expect(sizeOn.zipModelFileBytes - model).toBe(sizeOff.zipModelFileBytes);
  }, 60_000);

  it('a generated decoder of a few hundred MB in a sparse data file: at most 1.1 × the model, bundle and .zip; the whole model once more with the fallback on', async () => {
    // 2 blocks of hidden 1024 and a 32,000-word vocabulary: about 91 M parameters, 350 MiB.
    const dir = path.join(work, 'decoder');
    fs.mkdirSync(dir);
    const written = writeDecoder(
      path.join(dir, 'decoder.onnx'),
      decoderConfig({ layers: 2, hidden: 1024, vocab: 32_000 }),
      { external: true },
    );
    const model = modelBytes(written.modelPath, written.dataPath);
    expect(model).toBeGreaterThan(300 * MIB);
    const off = await exportThirds('decoder-off', written.modelPath, 'fail');
    expectEachModelOnce(off);
    expect(off.manifest.segments.every((s) => s.data !== undefined)).toBe(true);
    const size = await measure('decoder, fallback off', off, model);
    for (const bytes of [size.bytes, size.allocatedBytes, size.modelFileBytes, size.zipEntryBytes])
      expect(bytes).toBeLessThanOrEqual(1.1 * model);

    // With the fallback: the whole model once more, with its own data file on the device (no .zip:
    // the folder says it, and zipping twice the zeros would only cost time).
    const on = await exportThirds('decoder-on', written.modelPath, 'local', false);
    expectEachModelOnce(on);
    expect(on.manifest.model.data?.file).toBe('device/model.onnx.data');
    const sizeOn = await measure('decoder, fallback on', on, model);
    const whole = fs.statSync(path.join(on.dir, 'device', 'model.onnx')).size + on.manifest.model.data!.bytes;
    expect(sizeOn.modelFileBytes - whole).toBe(size.modelFileBytes);
    expect(whole).toBeGreaterThanOrEqual(0.99 * model);
    expect(whole).toBeLessThanOrEqual(1.1 * model);
  }, 120_000);
});
