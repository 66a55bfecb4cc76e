/**
 * Which models a calibration must time and which it can take from the measurement table: a
 * model whose table entry has the same file hash, input shapes, input values, onnxruntime
 * version, session options, CPU and at least the runs asked is reused; any other is timed again. Models the table
 * holds from earlier calibrations on this machine join the fit while their file is still where
 * it was with the same bytes, so a recalibration after adding a model refits on all of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { analyzeModel } from '../analyze.js';
import { CutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { readModelFile } from '../onnx/read.js';
import type { InputValueText } from '../shape/input-values.js';
import { plainName } from '../text/quote-name.js';
import { valueBoundShapes } from './feeds.js';
import { fileSha256, thisCpu } from './measurement-table-file.js';
import {
  measurementFromTable,
  measurementKey,
  measurementsOf,
  sameEnvironment,
  staleReason,
  withMeasurements,
  type MeasurementKey,
  type MeasurementTable,
  type ModelMeasurements,
} from './measurement-table.js';
import { PROFILED_GRAPH_OPTIMIZATION, type OrtProfile } from './ort-profile.js';
import { valuesKeyOf, valuesOfKey, type ValuesKey } from './table-values.js';

export interface ModelToCalibrate {
  readonly path: string;
  /** Input bindings; symbolic dimensions not bound count as 1, as `runOrtProfile` does. */
  readonly inputs: Readonly<Record<string, Shape>>;
  /** Values fed to some inputs (`--input-value`); random data for the others. */
  readonly inputValues?: readonly InputValueText[];
}

export interface GatherOptions {
  readonly runs: number;
  readonly warmup: number;
  /** ORT's intra-op thread count; null for its default. */
  readonly intraOpThreads: number | null;
  /** Time every model again, whatever the table holds. */
  readonly remeasure?: boolean;
  /** Time nothing: a model the table cannot answer for is an error (PROFILE_NOT_FOUND). */
  readonly tableOnly?: boolean;
  /** Times one model (`runOrtProfile` with the caller's progress and signal). */
  readonly measure: (model: ModelToCalibrate) => Promise<OrtProfile>;
  readonly now?: () => Date;
}

export interface ReusedModel {
  readonly path: string;
  readonly measuredAt: string;
  readonly runs: number;
  /** Not named by this calibration: an earlier one measured it and its file is unchanged. */
  readonly earlier: boolean;
}

export interface MeasuredModel {
  readonly path: string;
  /** Why it was timed: not in the table, stale (and why), or asked to re-measure. */
  readonly reason: string;
}

export interface GatheredMeasurements {
  /** Named models first (in order), then the earlier ones; what the fit takes. */
  readonly profiled: readonly OrtProfile[];
  readonly reused: readonly ReusedModel[];
  readonly measured: readonly MeasuredModel[];
  /** The table with every model timed now in place of its older entry. */
  readonly table: MeasurementTable;
}

export async function gatherMeasurements(
  models: readonly ModelToCalibrate[],
  table: MeasurementTable,
  options: GatherOptions,
): Promise<GatheredMeasurements> {
  const cpu = thisCpu();
  const ortVersion = ort.env.versions.node ?? ort.env.versions.common;
  const keyOf = (shapes: Readonly<Record<string, readonly number[]>>, sha: string, values?: ValuesKey) =>
    ({
      modelSha256: sha,
      inputShapes: shapes,
      ...(values ? { inputValues: values } : {}),
      ortVersion,
      graphOptimizationLevel: PROFILED_GRAPH_OPTIMIZATION,
      executionMode: 'sequential',
      intraOpThreads: options.intraOpThreads,
      interOpThreads: null,
      cpu,
    }) satisfies MeasurementKey;
  const wanted = { runs: options.runs, warmup: options.warmup };
  const profiled: OrtProfile[] = [];
  const reused: ReusedModel[] = [];
  const measured: MeasuredModel[] = [];
  const fresh: ModelMeasurements[] = [];
  const hashes = new Set<string>();

  const take = async (model: ModelToCalibrate, sha: string, earlier: boolean): Promise<void> => {
    const proto = readModelFile(model.path);
    const graph = analyzeModel(proto).graph;
    const inputValues = model.inputValues ?? [];
    const shapes = valueBoundShapes(graph, model.inputs, inputValues);
    const key = keyOf(shapes, sha, valuesKeyOf(inputValues));
    const entry = options.remeasure
      ? null
      : (table.models.find((m) => staleReason(m, key, wanted) === null) ?? null);
    if (entry) {
      const analysis = analyzeModel(proto, { inputShapes: shapes, inputValues });
      profiled.push({ analysis, measurement: measurementFromTable(entry, model.path) });
      reused.push({ path: model.path, measuredAt: entry.measuredAt, runs: entry.runs, earlier });
      return;
    }
    const reason = options.remeasure ? 'asked to measure again' : whyMeasure(table, key, model.path, wanted);
    if (options.tableOnly) {
      throw new CutlineError(
        'PROFILE_NOT_FOUND',
        `This machine has no usable measurements of ${plainName(model.path, 200)} (${reason}). Calibrate on it to measure it.`,
      );
    }
    const profile = await options.measure(model);
    profiled.push(profile);
    measured.push({ path: model.path, reason });
    // Kept as a full path: a later calibration, from any folder, finds the file again.
    const measurement = { ...profile.measurement, modelPath: path.resolve(model.path) };
    fresh.push(measurementsOf(measurement, measurementKey(measurement, sha, cpu), now(options)));
  };

  for (const model of models) {
    const sha = fileSha256(model.path);
    hashes.add(sha);
    await take(model, sha, false);
  }
  // Earlier models of this machine and session, newest first, one entry per file.
  const environment = keyOf({}, '0'.repeat(64));
  const seen = new Set<string>();
  for (const entry of table.models) {
    if (hashes.has(entry.key.modelSha256) || seen.has(entry.modelPath)) continue;
    if (!sameEnvironment(entry.key, environment)) continue;
    seen.add(entry.modelPath);
    if (!stillThere(entry)) continue;
    hashes.add(entry.key.modelSha256);
    const inputValues = valuesOfKey(entry.key.inputValues);
    await take(
      {
        path: entry.modelPath,
        inputs: entry.key.inputShapes,
        ...(inputValues.length > 0 ? { inputValues } : {}),
      },
      entry.key.modelSha256,
      true,
    );
  }
  return { profiled, reused, measured, table: withMeasurements(table, fresh) };
}

function now(options: GatherOptions): Date {
  return options.now?.() ?? new Date();
}

/** The file an earlier entry was measured from is where it was, with the same bytes. */
function stillThere(entry: ModelMeasurements): boolean {
  try {
    return fs.statSync(entry.modelPath).isFile() && fileSha256(entry.modelPath) === entry.key.modelSha256;
  } catch {
    return false;
  }
}

/** Why the table cannot answer for the model at `modelPath` with `key`. */
function whyMeasure(
  table: MeasurementTable,
  key: MeasurementKey,
  modelPath: string,
  wanted: { readonly runs: number; readonly warmup: number },
): string {
  // The entry most like this one says what changed: same bytes first, then the same file.
  const same =
    table.models.find((m) => m.key.modelSha256 === key.modelSha256) ??
    table.models.find((m) => m.modelPath === modelPath);
  if (!same) return 'not measured before';
  return `stale: ${staleReason(same, key, wanted) ?? 'changed'}`;
}
