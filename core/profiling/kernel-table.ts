/**
 * The kernel-level timings a `--kernels` calibration keeps in the measurement table (its optional
 * `kernels` section), so a recalibration times only the samples and models whose timing is
 * missing or stale instead of all ~560 of them again.
 *
 * A timing holds for the same bytes run the same way on the same machine: the key is the model's
 * SHA-256 (for a generated sample, of the bytes its generator produced, so other generator
 * parameters are another key), the bound input shapes and input values, the onnxruntime version, the session's
 * graph optimisation level and intra-op threads, and the CPU. The analysis a fit needs is not
 * kept: it is recomputed from the same bytes. Pure data and rules here.
 */
import { z } from 'zod';
import type { Analysis } from '../analyze.js';
import type { AnchorTiming, KernelMeasurement } from './kernel-profile.js';
import { sameValues, valuesKeySchema, type ValuesKey } from './table-values.js';

/** Entries kept; the oldest measured go first. Samples, networks and a handful of models. */
export const MAX_KERNEL_ENTRIES = 2048;
/** Anchors kept per entry: well above any model Cutline times in minutes. */
export const MAX_KERNEL_ANCHORS = 100_000;
const NAME_LIMIT = 4096;

export interface KernelKey {
  /** SHA-256 of the model's bytes, lowercase hex. */
  readonly modelSha256: string;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  /** Values fed to some inputs (table-values.ts); absent when every input was random data. */
  readonly inputValues?: ValuesKey | undefined;
  readonly ortVersion: string;
  /** A tier's session runs with every optimisation on (kernel-profile.ts). */
  readonly graphOptimizationLevel: 'all';
  /** null: onnxruntime's default. */
  readonly intraOpThreads: number | null;
  readonly cpu: string;
  /**
   * The attribution rules the anchors' times were split by (`KERNEL_ATTRIBUTION_VERSION`);
   * absent: the first rules.
   */
  readonly attribution?: number | undefined;
}

export interface KernelEntry {
  readonly key: KernelKey;
  /** For people; the hash identifies the model. */
  readonly modelName: string;
  readonly measuredAt: string;
  readonly runs: number;
  readonly warmup: number;
  readonly isSample: boolean;
  readonly anchors: readonly AnchorTiming[];
  readonly boundaryMs: number;
  readonly kernelSumMs: number;
  readonly kernelsRun: number;
  readonly wallMs: number;
  readonly quietWallMs: number;
  readonly cpuMs: number;
  readonly tensorsHanded: number;
}

const ms = z.number().finite().nonnegative();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const anchorSchema = z.strictObject({
  index: count,
  name: z.string().max(NAME_LIMIT),
  medianMs: ms,
  quietMs: ms,
});

export const kernelEntrySchema = z.strictObject({
  key: z.strictObject({
    modelSha256: z.string().regex(/^[0-9a-f]{64}$/),
    inputShapes: z.record(z.string().max(NAME_LIMIT), z.array(count).max(64)),
    inputValues: valuesKeySchema.optional(),
    ortVersion: z.string().max(100),
    graphOptimizationLevel: z.literal('all'),
    intraOpThreads: z.number().int().min(1).max(4096).nullable(),
    cpu: z.string().max(500),
    attribution: z.number().int().min(1).max(1_000_000).optional(),
  }),
  modelName: z.string().max(NAME_LIMIT),
  measuredAt: z.iso.datetime(),
  runs: count.min(1),
  warmup: count,
  isSample: z.boolean(),
  anchors: z.array(anchorSchema).max(MAX_KERNEL_ANCHORS),
  boundaryMs: ms,
  kernelSumMs: ms,
  kernelsRun: ms,
  wallMs: ms,
  quietWallMs: ms,
  cpuMs: ms,
  tensorsHanded: count,
});

export const kernelSectionSchema = z.array(kernelEntrySchema).max(MAX_KERNEL_ENTRIES);

/** Why `entry` cannot stand for a timing with `key` now: null when it can. */
export function kernelStaleReason(
  entry: KernelEntry,
  key: KernelKey,
  wanted: { readonly runs: number; readonly warmup: number },
): string | null {
  const was = entry.key;
  if (was.modelSha256 !== key.modelSha256) return 'other model bytes';
  const names = Object.keys(was.inputShapes);
  const sameShapes =
    names.length === Object.keys(key.inputShapes).length &&
    names.every((n) => was.inputShapes[n]?.join(',') === key.inputShapes[n]?.join(','));
  if (!sameShapes) return 'other input shapes';
  if (!sameValues(was.inputValues, key.inputValues)) return 'other input values';
  if (was.ortVersion !== key.ortVersion) return 'another onnxruntime version';
  if (was.cpu !== key.cpu) return 'another CPU';
  if ((was.attribution ?? 1) !== (key.attribution ?? 1)) return 'kernels attributed by older rules';
  if (was.graphOptimizationLevel !== key.graphOptimizationLevel || was.intraOpThreads !== key.intraOpThreads)
    return 'other session options or threads';
  if (entry.runs < wanted.runs || entry.warmup < wanted.warmup) return 'fewer runs than asked';
  return null;
}

/** A timing as a table entry. */
export function kernelEntryOf(
  m: KernelMeasurement,
  key: KernelKey,
  run: { readonly runs: number; readonly warmup: number; readonly modelName: string; readonly at: Date },
): KernelEntry {
  return {
    key,
    modelName: run.modelName.slice(0, NAME_LIMIT),
    measuredAt: run.at.toISOString(),
    runs: run.runs,
    warmup: run.warmup,
    isSample: m.isSample ?? false,
    anchors: m.anchors.slice(0, MAX_KERNEL_ANCHORS).map((a) => ({
      index: a.index,
      name: a.name.slice(0, NAME_LIMIT),
      medianMs: a.medianMs,
      quietMs: a.quietMs,
    })),
    // A run with no kernel gives NaN medians; kept as 0, as the fit reads an empty run.
    boundaryMs: finite(m.boundaryMs),
    kernelSumMs: finite(m.kernelSumMs),
    kernelsRun: finite(m.kernelsRun),
    wallMs: finite(m.wallMs),
    quietWallMs: finite(m.quietWallMs),
    cpuMs: finite(m.cpuMs),
    tensorsHanded: m.tensorsHanded,
  };
}

const finite = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);

/** The timing an entry holds, as `runKernelProfile` would have returned it for these bytes. */
export function kernelMeasurementOf(
  entry: KernelEntry,
  modelPath: string,
  analysis: Analysis,
): KernelMeasurement {
  return {
    modelPath,
    analysis,
    anchors: entry.anchors,
    boundaryMs: entry.boundaryMs,
    kernelSumMs: entry.kernelSumMs,
    kernelsRun: entry.kernelsRun,
    wallMs: entry.wallMs,
    quietWallMs: entry.quietWallMs,
    cpuMs: entry.cpuMs,
    tensorsHanded: entry.tensorsHanded,
    intraOpThreads: entry.key.intraOpThreads,
    ...(entry.isSample ? { isSample: true } : {}),
  };
}

/**
 * `entries` with `fresh` in place of any entry of the same key (runs aside); the newest first
 * and no more than MAX_KERNEL_ENTRIES.
 */
export function withKernelEntries(
  entries: readonly KernelEntry[],
  fresh: readonly KernelEntry[],
): KernelEntry[] {
  const kept = entries.filter(
    (e) => !fresh.some((f) => kernelStaleReason(e, f.key, { runs: 0, warmup: 0 }) === null),
  );
  return [...fresh, ...kept]
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))
    .slice(0, MAX_KERNEL_ENTRIES);
}
