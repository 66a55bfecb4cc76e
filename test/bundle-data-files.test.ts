/**
 * A bundle whose models keep their weights in data files deploys with them: the README lists each
 * data file with its model and says to copy it with its `.onnx`; every tier's Dockerfile copies a
 * folder that holds each of that tier's data files (compose builds from those Dockerfiles), and
 * a cloud segment, served from Triton's repository, has its data file beside `model.onnx` there
 * (one copy, read by Cutline's tier and Triton alike). A bundle without data files says nothing
 * of them. Real bundles of the vehicle CNN split device → edge → cloud.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { writeBundle, type WrittenBundle } from '../core/bundle/write-bundle.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { formatMiB } from '../core/partition/constraints.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

let work: string;
let withData: WrittenBundle;
let inline: WrittenBundle;

function exportVehicle(outDir: string, externalDataAbove?: number): Promise<WrittenBundle> {
  const modelBytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  const analysis = analyzeBytes(modelBytes);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
  return writeBundle({
    outDir,
    analysis,
    modelBytes,
    modelName: 'vehicle',
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'three tiers'),
    // With the device's fallback, so the bundle carries the whole model (and its data file) too.
    onUnreachable: 'local',
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');
    },
    ...(externalDataAbove !== undefined ? { externalDataAbove } : {}),
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bundle-data-'));
  withData = await exportVehicle(path.join(work, 'with-data'), 1024);
  inline = await exportVehicle(path.join(work, 'inline'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const read = (bundle: WrittenBundle, file: string): string =>
  fs.readFileSync(path.join(bundle.dir, file), 'utf8');

describe('a bundle with data files, deployed', () => {
  it('lists each data file in the README with its model, and says to copy it with its .onnx', () => {
    const { manifest } = withData;
    const readme = read(withData, 'README.md');
    const models = [...manifest.segments, manifest.model];
    expect(models.every((m) => m.data !== undefined)).toBe(true);
    for (const m of models) {
      expect(readme).toContain(`- \`${m.data!.file}\` (${formatMiB(m.data!.bytes)}): the weights of`);
      expect(readme).toContain(`(\`${m.file}\`)`);
    }
    for (const s of manifest.segments) expect(readme).toContain(`\`${s.file}\` + \`${s.data!.file}\``);
    expect(readme).toContain('Copy each data file with its `.onnx`, into the same');
    expect(readme).toContain('`cloud/triton/<segment>/1/`');
  });

  it("copies each tier's data files in its Dockerfile, compose builds those, Triton reads the cloud's", () => {
    const { manifest } = withData;
    const compose = read(withData, 'compose.yaml');
    manifest.tiers.forEach((tier, t) => {
      const copied = [...read(withData, `${tier.name}/Dockerfile`).matchAll(/^COPY (\S+) (\S+)$/gm)].map(
        ([, from]) => from!,
      );
      const models = [...manifest.segments.filter((s) => s.tier === t), ...(t === 0 ? [manifest.model] : [])];
      expect(models.length).toBeGreaterThan(0);
      for (const m of models) {
        // Copied by a folder that holds it (the tier's), and really there in the build context.
        for (const file of [m.file!, m.data!.file])
          expect(copied.some((from) => from.endsWith('/') && file.startsWith(from))).toBe(true);
        expect(fs.statSync(path.join(withData.dir, m.data!.file)).size).toBe(m.data!.bytes);
      }
      expect(compose).toContain(`dockerfile: ${tier.name}/Dockerfile`);
    });
    const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
    for (const s of manifest.segments.filter((s) => s.tier === cloud)) {
      const triton = path.join(withData.dir, 'cloud', 'triton', s.id, '1');
      expect(fs.statSync(path.join(triton, path.basename(s.data!.file))).size).toBe(s.data!.bytes);
    }
  });

  it('says nothing of data files when every model is self-contained', () => {
    const readme = read(inline, 'README.md');
    expect([...inline.manifest.segments, inline.manifest.model].some((m) => m.data)).toBe(false);
    expect(readme).not.toContain('data file');
    expect(readme).not.toContain('.onnx.data');
  });
});
