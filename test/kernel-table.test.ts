/**
 * The kernel-level timings kept in the measurement table: a second `--kernels` calibration with
 * the same inputs times nothing and fits the same predictor, a changed onnxruntime version or
 * thread count (or --remeasure) times again, the section reads back as written, older tables
 * without it read unchanged, and a hostile section is refused in one BAD_PROFILE line.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCutlineError } from '../core/errors.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { calibrateKernels } from '../core/profiling/kernel-calibrate.js';
import { kernelSamples } from '../core/profiling/kernel-samples.js';
import type { KernelEntry } from '../core/profiling/kernel-table.js';
import { readMeasurementTable, writeMeasurementTable } from '../core/profiling/measurement-table-file.js';
import { EMPTY_MEASUREMENT_TABLE } from '../core/profiling/measurement-table.js';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');
const model = { path: path.join(SAMPLES, 'resnet-mini.onnx') };
const options = { runs: 2, warmup: 1, intraOpThreads: 1, withoutSamples: true } as const;

let tmp: string;
let first: Awaited<ReturnType<typeof calibrateKernels>>;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-kernel-table-test-'));
  first = await calibrateKernels([model], { ...options, table: [] });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('kernel timings kept in the measurement table', () => {
  it('times a model once, then reuses its timing and fits the same predictor', async () => {
    expect(first.timed).toBe(1);
    expect(first.reused).toBe(0);
    expect(first.table).toHaveLength(1);
    const entry = first.table[0]!;
    expect(entry.key.modelSha256).toBe(
      createHash('sha256').update(fs.readFileSync(model.path)).digest('hex'),
    );
    expect(entry.key).toMatchObject({ graphOptimizationLevel: 'all', intraOpThreads: 1 });
    expect(entry.anchors.length).toBeGreaterThan(0);

    const second = await calibrateKernels([model], { ...options, table: first.table });
    expect(second.timed).toBe(0);
    expect(second.reused).toBe(1);
    expect(second.table).toEqual(first.table);
    expect(second.kernelModels).toEqual(first.kernelModels);
    expect(second.contextFactor).toBe(first.contextFactor);
  });

  it('times again for other threads, another onnxruntime version, or when asked', async () => {
    const threads = await calibrateKernels([model], { ...options, intraOpThreads: 2, table: first.table });
    expect(threads.timed).toBe(1);
    // Both kept: each stands for its own thread count.
    expect(threads.table.map((e) => e.key.intraOpThreads).sort()).toEqual([1, 2]);

    const older: KernelEntry[] = first.table.map((e) => ({ ...e, key: { ...e.key, ortVersion: '0.0.1' } }));
    const upgraded = await calibrateKernels([model], { ...options, table: older });
    expect(upgraded.timed).toBe(1);
    expect(upgraded.table.map((e) => e.key.ortVersion)).toEqual([first.table[0]!.key.ortVersion, '0.0.1']);

    const fewer = await calibrateKernels([model], { ...options, runs: 3, table: first.table });
    expect(fewer.timed).toBe(1);

    const again = await calibrateKernels([model], { ...options, table: first.table, remeasure: true });
    expect(again.timed).toBe(1);
    expect(again.reused).toBe(0);
    expect(again.table).toHaveLength(1);
  });

  it('keys a generated sample by the bytes its generator makes, the same every time', () => {
    const hash = (): string[] =>
      kernelSamples()
        .slice(0, 5)
        .map((s) => createHash('sha256').update(encodeModelProto(s.proto)).digest('hex'));
    const a = hash();
    expect(hash()).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it('reads the section back as written, and an older table without it unchanged', () => {
    const file = path.join(tmp, 'p.measurements.json');
    writeMeasurementTable(file, { ...EMPTY_MEASUREMENT_TABLE, kernels: first.table });
    expect(readMeasurementTable(file).kernels).toEqual(first.table);
    writeMeasurementTable(file, EMPTY_MEASUREMENT_TABLE);
    const older = readMeasurementTable(file);
    expect(older).toEqual(EMPTY_MEASUREMENT_TABLE);
    expect(older.kernels).toBeUndefined();
  });

  it('refuses a hostile kernel section in one BAD_PROFILE line', () => {
    const file = path.join(tmp, 'hostile.measurements.json');
    const entry = first.table[0]!;
    const hostile: unknown[] = [
      [{ ...entry, anchors: [{ index: 0, name: 'x', medianMs: -1, quietMs: 0 }] }],
      [{ ...entry, key: { ...entry.key, modelSha256: '../../etc/passwd' } }],
      [{ ...entry, wallMs: 'fast' }],
      [{ ...entry, extra: { __proto__: { polluted: true } } }],
      Array.from({ length: 2049 }, () => entry),
      'not a list',
    ];
    for (const kernels of hostile) {
      fs.writeFileSync(file, JSON.stringify({ ...EMPTY_MEASUREMENT_TABLE, kernels }));
      let caught: unknown;
      try {
        readMeasurementTable(file);
      } catch (error) {
        caught = error;
      }
      expect(isCutlineError(caught) && caught.code).toBe('BAD_PROFILE');
      const message = (caught as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain('kernels');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
