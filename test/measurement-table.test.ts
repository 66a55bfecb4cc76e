/**
 * The measured per-layer table a calibration keeps beside its profile: saved and read back as
 * measured (real onnxruntime runs of the samples), refused in one line when broken or hostile
 * (the profile beside it untouched), and reused by the next calibration for unchanged models
 * only (`cutline profile --save` and `analyze --measured`: measurement-table-cli.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCutlineError } from '../core/errors.js';
import { decodeModelProto, encodeModelProto } from '../core/onnx/codec.js';
import {
  MAX_MEASUREMENT_TABLE_BYTES,
  measurementTablePath,
  readMeasurementTable,
  writeMeasurementTable,
} from '../core/profiling/measurement-table-file.js';
import {
  gatherMeasurements,
  type GatherOptions,
  type ModelToCalibrate,
} from '../core/profiling/measurement-table-reuse.js';
import {
  EMPTY_MEASUREMENT_TABLE,
  measuredLayerMs,
  type MeasurementTable,
} from '../core/profiling/measurement-table.js';
import { runOrtProfile } from '../core/profiling/ort-profile.js';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');

let tmp: string;
let resnet: string;
let vehicle: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-measurements-test-'));
  // Copies: the staleness test edits a model's bytes, and the table keeps full paths.
  resnet = path.join(tmp, 'resnet-mini.onnx');
  vehicle = path.join(tmp, 'edge-prune-vehicle.onnx');
  fs.copyFileSync(path.join(SAMPLES, 'resnet-mini.onnx'), resnet);
  fs.copyFileSync(path.join(SAMPLES, 'edge-prune-vehicle.onnx'), vehicle);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One timed run: real kernel times, and the test stays fast. */
function quick(profiledLog: string[], extra: Partial<GatherOptions> = {}): GatherOptions {
  return {
    runs: 1,
    warmup: 0,
    intraOpThreads: 1,
    measure: (model: ModelToCalibrate) => {
      profiledLog.push(path.basename(model.path));
      return runOrtProfile(model.path, { runs: 1, warmup: 0, inputs: model.inputs, intraOpThreads: 1 });
    },
    ...extra,
  };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the measurement table', () => {
  let saved: MeasurementTable;
  const file = (): string => path.join(tmp, 'round-trip.measurements.json');

  it('is saved and read back as measured, with each node time, spread, runs and kernel', async () => {
    const profiled: string[] = [];
    const first = await gatherMeasurements(
      [{ path: resnet, inputs: {} }],
      EMPTY_MEASUREMENT_TABLE,
      quick(profiled),
    );
    expect(profiled).toEqual(['resnet-mini.onnx']);
    saved = first.table;
    writeMeasurementTable(file(), saved);
    const back = readMeasurementTable(file());
    expect(back).toEqual(saved);
    const [entry] = back.models;
    expect(entry!.key.inputShapes).toEqual({ input: [1, 3, 64, 64] });
    expect(entry!.key.intraOpThreads).toBe(1);
    expect(entry!.key.graphOptimizationLevel).toBe('disabled');
    expect(entry!.modelPath).toBe(resnet);
    const conv = entry!.nodes.find((n) => n.name === '/conv1/Conv')!;
    expect(conv.medianMs).toBeGreaterThan(0);
    expect(conv.kernels).toEqual(['Conv']);
    expect(conv.samples).toBe(1);
    expect(conv.iqrMs).toBe(0);
    // The measurement the calibration fitted on is the one the table answers with.
    const measuredConv = first.profiled[0]!.measurement.nodes.find((n) => n.name === '/conv1/Conv')!;
    expect(measuredLayerMs(back, entry!.key.modelSha256, '/conv1/Conv')).toBe(measuredConv.medianMs);
    expect(measuredLayerMs(back, entry!.key.modelSha256, 'no such layer')).toBeNull();
    expect(measuredLayerMs(back, 'f'.repeat(64), '/conv1/Conv')).toBeNull();
    expect(measurementTablePath('/a/this-machine.json')).toBe('/a/this-machine.measurements.json');
  });

  it('refuses a broken or hostile table in one line and leaves the profile beside it alone', () => {
    const profile = path.join(tmp, 'hostile.json');
    fs.writeFileSync(profile, '{"kept": true}\n');
    const table = measurementTablePath(profile);
    const entry = saved.models[0]!;
    const cases: [string, string | (() => void), RegExp][] = [
      ['not JSON', '{"format": "cutline-measurements", ', /not valid JSON/],
      ['another file', JSON.stringify({ format: 'something-else', version: 1, models: [] }), /format/],
      [
        'a negative time',
        JSON.stringify({ ...saved, models: [{ ...entry, nodes: [{ ...entry.nodes[0]!, medianMs: -1 }] }] }),
        /models\.0\.nodes\.0\.medianMs/,
      ],
      [
        'a hash that is not one',
        JSON.stringify({ ...saved, models: [{ ...entry, key: { ...entry.key, modelSha256: '../../etc' } }] }),
        /modelSha256/,
      ],
      [
        'a name with a terminal escape and a line break, and a million kernels',
        JSON.stringify({
          ...saved,
          models: [{ ...entry, nodes: [{ ...entry.nodes[0]!, kernels: Array(1e6).fill('\x1b[2J\nx') }] }],
        }),
        /kernels/,
      ],
      [
        'more bytes than a table may have',
        () => fs.truncateSync(table, MAX_MEASUREMENT_TABLE_BYTES + 1),
        /more than the \d+ a table may have/,
      ],
    ];
    for (const [what, content, why] of cases) {
      if (typeof content === 'string') fs.writeFileSync(table, content);
      else {
        fs.writeFileSync(table, '');
        content();
      }
      const error = thrown(() => readMeasurementTable(table));
      expect(isCutlineError(error), what).toBe(true);
      const { message, code } = error as Error & { code: string };
      expect(code, what).toBe('BAD_PROFILE');
      expect(message, what).toMatch(why);
      expect(message.includes('\n') || message.includes('\x1b'), what).toBe(false);
      expect(message.length, what).toBeLessThan(500);
      expect(fs.readFileSync(profile, 'utf8'), what).toBe('{"kept": true}\n');
    }
    expect(readMeasurementTable(path.join(tmp, 'none.measurements.json'))).toEqual(EMPTY_MEASUREMENT_TABLE);
  });

  it('reuses unchanged models: a second calibration with one model added times only that model', async () => {
    const profiled: string[] = [];
    const second = await gatherMeasurements(
      [
        { path: resnet, inputs: {} },
        { path: vehicle, inputs: {} },
      ],
      saved,
      quick(profiled),
    );
    expect(profiled).toEqual(['edge-prune-vehicle.onnx']);
    expect(second.reused.map((r) => path.basename(r.path))).toEqual(['resnet-mini.onnx']);
    expect(second.measured).toEqual([{ path: vehicle, reason: 'not measured before' }]);
    // The fit takes both: the reused model's times are the saved ones.
    expect(second.profiled.map((p) => path.basename(p.measurement.modelPath))).toEqual([
      'resnet-mini.onnx',
      'edge-prune-vehicle.onnx',
    ]);
    expect(second.profiled[0]!.measurement.nodes.map((n) => n.medianMs)).toEqual(
      saved.models[0]!.nodes.map((n) => n.medianMs),
    );
    expect(second.table.models).toHaveLength(2);
    saved = second.table;

    // Naming one model again refits on both: the other is still where it was, unchanged.
    const third: string[] = [];
    const again = await gatherMeasurements([{ path: vehicle, inputs: {} }], saved, quick(third));
    expect(third).toEqual([]);
    expect(again.reused.map((r) => [path.basename(r.path), r.earlier])).toEqual([
      ['edge-prune-vehicle.onnx', false],
      ['resnet-mini.onnx', true],
    ]);
    expect(again.table).toBe(saved);

    // More runs asked, other shapes, or --remeasure: timed again.
    const more: string[] = [];
    const moreRuns = await gatherMeasurements([{ path: vehicle, inputs: {} }], saved, {
      ...quick(more),
      runs: 2,
      measure: (model) => {
        more.push(path.basename(model.path));
        return runOrtProfile(model.path, { runs: 2, warmup: 0, inputs: model.inputs, intraOpThreads: 1 });
      },
    });
    expect(more).toEqual(['edge-prune-vehicle.onnx', 'resnet-mini.onnx']);
    expect(moreRuns.measured[0]!.reason).toBe('stale: 1 runs then, 2 asked');
    const forced: string[] = [];
    await gatherMeasurements([{ path: vehicle, inputs: {} }], saved, quick(forced, { remeasure: true }));
    expect(forced).toEqual(['edge-prune-vehicle.onnx', 'resnet-mini.onnx']);
  });

  it('times a model again when its bytes changed, and a table-only calibration refuses it', async () => {
    const model = decodeModelProto(fs.readFileSync(resnet));
    fs.writeFileSync(resnet, encodeModelProto({ ...model, docString: 'edited after calibration' }));
    const tableOnly = await gatherMeasurements(
      [{ path: resnet, inputs: {} }],
      saved,
      quick([], { tableOnly: true }),
    ).catch((error: unknown) => error);
    expect(isCutlineError(tableOnly) && tableOnly.code).toBe('PROFILE_NOT_FOUND');
    expect((tableOnly as Error).message).toMatch(/resnet-mini\.onnx \(stale: the model file changed\)/);
    const profiled: string[] = [];
    const after = await gatherMeasurements([{ path: resnet, inputs: {} }], saved, quick(profiled));
    // The vehicle's entry still holds: only the edited model is timed.
    expect(profiled).toEqual(['resnet-mini.onnx']);
    expect(after.measured[0]!.reason).toBe('stale: the model file changed');
    expect(after.reused.map((r) => path.basename(r.path))).toEqual(['edge-prune-vehicle.onnx']);
    // The edited model's entry is a new one; the old bytes' entry stays until the bound drops it.
    expect(after.table.models).toHaveLength(3);
  });
});
