/**
 * What the Export result says a bundle holds, and where the next export goes: the host reads a
 * real bundle back (`cutline export` of the vehicle classifier split device → edge → cloud, once
 * for stock servers with the local fallback and once relayed without it) and finds a free sibling
 * folder; the result's lines are those of that reading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportBundleHolds, freshSiblingDir } from '../../app/host/export-bundle-holds.js';
import { bundleItems } from '../../app/renderer/run/export-summary.js';
import type { ExportResult } from '../../app/shared/studio-api.js';
import { exportCommand } from '../../app/cli/export.js';
import { analyzeFile } from '../../core/analyze.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { loadTopology } from '../../core/profiles/load.js';

const VEHICLE = path.resolve('samples/edge-prune-vehicle.onnx');
const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';
let dir: string;
let stockDir: string;
let relayDir: string;
let segments: ExportResult['segments'];

/** `cutline export` of the vehicle model split device → edge → cloud, with `options`. */
async function exportBundle(
  out: string,
  options: { readonly onUnreachable: 'fail' | 'local'; readonly serving?: 'stock' },
): Promise<void> {
  const quiet = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  const progress = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  try {
    const code = await exportCommand(VEHICLE, {
      topology: TOPOLOGY,
      placement: path.join(dir, 'placement.json'),
      constraint: [],
      input: [],
      out,
      verify: false,
      json: true,
      ...options,
    });
    expect(code).toBe(0);
  } finally {
    quiet.mockRestore();
    progress.mockRestore();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bundle-holds-'));
  // The first three layers on the device, the next three on the edge, the rest in the cloud.
  const { problem } = buildPartitionProblem(analyzeFile(VEHICLE), loadTopology(TOPOLOGY));
  const layers = problem.units.map((unit) => unit.name);
  const placement = Object.fromEntries(
    layers.map((id, i) => [id, i < 3 ? 'device' : i < 6 ? 'edge' : 'cloud']),
  );
  fs.writeFileSync(path.join(dir, 'placement.json'), JSON.stringify(placement));
  stockDir = path.join(dir, 'stock');
  relayDir = path.join(dir, 'relay');
  await exportBundle(stockDir, { serving: 'stock', onUnreachable: 'local' });
  await exportBundle(relayDir, { onUnreachable: 'fail' });
  // The segments as the export job's result lists them (only tier and file matter here).
  const manifest = JSON.parse(fs.readFileSync(path.join(stockDir, 'manifest.json'), 'utf8')) as {
    tiers: { name: string }[];
    segments: { id: string; tier: number; file: string }[];
  };
  segments = manifest.segments.map((s) => ({
    id: s.id,
    tier: manifest.tiers[s.tier]!.name as ExportResult['segments'][number]['tier'],
    file: s.file,
    bytes: 0,
    data: null,
    inputs: [],
    outputs: [],
  }));
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tierTitle = (tier: string): string => tier[0]!.toUpperCase() + tier.slice(1);

describe('what an exported bundle holds, read back from its folder', () => {
  it('a stock bundle with the fallback: its README, Triton repository, KServe file and whole model', () => {
    const holds = exportBundleHolds(stockDir)!;
    expect(holds).toEqual({
      serving: 'stock',
      readme: path.join(stockDir, 'README.md'),
      tritonRepository: 'cloud/triton',
      kserve: 'cloud/kserve.yaml',
      wholeModel: 'device/model.onnx',
    });
    for (const file of [holds.readme!, path.join(stockDir, holds.wholeModel!)])
      expect(fs.statSync(file).isFile()).toBe(true);
    expect(fs.statSync(path.join(stockDir, 'cloud', 'triton')).isDirectory()).toBe(true);
    const result = { bundleDir: stockDir, segments: segments, holds } as ExportResult;
    expect(bundleItems(result, tierTitle)).toEqual([
      {
        text: '3 segments for Device, Edge, Cloud, each tier with its runtime, Dockerfile and run.sh',
        path: null,
      },
      {
        text: 'A Triton model repository (1 cloud segment, written once: the cloud tier serves it from there too)',
        path: 'cloud/triton/',
      },
      { text: 'A KServe InferenceService for that repository', path: 'cloud/kserve.yaml' },
      {
        text: 'The whole model, for the device to run when a tier is unreachable',
        path: 'device/model.onnx',
      },
      {
        text: 'Served by stock OIP servers (Triton, KServe, …) that the device calls one by one; the predicted figures are that mode’s',
        path: null,
      },
    ]);
  });

  it('a relay bundle without the fallback carries no whole model, and says so', () => {
    const holds = exportBundleHolds(relayDir)!;
    expect(holds.serving).toBe('relay');
    expect(holds.wholeModel).toBeNull();
    expect(fs.existsSync(path.join(relayDir, 'device', 'model.onnx'))).toBe(false);
    const items = bundleItems({ segments: segments, holds } as ExportResult, tierTitle);
    expect(items.map((i) => i.text)).toContain(
      'No whole model: the device fails a request when a tier is unreachable',
    );
    expect(items.at(-1)!.text).toBe("Served by Cutline's tiers, each relaying the request to the next");
    // An older host's result, without what the bundle holds: no list rather than a wrong one.
    expect(bundleItems({ segments: segments } as ExportResult, tierTitle)).toEqual([]);
  });

  it('a folder without a readable manifest holds nothing the result can name', () => {
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(plain);
    expect(exportBundleHolds(plain)).toBeNull();
    fs.writeFileSync(path.join(plain, 'manifest.json'), '{not json');
    expect(exportBundleHolds(plain)).toBeNull();
  });
});

describe('the folder of the next export', () => {
  it('is the first free sibling, counted on from the first name and skipping taken .zip names', () => {
    const base = path.join(dir, 'sibling', 'bundle');
    fs.mkdirSync(base, { recursive: true });
    expect(freshSiblingDir(base)).toBe(`${base}-2`);
    fs.mkdirSync(`${base}-2`);
    fs.writeFileSync(`${base}-3.zip`, '');
    expect(freshSiblingDir(base)).toBe(`${base}-4`);
    // From NAME-2 it counts on from NAME, not NAME-2-2.
    expect(freshSiblingDir(`${base}-2`)).toBe(`${base}-4`);
    // A number that belongs to the name (a minute stamp, or NAME-7 with no NAME beside it) stays.
    const stamped = path.join(dir, 'sibling', 'model-20261207-0545');
    expect(freshSiblingDir(stamped)).toBe(`${stamped}-2`);
    expect(freshSiblingDir(path.join(dir, 'sibling', 'other-7'))).toBe(
      path.join(dir, 'sibling', 'other-7-2'),
    );
  });
});
