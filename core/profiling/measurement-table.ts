/**
 * The measured per-layer table a calibration keeps beside its device profile
 * (`<profile>.measurements.json`): per model, each node's kernel time on this machine, so a
 * later calibration reuses what is still valid instead of timing it again, and the studio and
 * the CLI can put a measured time beside a predicted one.
 *
 * A model's measurements hold only for the same work on the same machine: the key is the
 * model file's SHA-256, the bound input shapes, the onnxruntime version, the profiled session's
 * options (graph optimisation, execution mode, thread counts) and the CPU. Anything else
 * differing makes the entry stale. Pure data and rules here; reading and writing the file is
 * measurement-table-file.ts.
 */
import { z } from 'zod';
import { keptPeakSchema, type KeptPeak } from './kept-peak.js';
import { kernelSectionSchema, type KernelEntry } from './kernel-table.js';
import { sameValues, valuesKeySchema, type ValuesKey } from './table-values.js';
import type { NodeTiming, OrtMeasurement } from './ort-profile.js';

export const MEASUREMENT_TABLE_FORMAT = 'cutline-measurements';
export const MEASUREMENT_TABLE_VERSION = 1;
/** Models kept; the oldest measured go first. A calibration set is a handful of models. */
export const MAX_TABLE_MODELS = 64;
/** Nodes kept per model: well above any model Cutline profiles in minutes. */
export const MAX_TABLE_NODES = 100_000;
/** Distinct kernel names kept per node, each cut to KERNEL_NAME_LIMIT characters. */
export const MAX_NODE_KERNELS = 8;
const KERNEL_NAME_LIMIT = 200;
const NAME_LIMIT = 4096;

/** What a measurement depends on besides the node itself: all of it must match to reuse it. */
export interface MeasurementKey {
  /** SHA-256 of the model file's bytes, lowercase hex. */
  readonly modelSha256: string;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  /** Values fed to some inputs (table-values.ts); absent when every input was random data. */
  readonly inputValues?: ValuesKey | undefined;
  readonly ortVersion: string;
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  readonly executionMode: 'sequential' | 'parallel';
  /** null: onnxruntime's default. */
  readonly intraOpThreads: number | null;
  readonly interOpThreads: number | null;
  /** The CPU's model name and logical core count, as `os.cpus()` reports them. */
  readonly cpu: string;
}

export interface MeasuredNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  /** Median kernel time over the timed runs, ms; null when onnxruntime ran no kernel for it. */
  readonly medianMs: number | null;
  /** Interquartile range of the kernel time, ms; null when unmeasured or not recorded. */
  readonly iqrMs: number | null;
  /** Timed runs the node's kernel ran in. */
  readonly samples: number;
  /** The kernels onnxruntime ran for the node (its profile's `op_name`). */
  readonly kernels: readonly string[];
}

export interface ModelMeasurements {
  readonly key: MeasurementKey;
  /** The file's name when measured (for people; the hash identifies the model). */
  readonly modelName: string;
  /** Where it was when measured: a later calibration refits on it while it is still there. */
  readonly modelPath: string;
  /** ISO 8601 time of the measurement. */
  readonly measuredAt: string;
  readonly runs: number;
  readonly warmup: number;
  readonly kernelSumMs: number;
  readonly profiledRunMs: number;
  /** null when not measured (an imported profile). */
  readonly optimisedRunMs: number | null;
  readonly nodes: readonly MeasuredNode[];
}

export interface MeasurementTable {
  readonly format: typeof MEASUREMENT_TABLE_FORMAT;
  readonly version: typeof MEASUREMENT_TABLE_VERSION;
  readonly models: readonly ModelMeasurements[];
  /** Kernel-level timings of `--kernels` calibrations (kernel-table.ts); absent in older tables. */
  readonly kernels?: readonly KernelEntry[] | undefined;
  /** The host peak the last calibration measured (kept-peak.ts); absent in older tables. */
  readonly peak?: KeptPeak | undefined;
}

export const EMPTY_MEASUREMENT_TABLE: MeasurementTable = {
  format: MEASUREMENT_TABLE_FORMAT,
  version: MEASUREMENT_TABLE_VERSION,
  models: [],
};

const ms = z.number().finite().nonnegative();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const threads = z.number().int().min(1).max(4096).nullable();

const keySchema = z.strictObject({
  modelSha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputShapes: z.record(z.string().max(NAME_LIMIT), z.array(count).max(64)),
  inputValues: valuesKeySchema.optional(),
  ortVersion: z.string().max(100),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
  executionMode: z.enum(['sequential', 'parallel']),
  intraOpThreads: threads,
  interOpThreads: threads,
  cpu: z.string().max(500),
});

const nodeSchema = z.strictObject({
  index: count,
  name: z.string().max(NAME_LIMIT),
  opType: z.string().max(NAME_LIMIT),
  medianMs: ms.nullable(),
  iqrMs: ms.nullable(),
  samples: count,
  kernels: z.array(z.string().max(KERNEL_NAME_LIMIT)).max(MAX_NODE_KERNELS),
});

const modelSchema = z.strictObject({
  key: keySchema,
  modelName: z.string().max(NAME_LIMIT),
  modelPath: z.string().max(NAME_LIMIT),
  measuredAt: z.iso.datetime(),
  runs: count.min(1),
  warmup: count,
  kernelSumMs: ms,
  profiledRunMs: ms,
  optimisedRunMs: ms.nullable(),
  nodes: z.array(nodeSchema).max(MAX_TABLE_NODES),
});

export const measurementTableSchema = z.strictObject({
  format: z.literal(MEASUREMENT_TABLE_FORMAT),
  version: z.literal(MEASUREMENT_TABLE_VERSION),
  models: z.array(modelSchema).max(MAX_TABLE_MODELS),
  kernels: kernelSectionSchema.optional(),
  peak: keptPeakSchema.optional(),
});

/** Why an entry cannot stand for a model now: null when it can. */
export function staleReason(
  entry: ModelMeasurements,
  key: MeasurementKey,
  wanted: { readonly runs: number; readonly warmup: number },
): string | null {
  const was = entry.key;
  if (was.modelSha256 !== key.modelSha256) return 'the model file changed';
  if (!sameShapes(was.inputShapes, key.inputShapes)) return 'other input shapes';
  if (!sameValues(was.inputValues, key.inputValues)) return 'other input values';
  if (was.ortVersion !== key.ortVersion) return `onnxruntime ${was.ortVersion} then, ${key.ortVersion} now`;
  if (was.cpu !== key.cpu) return 'measured on another CPU';
  if (
    was.graphOptimizationLevel !== key.graphOptimizationLevel ||
    was.executionMode !== key.executionMode ||
    was.intraOpThreads !== key.intraOpThreads ||
    was.interOpThreads !== key.interOpThreads
  )
    return 'other session options or thread counts';
  if (entry.runs < wanted.runs) return `${entry.runs} runs then, ${wanted.runs} asked`;
  if (entry.warmup < wanted.warmup) return `${entry.warmup} warm-up runs then, ${wanted.warmup} asked`;
  return null;
}

function sameShapes(
  a: Readonly<Record<string, readonly number[]>>,
  b: Readonly<Record<string, readonly number[]>>,
): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => {
    const x = a[name];
    const y = b[name];
    return x !== undefined && y !== undefined && x.length === y.length && x.every((d, i) => d === y[i]);
  });
}

/** Whether two keys describe the same machine and session (the model aside). */
export function sameEnvironment(a: MeasurementKey, b: MeasurementKey): boolean {
  return (
    a.ortVersion === b.ortVersion &&
    a.cpu === b.cpu &&
    a.graphOptimizationLevel === b.graphOptimizationLevel &&
    a.executionMode === b.executionMode &&
    a.intraOpThreads === b.intraOpThreads &&
    a.interOpThreads === b.interOpThreads
  );
}

/** The entry for the model `key` names (any runs), or null. */
export function findMeasurements(table: MeasurementTable, key: MeasurementKey): ModelMeasurements | null {
  return table.models.find((m) => staleReason(m, key, { runs: 0, warmup: 0 }) === null) ?? null;
}

/** The key of a measurement made here, of the file whose SHA-256 is `modelSha256`. */
export function measurementKey(
  measurement: OrtMeasurement,
  modelSha256: string,
  cpu: string,
): MeasurementKey {
  return {
    modelSha256,
    inputShapes: measurement.inputShapes,
    ...(measurement.inputValues ? { inputValues: measurement.inputValues } : {}),
    ortVersion: measurement.ortVersion,
    graphOptimizationLevel: measurement.graphOptimizationLevel ?? 'disabled',
    executionMode: measurement.executionMode,
    intraOpThreads: measurement.intraOpThreads,
    interOpThreads: measurement.interOpThreads,
    cpu,
  };
}

/** A measurement as a table entry. */
export function measurementsOf(
  measurement: OrtMeasurement,
  key: MeasurementKey,
  measuredAt: Date,
): ModelMeasurements {
  const fileName = measurement.modelPath.split(/[\\/]/).pop() ?? measurement.modelPath;
  return {
    key,
    modelName: fileName.slice(0, NAME_LIMIT),
    modelPath: measurement.modelPath.slice(0, NAME_LIMIT),
    measuredAt: measuredAt.toISOString(),
    runs: measurement.runs,
    warmup: measurement.warmup,
    kernelSumMs: measurement.kernelSumMs,
    profiledRunMs: measurement.profiledRunMs,
    optimisedRunMs: Number.isFinite(measurement.optimisedRunMs) ? measurement.optimisedRunMs : null,
    nodes: measurement.nodes.slice(0, MAX_TABLE_NODES).map((n): MeasuredNode => ({
      index: n.index,
      name: n.name.slice(0, NAME_LIMIT),
      opType: n.opType.slice(0, NAME_LIMIT),
      medianMs: n.medianMs,
      iqrMs: n.medianMs === null ? null : (n.iqrMs ?? null),
      samples: n.medianMs === null ? 0 : (n.samples ?? measurement.runs),
      kernels: (n.kernels ?? []).slice(0, MAX_NODE_KERNELS).map((k) => k.slice(0, KERNEL_NAME_LIMIT)),
    })),
  };
}

/**
 * The measurement an entry holds, as a fresh profile run would have returned it, for the model
 * now at `modelPath` (same bytes: the caller checked the key).
 */
export function measurementFromTable(entry: ModelMeasurements, modelPath: string): OrtMeasurement {
  const nodes = entry.nodes.map((n): NodeTiming => ({
    index: n.index,
    name: n.name,
    opType: n.opType,
    medianMs: n.medianMs,
    iqrMs: n.iqrMs,
    samples: n.samples,
    kernels: n.kernels,
  }));
  return {
    modelPath,
    inputShapes: entry.key.inputShapes,
    ...(entry.key.inputValues ? { inputValues: entry.key.inputValues } : {}),
    runs: entry.runs,
    warmup: entry.warmup,
    intraOpThreads: entry.key.intraOpThreads,
    interOpThreads: entry.key.interOpThreads,
    executionMode: entry.key.executionMode,
    graphOptimizationLevel: entry.key.graphOptimizationLevel,
    nodes,
    unmeasured: nodes.filter((n) => n.medianMs === null).map((n) => n.name),
    kernelSumMs: entry.kernelSumMs,
    profiledRunMs: entry.profiledRunMs,
    optimisedRunMs: entry.optimisedRunMs ?? Number.NaN,
    ortVersion: entry.key.ortVersion,
  };
}

/**
 * `table` with `entries` in place of any entry for the same model, shapes and environment; the
 * newest first, and no more than MAX_TABLE_MODELS (the oldest measured are dropped).
 */
export function withMeasurements(
  table: MeasurementTable,
  entries: readonly ModelMeasurements[],
): MeasurementTable {
  if (entries.length === 0) return table;
  const kept = table.models.filter(
    (m) => !entries.some((e) => staleReason(m, e.key, { runs: 0, warmup: 0 }) === null),
  );
  const models = [...entries, ...kept]
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))
    .slice(0, MAX_TABLE_MODELS);
  return { ...table, models };
}

/**
 * The measured kernel time of the layer named `layerName` of the model whose file hashes to
 * `modelSha256`, ms: from the most recent measurement of that model in the table, or null when
 * none measured it. For "a measurement where one exists" in place of a prediction.
 */
export function measuredLayerMs(
  table: MeasurementTable,
  modelSha256: string,
  layerName: string,
): number | null {
  for (const entry of table.models) {
    if (entry.key.modelSha256 !== modelSha256) continue;
    const node = entry.nodes.find((n) => n.name === layerName);
    if (node && node.medianMs !== null) return node.medianMs;
  }
  return null;
}
