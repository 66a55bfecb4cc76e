/**
 * A data-dependent layer predicted from a measurement: on the SSD-like detector, `cutline profile
 * --save` times the NonMaxSuppression and what it sizes in onnxruntime; with that table a tier
 * running this machine's calibrated profile costs them at their measured medians, another
 * device's tier at the measurement scaled by the two devices' predictions, and `cutline solve
 * --measured` plans with those figures (no `≥`). Without a measurement the lower bound stays.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { dataDependentPerTier, measuredPerTier } from '../core/costs/data-dependent-figures.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { partitionSource } from '../core/partition/source.js';
import {
  measurementTablePath,
  readMeasurementTable,
  fileSha256,
} from '../core/profiling/measurement-table-file.js';
import { sourceWithTableEntry, tableEntryFor } from '../core/profiling/measured-source.js';
import { loadDeviceProfile, loadTopology } from '../core/profiles/load.js';
import { detectorModel, writeHereTopology } from './support/data-dependent-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const FLAGGED = ['cloud_nms', 'cloud_box_index', 'cloud_detections', 'cloud_sum'];

let dir: string;
let model: string;
let profilePath: string;
let topologyPath: string;

const cutline = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 })).stdout;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-dd-measured-'));
  model = path.join(dir, 'detector.onnx');
  fs.writeFileSync(model, detectorModel());
  profilePath = path.join(dir, 'this-machine.json');
  await cutline('profile', model, '--runs', '5', '--warmup', '1', '--threads', '1', '--save', profilePath);
  topologyPath = writeHereTopology(dir);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('data-dependent layers predicted from a measurement', () => {
  it('costs them at the measured median on this machine and scaled on other devices', () => {
    const analysis = analyzeFile(model);
    const { source } = partitionSource(analysis);
    const table = readMeasurementTable(measurementTablePath(profilePath));
    const entry = tableEntryFor(table, fileSha256(model), analysis);
    expect(entry).not.toBeNull();
    // Timed on random data: no answer for a run fed values (it may take another branch).
    expect(tableEntryFor(table, fileSha256(model), analysis, {}, [{ name: 'image', data: [0] }])).toBeNull();
    const machine = loadDeviceProfile(profilePath);
    const measured = sourceWithTableEntry(source, entry!, machine);
    const loaded = loadTopology(topologyPath);
    const bound = problemFromSource(source, loaded);
    const problem = problemFromSource(measured, loaded);
    const k = 3;
    const median = new Map(entry!.nodes.map((n) => [n.name, n.medianMs]));

    expect(measured.measured?.units.map((m) => source.units[m.unit]!.name)).toEqual(FLAGGED);
    for (const m of measured.measured!.units) {
      const unit = source.units[m.unit]!;
      const timed = (unit.nodes ?? []).reduce((sum, n) => sum + (median.get(n) ?? 0), 0);
      expect(timed).toBeGreaterThan(0);
      expect(m.measuredMs).toBeCloseTo(timed, 12);
      // On the tier running this machine's calibrated profile: the measured time itself.
      expect(problem.computeMs[m.unit * k]).toBeCloseTo(timed, 12);
      // Elsewhere: the measurement × (that device's prediction ÷ this machine's), same sizes.
      for (const t of [1, 2]) {
        const ratio = bound.computeMs[m.unit * k + t]! / bound.computeMs[m.unit * k]!;
        expect(problem.computeMs[m.unit * k + t]).toBeCloseTo(timed * ratio, 9);
      }
      expect(problem.units[m.unit]!.measured?.perTier).toEqual(['measured', 'scaled', 'scaled']);
    }
    // Layers with a static cost keep their prediction.
    source.units.forEach((unit, u) => {
      if (unit.dataDependent) return;
      for (let t = 0; t < k; t++) expect(problem.computeMs[u * k + t]).toBe(bound.computeMs[u * k + t]);
    });

    // The figures: no lower bound where a measurement costs the layers, and which kind it is.
    const allOn = (tier: number) => new Uint8Array(problem.units.length).fill(tier);
    for (const [tier, mark] of [
      [0, 'measured'],
      [1, 'scaled'],
    ] as const) {
      const placement = allOn(tier);
      expect(dataDependentPerTier(problem.units, (_, u) => placement[u]!, k)[tier]).toBeNull();
      expect(dataDependentPerTier(bound.units, (_, u) => placement[u]!, k)[tier]).toMatch(
        /NonMaxSuppression/,
      );
      expect(measuredPerTier(problem.units, (_, u) => placement[u]!, k)[tier]).toBe(mark);
    }
    // evaluatePlacement reads the measured figures: all on the device sums them.
    const device = evaluatePlacement(problem, allOn(0));
    const sum = problem.units.reduce((s, _, u) => s + problem.computeMs[u * k]!, 0);
    expect(device.computeMsPerTier[0]).toBeCloseTo(sum, 9);
  });

  it('keeps the bound where no ratio exists, and ignores measurements that name no unit', () => {
    const { source } = partitionSource(analyzeFile(model));
    const topology = loadTopology(topologyPath);
    const bound = problemFromSource(source, topology);
    const nms = source.units.findIndex((u) => u.name === 'cloud_nms');
    const machine = loadDeviceProfile(profilePath).name;
    const problem = problemFromSource(
      {
        ...source,
        measured: {
          machine,
          measuredAt: '2026-12-07T10:00:00.000Z',
          units: [
            // This machine predicted nothing for it: only its own tier can take the measurement.
            { unit: nms, measuredMs: 0.5, predictedMs: 0 },
            { unit: nms, measuredMs: 9, predictedMs: 1 },
            { unit: source.units.length, measuredMs: 1, predictedMs: 1 },
            { unit: -1, measuredMs: 1, predictedMs: 1 },
            { unit: 0.5, measuredMs: 1, predictedMs: 1 },
          ],
        },
      },
      topology,
    );
    expect(problem.units[nms]!.measured?.perTier).toEqual(['measured', null, null]);
    expect(problem.computeMs[nms * 3]).toBe(0.5);
    expect(problem.computeMs[nms * 3 + 1]).toBe(bound.computeMs[nms * 3 + 1]);
    // The edge keeps its bound: the figures still say why.
    const onEdge = new Uint8Array(problem.units.length).fill(1);
    expect(dataDependentPerTier(problem.units, (_, u) => onEdge[u]!, 3)[1]).toMatch(/NonMaxSuppression/);
    expect(problem.units.filter((u) => u.measured)).toHaveLength(1);
    // Another machine's measurement: no tier runs it, every tier scales it.
    const elsewhere = problemFromSource(
      {
        ...source,
        measured: {
          machine: 'This machine: another CPU',
          measuredAt: '',
          units: [{ unit: nms, measuredMs: 2, predictedMs: 1 }],
        },
      },
      topology,
    );
    expect(elsewhere.units[nms]!.measured?.perTier).toEqual(['scaled', 'scaled', 'scaled']);
    expect(elsewhere.computeMs[nms * 3 + 2]).toBeCloseTo(2 * bound.computeMs[nms * 3 + 2]!, 12);
    // A ratio over a vanishing prediction (from a hostile page) is no figure: the bounds stay.
    const vanishing = problemFromSource(
      {
        ...source,
        measured: {
          machine: 'This machine: another CPU',
          measuredAt: '',
          units: [{ unit: nms, measuredMs: 1e12, predictedMs: 1e-200 }],
        },
      },
      topology,
    );
    expect(vanishing.units[nms]!.measured?.perTier).toEqual([null, null, null]);
    expect([...vanishing.computeMs]).toEqual([...bound.computeMs]);
    // A kernel-level fit can predict a tiny layer at ~1e-6 ms; the ratio divides by no less than
    // 1 µs, so a 5 µs measurement scales to 5× the tier's prediction, not 5,000×.
    const tiny = problemFromSource(
      {
        ...source,
        measured: {
          machine: 'This machine: another CPU',
          measuredAt: '',
          units: [{ unit: nms, measuredMs: 0.005, predictedMs: 1e-6 }],
        },
      },
      topology,
    );
    expect(tiny.computeMs[nms * 3 + 2]).toBeCloseTo(5 * bound.computeMs[nms * 3 + 2]!, 12);
  });

  it('cutline solve --measured plans with the measured figures; without a measurement the bound stays', async () => {
    type SolveJson = {
      measured?: string;
      plans: {
        computeMsPerTier: Record<string, number>;
        dataDependentPerTier: Record<string, string | null>;
        measuredPerTier: Record<string, string | null>;
        layerPlacement: Record<string, string>;
      }[];
    };
    const solve = async (...extra: string[]): Promise<SolveJson> =>
      JSON.parse(
        await cutline('solve', model, '-t', topologyPath, '-s', 'min-cut', '--json', ...extra),
      ) as SolveJson;

    // NMS and what it sizes pinned on the Pi edge: scaled there.
    const pins = FLAGGED.flatMap((name) => ['-c', `pin:${name}=edge`]);
    const withTable = await solve('--measured', profilePath, ...pins);
    expect(withTable.measured).toMatch(/^4 data-dependent layers measured on this machine/);
    const plan = withTable.plans[0]!;
    expect(plan.measuredPerTier.edge).toBe('scaled');
    expect(Object.values(plan.dataDependentPerTier).every((r) => r === null)).toBe(true);

    const without = (await solve(...pins)).plans[0]!;
    expect(without.dataDependentPerTier.edge).toMatch(/NonMaxSuppression/);
    expect(without.measuredPerTier.edge).toBeNull();
    // The scaled measurement (5 µs-scale kernels on this machine) differs from the static bound.
    expect(plan.computeMsPerTier.edge).not.toBeCloseTo(without.computeMsPerTier.edge!, 6);

    // Everything on this machine: the device's compute is the same problem's, measured.
    const text = await cutline(
      'solve',
      model,
      '-t',
      topologyPath,
      '-s',
      'min-cut',
      '--measured',
      profilePath,
    );
    expect(text).toMatch(/^Measured {4}4 data-dependent layers measured on this machine .* UTC/m);
    expect(text).not.toMatch(/^Data-dep\./m);
    expect(text).not.toContain('≥');

    // A profile whose table holds nothing of this model: the bound stays, and the line says why.
    const bare = path.join(dir, 'bare.json');
    fs.copyFileSync(profilePath, bare);
    const unmeasured = await cutline('solve', model, '-t', topologyPath, '-s', 'min-cut', '--measured', bare);
    expect(unmeasured).toMatch(/^Measured {4}.*bare\.measurements\.json holds no measurement of this model/m);
    expect(unmeasured).toMatch(/^Data-dep\. {3}4 layers are data-dependent/m);
    expect(unmeasured).toMatch(/min-cut\s+≥ \d+\.\d\d/);
  });
});
