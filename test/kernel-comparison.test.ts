/**
 * Measured against predicted with a kernel-level profile: the kernels a tier runs (kept by a
 * `--kernels` calibration) beside the kernel-level predictions, a layer onnxruntime fuses into
 * another's kernel shown as fused into it, in `cutline analyze --measured`, in `cutline profile
 * --from-table --json` and in the rows the studio's This machine tab gets from the host.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilePlan } from '../app/host/profile-job.js';
import { measuredRows } from '../app/renderer/run/measured-rows.js';
import { calibrationScatter } from '../app/renderer/run/calibration-points.js';
import { analyzeFile } from '../core/analyze.js';
import { layerWork, predictComputeMs } from '../core/predict/roofline.js';
import { KERNEL_ATTRIBUTION_VERSION } from '../core/profiling/kernel-attribution.js';
import { compareKernels, findKernelEntry } from '../core/profiling/kernel-comparison.js';
import { calibrateKernels } from '../core/profiling/kernel-calibrate.js';
import { withKernelModels } from '../core/profiling/kernel-fit.js';
import type { KernelEntry } from '../core/profiling/kernel-table.js';
import {
  fileSha256,
  measurementTablePath,
  readMeasurementTable,
  writeMeasurementTable,
} from '../core/profiling/measurement-table-file.js';
import { loadDeviceProfile } from '../core/profiles/load.js';
import type { DeviceProfile } from '../core/profiles/types.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLES = path.resolve(import.meta.dirname, '../samples');
/** One thread: the kernel timing below is keyed by it, as the per-node table is. */
const QUICK = ['--runs', '1', '--warmup', '0', '--threads', '1'];

let tmp: string;
let model: string;
let saved: string;
let profile: DeviceProfile;
let entry: KernelEntry;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-kernel-comparison-test-'));
  model = path.join(tmp, 'resnet.onnx');
  fs.copyFileSync(path.join(SAMPLES, 'resnet-mini.onnx'), model);
  saved = path.join(tmp, 'this-machine.json');
  // The per-node table and roofline profile as `cutline profile --save` keeps them…
  await run(process.execPath, [CLI, 'profile', model, ...QUICK, '--save', saved]);
  // …and the kernel level as `--kernels` adds it, on this model alone (the generated samples take
  // most of a minute; the comparison is the same with or without them).
  const { table: kernels, ...fit } = await calibrateKernels([{ path: model }], {
    runs: 2,
    warmup: 1,
    intraOpThreads: 1,
    withoutSamples: true,
  });
  profile = withKernelModels(loadDeviceProfile(saved), fit, 'measured in the test');
  fs.writeFileSync(saved, JSON.stringify(profile));
  const table = measurementTablePath(saved);
  writeMeasurementTable(table, { ...readMeasurementTable(table), kernels });
  entry = kernels[0]!;
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('measured against predicted, kernel-level', () => {
  it('gives each anchor its measured kernel and prediction, and fused layers to their anchor', () => {
    const analysis = analyzeFile(model);
    expect(findKernelEntry([entry], fileSha256(model), { input: [1, 3, 64, 64] })).toBe(entry);
    expect(findKernelEntry([entry], fileSha256(model), { input: [2, 3, 64, 64] })).toBeNull();
    // Timed with other input values, or split among anchors by older rules: not this timing.
    expect(
      findKernelEntry([entry], fileSha256(model), { input: [1, 3, 64, 64] }, { sr: [16000] }),
    ).toBeNull();
    const older = { ...entry, key: { ...entry.key, attribution: KERNEL_ATTRIBUTION_VERSION - 1 } };
    expect(findKernelEntry([older], fileSha256(model), { input: [1, 3, 64, 64] })).toBeNull();
    const c = compareKernels(analysis, entry, profile);
    const byName = new Map(c.layers.map((l) => [l.name, l]));
    // resnet-mini: BatchNorm and ReLU after a Conv, the residual Add and its ReLU, run in the Conv.
    expect(byName.get('/bn1/BatchNormalization')).toMatchObject({
      fusedInto: '/conv1/Conv',
      measuredMs: null,
      predictedMs: 0,
    });
    expect(byName.get('/relu/Relu')?.fusedInto).toBe('/conv1/Conv');
    expect(byName.get('/layer1/layer1.0/Add')?.fusedInto).toBe('/layer1/layer1.0/conv2/Conv');
    expect(byName.get('/layer1/layer1.0/relu/Relu_1')?.fusedInto).toBe('/layer1/layer1.0/conv2/Conv');
    const fused = c.layers.filter((l) => l.fusedInto !== undefined);
    expect(fused.map((l) => l.opType).sort()).toEqual(
      expect.arrayContaining(['Add', 'BatchNormalization', 'Relu']),
    );
    expect(fused.every((l) => byName.get(l.fusedInto!)?.opType === 'Conv')).toBe(true);
    // Each Conv reads its own anchor's kept median, and its kernel-level prediction.
    const convs = analysis.layers.layers.filter((l) => l.op === 'Conv');
    expect(convs).toHaveLength(9);
    for (const layer of convs) {
      const anchor = entry.anchors.find((a) => a.name === layer.name)!;
      expect(byName.get(layer.name)).toEqual({
        name: layer.name,
        opType: 'Conv',
        measuredMs: anchor.medianMs,
        predictedMs: predictComputeMs(profile, 'fp32', layerWork(analysis, layer)),
      });
      expect(byName.get(layer.name)!.predictedMs).toBeGreaterThan(0);
    }
    const measured = c.layers.filter((l) => l.measuredMs !== null);
    expect(c.measuredSumMs).toBeCloseTo(
      measured.reduce((s, l) => s + l.measuredMs!, 0),
      12,
    );
    // Every kernel onnxruntime ran for a node is in a layer: the sums agree with the timing's.
    expect(c.measuredSumMs).toBeCloseTo(
      entry.anchors.reduce((s, a) => s + a.medianMs, 0),
      12,
    );
    expect(c.timing).toEqual({
      boundaryMs: entry.boundaryMs,
      measuredAt: entry.measuredAt,
      runs: 2,
      intraOpThreads: 1,
    });
  });

  it('cutline analyze --measured holds a kernel-level profile against the kept kernels', async () => {
    const json = JSON.parse(
      (await run(process.execPath, [CLI, 'analyze', model, '--measured', saved, '--json'])).stdout,
    ) as {
      measured: { found: boolean; basis: string; note: string };
      layers: { name: string; measuredMs: number | null; predictedMs: number; fusedInto?: string }[];
    };
    expect(json.measured).toMatchObject({ found: true, basis: 'kernels' });
    const expected = compareKernels(analyzeFile(model), entry, profile).layers;
    expect(json.layers.map((l) => [l.name, l.measuredMs, l.predictedMs, l.fusedInto])).toEqual(
      expected.map((l) => [l.name, l.measuredMs, l.predictedMs, l.fusedInto]),
    );

    const text = (await run(process.execPath, [CLI, 'analyze', model, '--measured', saved])).stdout;
    expect(text).toMatch(/^Measured {2}kernels as a tier runs them \(graph optimisations on, 1 thread\)/m);
    expect(text).toMatch(/^ *2 +\/relu\/Relu +Relu .* fused into #0 +- *$/m);
    expect(text).toMatch(/^ *0 +\/conv1\/Conv +Conv .* \d+\.\d µs +\d+\.\d µs *$/m);

    // No kernel timing kept for the model: said in one line, with how to get one.
    const bare = path.join(tmp, 'no-kernels.json');
    fs.copyFileSync(saved, bare);
    const { kernels, ...perNode } = readMeasurementTable(measurementTablePath(saved));
    expect(kernels).toHaveLength(1);
    writeMeasurementTable(measurementTablePath(bare), perNode);
    const missing = JSON.parse(
      (await run(process.execPath, [CLI, 'analyze', model, '--measured', bare, '--json'])).stdout,
    ) as { measured: { found: boolean; basis: string; note: string }; layers: { measuredMs: unknown }[] };
    expect(missing.measured).toMatchObject({ found: false, basis: 'kernels' });
    expect(missing.measured.note).toContain('holds no kernel timing of this model');
    expect(missing.measured.note).toContain('cutline profile MODEL --kernels --save');
    expect(missing.layers.every((l) => l.measuredMs === null)).toBe(true);
  });

  it('the studio gets kernel rows from the kept calibration, fused layers named in their anchor', async () => {
    const plan = profilePlan(
      { path: model, fileName: 'resnet.onnx', sha256: fileSha256(model), inputs: {} },
      { runs: 1, warmup: 0, fromTable: true },
      saved,
    );
    // The job's command, with the threads this test timed at (the job's own default may differ).
    const { stdout } = await run(process.execPath, [
      CLI,
      ...['profile', model, '--json', '--save', saved, ...QUICK, '--from-table'],
    ]);
    const json = JSON.parse(stdout) as { kernelComparison: { model: string }[] };
    expect(json.kernelComparison.map((m) => m.model)).toEqual(['resnet.onnx']);
    const result = plan.result(stdout.split('\n'))!;
    fs.rmSync(plan.tempDir, { recursive: true, force: true });
    expect(result.note).toMatch(/kernels as a tier runs them/);
    const relu = result.layers.find((l) => l.name === '/relu/Relu');
    expect(relu).toEqual({
      name: '/relu/Relu',
      opType: 'Relu',
      measuredMs: 0,
      predictedMs: 0,
      fusedInto: '/conv1/Conv',
    });
    const conv = result.layers.find((l) => l.name === '/conv1/Conv')!;
    expect(conv.measuredMs).toBe(entry.anchors.find((a) => a.name === '/conv1/Conv')!.medianMs);
    expect(result.totalMeasuredMs).toBeCloseTo(
      entry.anchors.reduce((s, a) => s + a.medianMs, 0),
      12,
    );
    // The table's rows: a fused layer has no error of its own and is not a point of the chart.
    const rows = measuredRows(result);
    expect(rows.find((r) => r.name === '/relu/Relu')).toMatchObject({
      errorPct: null,
      fusedInto: '/conv1/Conv',
    });
    expect(rows.find((r) => r.name === '/conv1/Conv')!.errorPct).not.toBeNull();
    const scatter = calibrationScatter(result);
    const points = scatter.series.flatMap((s) => s.points.map((p) => p.name));
    expect(points).toContain('/conv1/Conv');
    expect(points).not.toContain('/relu/Relu');
  });
});
