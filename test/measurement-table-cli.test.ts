/**
 * `cutline profile --save` keeps its measurements beside the profile: it says where the table
 * went, reuses it when a model is added (timing only that one), answers from it with
 * --from-table, survives a broken table with a one-line warning (the profile untouched), and
 * `cutline analyze --measured` puts each layer's measured time beside the profile's prediction.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurementTablePath, readMeasurementTable } from '../core/profiling/measurement-table-file.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLES = path.resolve(import.meta.dirname, '../samples');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-measurements-cli-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cutline profile --save keeps its measurements', () => {
  it('says where the table went, reuses it for an added model, and survives a broken one', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
    const model = path.join(dir, 'vehicle.onnx');
    const other = path.join(dir, 'resnet.onnx');
    fs.copyFileSync(path.join(SAMPLES, 'edge-prune-vehicle.onnx'), model);
    fs.copyFileSync(path.join(SAMPLES, 'resnet-mini.onnx'), other);
    const save = path.join(dir, 'this-machine.json');
    const quickArgs = ['--runs', '1', '--warmup', '0', '--threads', '1', '--save', save];
    const first = await run(process.execPath, [CLI, 'profile', model, ...quickArgs]);
    expect(first.stdout).toMatch(/^Measured {2}vehicle\.onnx: not measured before$/m);
    expect(first.stdout).toContain(
      `Table     measurements of 1 model saved to ${measurementTablePath(save)}`,
    );

    const second = await run(process.execPath, [CLI, 'profile', model, other, ...quickArgs, '--json']);
    const json = JSON.parse(second.stdout) as {
      measurementTable: { reused: { model: string }[]; measured: { model: string }[]; models: number };
      models: { model: string }[];
    };
    expect(json.measurementTable.reused.map((r) => r.model)).toEqual([model]);
    expect(json.measurementTable.measured.map((m) => m.model)).toEqual([other]);
    expect(json.models.map((m) => m.model)).toEqual(['vehicle.onnx', 'resnet.onnx']);
    expect(readMeasurementTable(measurementTablePath(save)).models).toHaveLength(2);

    // analyze --measured: each layer's time from the table beside the profile's prediction.
    const analyzed = JSON.parse(
      (await run(process.execPath, [CLI, 'analyze', model, '--measured', save, '--json'])).stdout,
    ) as {
      measured: { found: boolean };
      layers: { name: string; measuredMs: number | null; predictedMs: number }[];
    };
    expect(analyzed.measured.found).toBe(true);
    const entry = readMeasurementTable(measurementTablePath(save)).models.find((m) => m.modelPath === model)!;
    expect(analyzed.layers.map((l) => [l.name, l.measuredMs])).toEqual(
      entry.nodes.map((n) => [n.name, n.medianMs]),
    );
    expect(analyzed.layers.every((l) => l.predictedMs > 0)).toBe(true);
    const text = (await run(process.execPath, [CLI, 'analyze', model, '--measured', save])).stdout;
    expect(text).toMatch(
      /^Measured {2}measured on this machine .* UTC \(1 runs, medians; .*\); predicted by This machine/m,
    );
    expect(text).toMatch(
      /^\s*#\s+name\s+op\s+output shape\s+MACs\s+FLOPs\s+params\s+output\s+measured\s+predicted$/m,
    );

    const profileBefore = fs.readFileSync(save, 'utf8');
    fs.writeFileSync(measurementTablePath(save), '{ broken');
    const fromTable = await run(process.execPath, [
      CLI,
      'profile',
      model,
      ...quickArgs,
      '--from-table',
    ]).catch((error: { code: number; stderr: string }) => error);
    expect('code' in fromTable && fromTable.code).toBe(2);
    expect(fromTable.stderr).toMatch(/^cutline: BAD_PROFILE: The measurement table .* cannot be read/m);
    expect(fs.readFileSync(save, 'utf8')).toBe(profileBefore);
    const third = await run(process.execPath, [CLI, 'profile', model, ...quickArgs]);
    expect(third.stderr).toMatch(
      /^cutline: warning: The measurement table .* cannot be read \(.*not valid JSON/m,
    );
    expect(third.stdout).toMatch(/^Measured {2}vehicle\.onnx: not measured before$/m);
    expect(readMeasurementTable(measurementTablePath(save)).models).toHaveLength(1);
  });
});
