/**
 * The deployment bundle on disk: one folder per tier with its sub-models and Dockerfile, a valid
 * manifest whose hashes match the files, a compose file, a Triton repository for the cloud, a
 * README, and the same in a .zip; a tampered sub-model or a broken manifest is refused by name.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { parseManifest } from '../core/bundle/manifest.js';
import { serveTier } from '../core/bundle/tier-server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'cutline.js');
let work: string;
let bundle: string;
let exported: { segments: { id: string; tier: string }[]; verification: { maxAbsDiff: number; ok: boolean } };

function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bundle-'));
  bundle = path.join(work, 'resnet');
  // Device → cloud → device around the middle of resnet-mini (RoaD-RuNNer's shape).
  const layers = (
    JSON.parse(
      (await run(process.execPath, [CLI, 'analyze', path.join(ROOT, 'samples/resnet-mini.onnx'), '--json']))
        .stdout,
    ) as { layers: { name: string }[] }
  ).layers;
  const placement = Object.fromEntries(layers.map((l, i) => [l.name, i > 8 && i < 20 ? 'cloud' : 'device']));
  fs.writeFileSync(path.join(work, 'placement.json'), JSON.stringify({ placement }));
  const { stdout } = await run(process.execPath, [
    CLI,
    'export',
    path.join(ROOT, 'samples/resnet-mini.onnx'),
    '-t',
    'pi4-wifi-edge-wan-cloud',
    '--placement',
    path.join(work, 'placement.json'),
    '--out',
    bundle,
    '--zip',
    '--json',
  ]);
  exported = JSON.parse(stdout) as typeof exported;
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('cutline export', () => {
  it('writes a folder per tier, the manifest, runtime, Dockerfiles, compose, Triton and README, verified', () => {
    expect(exported.segments.map((s) => `${s.id}:${s.tier}`)).toEqual([
      'device-0:device',
      'cloud-1:cloud',
      'device-2:device',
    ]);
    expect(exported.verification.ok).toBe(true);
    expect(exported.verification.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    const manifest = parseManifest(
      JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8')),
      'manifest.json',
    );
    for (const segment of manifest.segments) {
      const bytes = fs.readFileSync(path.join(bundle, segment.file));
      expect(segment.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(segment.sha256);
    }
    for (const tier of ['device', 'edge', 'cloud']) {
      expect(fs.readFileSync(path.join(bundle, tier, 'Dockerfile'), 'utf8')).toMatch(/cutline-tier\.mjs/);
      expect(fs.readFileSync(path.join(bundle, tier, 'run.sh'), 'utf8')).toContain(`--tier ${tier}`);
    }
    const compose = fs.readFileSync(path.join(bundle, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/CUTLINE_UP_URL: http:\/\/cloud:8812/);
    // Plain HTTP with the token in clear: only the device, and only on this host's loopback.
    expect(compose.match(/^ {6}- "[^"]*"$/gm)).toEqual(['      - "127.0.0.1:8810:8810"']);
    expect(fs.readFileSync(path.join(bundle, 'README.md'), 'utf8')).toContain(
      "Only the device's port is published, and on this host's loopback alone (`127.0.0.1:8810`)",
    );
    const triton = fs.readFileSync(path.join(bundle, 'cloud', 'triton', 'cloud-1', 'config.pbtxt'), 'utf8');
    expect(triton).toMatch(/platform: "onnxruntime_onnx"/);
    expect(triton).toMatch(/data_type: TYPE_FP32/);
    // The cloud tier serves Triton's entry itself: one file, no second copy beside it.
    expect(manifest.segments.find((s) => s.id === 'cloud-1')!.file).toBe('cloud/triton/cloud-1/1/model.onnx');
    expect(fs.existsSync(path.join(bundle, 'cloud', 'cloud-1.onnx'))).toBe(false);
    expect(fs.readFileSync(path.join(bundle, 'README.md'), 'utf8')).toMatch(/Open Inference Protocol/);
    expect(fs.existsSync(path.join(bundle, 'runtime', 'cutline-tier.mjs'))).toBe(true);
    expect(
      JSON.parse(fs.readFileSync(path.join(bundle, 'runtime', 'package.json'), 'utf8')).dependencies,
    ).toHaveProperty('onnxruntime-node');
  });

  it('the Triton copy of the cloud sub-model loads in onnxruntime with the declared inputs', async () => {
    const session = await ort.InferenceSession.create(
      path.join(bundle, 'cloud', 'triton', 'cloud-1', '1', 'model.onnx'),
    );
    const triton = fs.readFileSync(path.join(bundle, 'cloud', 'triton', 'cloud-1', 'config.pbtxt'), 'utf8');
    for (const name of session.inputNames) expect(triton).toContain(`name: "${name}"`);
    await session.release();
  });

  it('zips the same files', async () => {
    const entries = (await zipEntries(`${bundle}.zip`)).map((e) => e.replace(/^resnet\//, '')).sort();
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(path.relative(bundle, full).split(path.sep).join('/'));
      }
    };
    walk(bundle);
    expect(entries).toEqual(files.sort());
  });

  it('refuses to overwrite a bundle without --force', async () => {
    await expect(
      run(process.execPath, [
        CLI,
        'export',
        path.join(ROOT, 'samples/resnet-mini.onnx'),
        '-t',
        'pi4-wifi-edge-wan-cloud',
        '--solver',
        'tiers',
        '--out',
        bundle,
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(
        /BAD_BUNDLE: .* exists and is not empty; choose another --out or pass --force/,
      ),
    });
  });

  it('a tier refuses a tampered sub-model and a broken manifest, naming what is wrong', async () => {
    const copy = path.join(work, 'tampered');
    fs.cpSync(bundle, copy, { recursive: true });
    const manifest = parseManifest(
      JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')),
      'manifest.json',
    );
    const file = path.join(copy, 'cloud', 'triton', 'cloud-1', '1', 'model.onnx');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    await expect(
      serveTier({ manifest, bundleDir: copy, tier: 2, token: manifest.runtime.token }),
    ).rejects.toThrow(/cloud\/triton\/cloud-1\/1\/model\.onnx is not the file the manifest lists/);
    const broken = { ...manifest, runtime: { ...manifest.runtime, maxRequestBytes: -1 } };
    expect(() => parseManifest(broken, 'manifest.json')).toThrow(
      /manifest\.json: runtime\.maxRequestBytes: /,
    );
  });
});
