/**
 * A bundle whose model names external data anywhere but the data file its manifest lists (another
 * file of the bundle, `../`, an absolute path, a range past the end, odd keys), or whose data file
 * was changed, cut or listed outside its model's folder: refused with BAD_BUNDLE before
 * onnxruntime reads a byte (readCheckedModel, serveTier, the manifest's own checks).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { parseManifest, type BundleManifest } from '../core/bundle/manifest.js';
import { readCheckedModel } from '../core/bundle/read-checked.js';
import { serveTier } from '../core/bundle/tier-server.js';
import type { WrittenBundle } from '../core/bundle/write-bundle.js';
import { hashFile } from '../core/export/file-hash.js';
import { decodeModelProto, encodeModelProto } from '../core/onnx/codec.js';
import { exportModel, readManifest } from './support/external-data-export.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

let work: string;
/** The vehicle CNN (inline weights) exported with external data forced for every model. */
let forced: WrittenBundle;

beforeAll(async () => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-external-refused-')));
  const bytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  forced = await exportModel(path.join(work, 'forced'), analyzeBytes(bytes), bytes, 0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a bundle whose model points its external data anywhere but its listed file', () => {
  /** A copy of the forced bundle whose cloud segment's first external tensor is changed by `edit`. */
  function tampered(name: string, edit: (entries: { key: string; value: string }[], dir: string) => void) {
    const dir = path.join(work, name);
    fs.cpSync(forced.dir, dir, { recursive: true });
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
    const index = raw.segments.findIndex((s) => s.tier === 2);
    const segment = raw.segments[index]!;
    const proto = decodeModelProto(new Uint8Array(fs.readFileSync(path.join(dir, segment.file))));
    const tensor = proto.graph!.initializer!.find((t) => t.dataLocation === 1)!;
    const entries = tensor.externalData!.map((e) => ({ key: e.key ?? '', value: e.value ?? '' }));
    edit(entries, dir);
    tensor.externalData = entries;
    const bytes = encodeModelProto(proto);
    fs.writeFileSync(path.join(dir, segment.file), bytes);
    raw.segments[index] = { ...segment, sha256: hashFile(path.join(dir, segment.file)) };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
    return { dir, manifest: readManifest(dir), segment: raw.segments[index]!, tensor: tensor.name! };
  }
  const set = (entries: { key: string; value: string }[], key: string, value: string): void => {
    entries.find((e) => e.key === key)!.value = value;
  };

  it('is refused with BAD_BUNDLE: another file of the bundle, ../, an absolute path, a range past the end', () => {
    const cases = [
      [
        'other-file',
        (e: { key: string; value: string }[]) => set(e, 'location', 'Dockerfile'),
        'keeps its data in "Dockerfile"',
      ],
      [
        'parent',
        (e: { key: string; value: string }[]) => set(e, 'location', '../device/model.onnx.data'),
        'keeps its data in "../device/model.onnx.data"',
      ],
      [
        'absolute',
        (e: { key: string; value: string }[]) =>
          set(e, 'location', path.join(forced.dir, forced.manifest.segments[2]!.data!.file)),
        'keeps its data in',
      ],
      [
        'past-end',
        (e: { key: string; value: string }[]) =>
          set(e, 'offset', String(forced.manifest.segments[2]!.data!.bytes)),
        'asks for bytes',
      ],
      [
        'not-a-number',
        (e: { key: string; value: string }[]) => set(e, 'offset', '0x10'),
        'has no plain offset',
      ],
      [
        'twice',
        (e: { key: string; value: string }[]) => e.push({ key: 'location', value: '/etc/passwd' }),
        'lists external_data key "location" twice',
      ],
      [
        'unknown-key',
        (e: { key: string; value: string }[]) => e.push({ key: 'basepath', value: '/' }),
        'has an unknown external_data key "basepath"',
      ],
    ] as const;
    for (const [name, edit, message] of cases) {
      const evil = tampered(`evil-${name}`, edit);
      expect(() => readCheckedModel(evil.dir, evil.segment), name).toThrow(
        expect.objectContaining({
          code: 'BAD_BUNDLE',
          message: expect.stringContaining(`tensor "${evil.tensor}" ${message}`),
        }),
      );
    }
  });

  it('is refused by serveTier before onnxruntime reads anything', async () => {
    const evil = tampered('evil-served', (e) => set(e, 'location', 'run.sh'));
    await expect(
      serveTier({
        manifest: evil.manifest,
        bundleDir: evil.dir,
        tier: 2,
        token: evil.manifest.runtime.token,
      }),
    ).rejects.toMatchObject({ code: 'BAD_BUNDLE' });
  });

  it('is refused when the data file is changed, cut, or listed outside its model folder', () => {
    const segment = forced.manifest.segments[2]!;
    const changed = path.join(work, 'evil-changed');
    fs.cpSync(forced.dir, changed, { recursive: true });
    const dataPath = path.join(changed, segment.data!.file);
    const fd = fs.openSync(dataPath, 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, 0);
    fs.closeSync(fd);
    expect(() => readCheckedModel(changed, segment)).toThrow(
      expect.objectContaining({ code: 'BAD_BUNDLE', message: expect.stringContaining('SHA-256 differs') }),
    );
    fs.truncateSync(dataPath, segment.data!.bytes - 1);
    expect(() => readCheckedModel(changed, segment)).toThrow(
      expect.objectContaining({ code: 'BAD_BUNDLE', message: expect.stringContaining('not the') }),
    );

    const raw = JSON.parse(JSON.stringify(forced.manifest)) as BundleManifest;
    raw.segments[2] = { ...segment, data: { ...segment.data!, file: 'device/model.onnx.data' } };
    expect(() => parseManifest(raw, 'manifest.json')).toThrow(
      expect.objectContaining({
        code: 'BAD_BUNDLE',
        message: expect.stringContaining(
          'segments[2].data.file: "device/model.onnx.data" is not in the folder',
        ),
      }),
    );
    raw.segments[2] = { ...segment, data: { ...segment.data!, file: '../x.data' } };
    expect(() => parseManifest(raw, 'manifest.json')).toThrow(/leads outside the bundle/);
    raw.segments[2] = { ...segment, data: { ...segment.data!, sha256: 'ABC' } };
    expect(() => parseManifest(raw, 'manifest.json')).toThrow(/segments\[2\]\.data\.sha256/);
  });
});
