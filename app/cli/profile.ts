/**
 * `cutline profile MODEL... [--runs N] [--warmup N] [--input NAME=DIMS]... [--input-value NAME=V]... [--threads N]
 *  [--from-ort-profile FILE.json] [--save PROFILE.json [--remeasure | --from-table]] [--json]`
 *
 * Times every node on this machine with onnxruntime, calibrates a `this-machine` device profile on
 * the measurements and prints how well the profile predicts them. With several models it also
 * scores each model with a profile fitted on the others, the figure to trust. With
 * `--from-ort-profile` the per-node times come from a profile onnxruntime already wrote
 * (`enableProfiling`) instead of a run, and the same table and calibration follow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CutlineError } from '../../core/errors.js';
import type { Shape } from '../../core/graph/types.js';
import { readModelFile } from '../../core/onnx/read.js';
import { evaluateCalibration, type CalibrationEvaluation } from '../../core/profiling/evaluate.js';
import { measureHostPeak, peakHere, type HostPeak } from '../../core/profiling/host-peak.js';
import { importOrtProfile } from '../../core/profiling/ort-profile-import.js';
import { runOrtProfile, type OrtProfile, type ProfileProgress } from '../../core/profiling/ort-profile.js';
import { measurementTablePath, writeMeasurementTable } from '../../core/profiling/measurement-table-file.js';
import { gatherMeasurements, type ModelToCalibrate } from '../../core/profiling/measurement-table-reuse.js';
import { calibrateKernels, type KernelCalibrationRun } from '../../core/profiling/kernel-calibrate.js';
import { withKernelModels } from '../../core/profiling/kernel-fit.js';
import { deviceProfileSchema } from '../../core/profiles/schema.js';
import { parseInputBinding } from '../../core/shape/bindings.js';
import { parseInputValue, type InputValueText } from '../../core/shape/input-values.js';
import { keptPeakOf, reusablePeak } from '../../core/profiling/kept-peak.js';
import { quoteName } from '../../core/text/quote-name.js';
import { keptJson, keptLines, peakOfSaved, readTable, type KeptMeasurements } from './profile-table.js';
import { kernelComparisonLines, kernelComparisons, savedKernelProfile } from './profile-kernel-layers.js';
import { IN_SAMPLE_NOTE, kernelLines, profileText, type ImportNote } from './profile-text.js';
import { safeJsonStringify, writeJsonLine } from './json-output.js';
import { onStopRequest } from './stop-signals.js';

export interface ProfileCliOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly input: readonly string[];
  /**
   * `--input-value NAME=V[,V…]`: fed to onnxruntime and folded into the analysis; with several
   * models, to each model that has the input. Kept timings are keyed by them too.
   */
  readonly inputValue?: readonly string[];
  readonly threads?: number;
  readonly save?: string;
  readonly json?: boolean;
  /** An onnxruntime profile (Chrome trace JSON) of the one model: its times instead of a run. */
  readonly fromOrtProfile?: string;
  /** With `save`: time every model again instead of reusing the measurement table. */
  readonly remeasure?: boolean;
  /** With `save`: time nothing, fit on the table's measurements only, write nothing. */
  readonly fromTable?: boolean;
  /**
   * Also fit the kernel-level predictor (core/profiling/kernel-calibrate.ts): generated kernel
   * samples and the models, timed with graph optimisations on as a tier runs them (about a minute).
   */
  readonly kernels?: boolean;
}

export async function profileCommand(
  modelPaths: readonly string[],
  options: ProfileCliOptions,
): Promise<number> {
  // Ctrl+C stops between runs, so the sessions are released and the trace folder removed.
  const interrupt = new AbortController();
  // The studio stops a calibration with SIGTERM (or by going away): the same clean stop.
  const removeStopHandlers = onStopRequest(() => interrupt.abort());
  try {
    return await profileModels(modelPaths, options, interrupt.signal);
  } catch (error) {
    if (interrupt.signal.aborted) {
      clearProgress();
      process.stderr.write('cutline: profiling interrupted\n');
      return 130;
    }
    throw error;
  } finally {
    removeStopHandlers();
  }
}

async function profileModels(
  modelPaths: readonly string[],
  options: ProfileCliOptions,
  signal: AbortSignal,
): Promise<number> {
  const { runs, warmup } = options;
  const bindings = options.input.map(parseInputBinding);
  const inputValues = (options.inputValue ?? []).map(parseInputValue);
  const threads = options.threads === undefined ? {} : { intraOpThreads: options.threads };
  const profiled: OrtProfile[] = [];
  let imported: ImportNote | null = null;
  if ((options.remeasure || options.fromTable) && options.save === undefined)
    throw new CutlineError(
      'BAD_PROFILE',
      `--${options.fromTable ? 'from-table' : 'remeasure'} works on the measurement table kept beside a saved profile: add --save PROFILE.json.`,
    );
  if (options.fromOrtProfile !== undefined) {
    if (options.fromTable)
      throw new CutlineError(
        'PROFILING_FAILED',
        '--from-table and --from-ort-profile each say where the times come from: give one of them.',
      );
    if (modelPaths.length !== 1) {
      throw new CutlineError(
        'PROFILING_FAILED',
        '--from-ort-profile reads the profile of one model: name only the model it was made with.',
      );
    }
    const result = importOrtProfile(
      modelPaths[0]!,
      options.fromOrtProfile,
      bindingsOf(bindings),
      inputValues,
    );
    profiled.push(result.profile);
    imported = { file: options.fromOrtProfile, runs: result.times.runs, match: result.match };
  }
  const measure = ({
    path: modelPath,
    inputs,
    inputValues: values,
  }: ModelToCalibrate): Promise<OrtProfile> => {
    const onProgress = progress(modelPath, options.json ?? false);
    return runOrtProfile(modelPath, {
      runs,
      warmup,
      inputs,
      ...(values && values.length > 0 ? { inputValues: values } : {}),
      ...threads,
      signal,
      ...(onProgress ? { onProgress } : {}),
    });
  };
  const named = modelPaths.map((modelPath): ModelToCalibrate => {
    const values = modelPaths.length === 1 ? inputValues : valuesFor(modelPath, inputValues, modelPaths);
    return {
      path: modelPath,
      inputs: modelPaths.length === 1 ? bindingsOf(bindings) : bindingsFor(modelPath, bindings, modelPaths),
      ...(values.length > 0 ? { inputValues: values } : {}),
    };
  });
  // A saved profile keeps its measurements beside it; an imported profile's times are not kept.
  const kept = imported === null && options.save !== undefined ? measurementTablePath(options.save) : null;
  let gathered: KeptMeasurements | null = null;
  if (kept !== null) {
    const result = await gatherMeasurements(named, readTable(kept, options.fromTable ?? false), {
      runs,
      warmup,
      intraOpThreads: options.threads ?? null,
      remeasure: options.remeasure ?? false,
      tableOnly: options.fromTable ?? false,
      measure,
    });
    profiled.push(...result.profiled);
    gathered = { ...result, file: kept, saved: !options.fromTable };
  } else if (imported === null) {
    for (const model of named) profiled.push(await measure(model));
  }
  // The peak moves 10-20 % between runs: a kept one is reused unless --remeasure (kept-peak.ts).
  const savedPeak =
    options.fromTable && options.save !== undefined
      ? peakOfSaved(options.save)
      : gathered && !options.remeasure
        ? reusablePeak(gathered.table.peak, { ...peakHere(), intraOpThreads: options.threads ?? null })
        : null;
  if (savedPeak === null && options.json && !process.stderr.isTTY)
    process.stderr.write('cutline: Measuring peak compute\n');
  const peak = savedPeak ?? (await measureHostPeak({ ...threads, signal }));
  if (gathered && savedPeak === null)
    gathered = {
      ...gathered,
      table: {
        ...gathered.table,
        peak: keptPeakOf(peak, { ...peakHere(), at: new Date() }),
      },
    };
  clearProgress();
  const evaluation = evaluateCalibration(profiled, [], peak);
  let { profile } = evaluation.calibration;
  let kernels: KernelCalibrationRun | null = null;
  let kernelEntries = gathered?.table.kernels ?? [];
  if (options.kernels && imported === null && !options.fromTable) {
    const onProgress = kernelProgress(options.json ?? false);
    // A saved profile's table keeps the kernel timings too: only what is missing or stale is timed.
    const { table: kernelTable, ...run } = await calibrateKernels(named, {
      ...threads,
      signal,
      ...(gathered ? { table: gathered.table.kernels ?? [], remeasure: options.remeasure ?? false } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    kernels = run;
    kernelEntries = kernelTable;
    if (gathered) gathered = { ...gathered, table: { ...gathered.table, kernels: kernelTable } };
    clearProgress();
    profile = withKernelModels(
      profile,
      kernels,
      `measured on this machine ${new Date().toISOString().slice(0, 10)}`,
    );
  }
  // Saving over a kernel-level profile without --kernels writes one without it: say so.
  const dropsKernels =
    kernels === null &&
    options.save !== undefined &&
    !options.fromTable &&
    savedKernelProfile(options.save) !== null;
  if (options.save !== undefined && !options.fromTable) {
    const checked = deviceProfileSchema.safeParse(profile);
    if (!checked.success)
      throw new Error(`The calibrated profile fails its schema: ${checked.error.message}`);
    fs.writeFileSync(options.save, `${safeJsonStringify(profile, 2)}\n`);
    if (gathered !== null) writeMeasurementTable(gathered.file, gathered.table);
  }
  // A kernel-level profile is held against the kernels as tiers run them (fused), not per node.
  const kernelDevice =
    kernels !== null ? profile : options.fromTable && options.save ? savedKernelProfile(options.save) : null;
  const compared = kernelDevice ? kernelComparisons(profiled, kernelDevice, kernelEntries) : [];
  const savedTo = options.fromTable ? undefined : options.save;
  if (options.json)
    writeJsonLine({
      ...profileJson(profiled, peak, evaluation, imported),
      ...(gathered ? { measurementTable: keptJson(gathered) } : {}),
      ...(kernels ? { kernels } : {}),
      ...(compared.length > 0 ? { kernelComparison: compared } : {}),
      ...(dropsKernels ? { droppedKernelModels: true } : {}),
    });
  else
    process.stdout.write(
      `${profileText(profiled, peak, evaluation, savedTo, imported, [...(gathered ? keptLines(gathered) : []), ...(kernels ? kernelLines(kernels) : []), ...kernelComparisonLines(compared), ...(dropsKernels ? [droppedKernelsLine(options.save!)] : [])])}\n`,
    );
  return 0;
}

/**
 * One value list serves several models as one binding list does: each model takes the values of
 * inputs it has, and a value no model can take is an error.
 */
function valuesFor(
  modelPath: string,
  values: readonly InputValueText[],
  all: readonly string[],
): InputValueText[] {
  for (const { name } of values) {
    if (!all.some((other) => inputNames(other).includes(name)))
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `No model has an input named ${quoteName(name)} to take --input-value. Check the names with \`cutline analyze MODEL\`.`,
      );
  }
  const names = inputNames(modelPath);
  return values.filter((v) => names.includes(v.name));
}

/**
 * Progress of the kernel calibration on stderr, as the per-model progress: on a terminal, or with
 * --json and no terminal (the studio's job reads it) one `cutline:` line per timed kernel model.
 */
function kernelProgress(json: boolean): ((done: number, of: number) => void) | undefined {
  if (!process.stderr.isTTY)
    return json ? (done, of) => process.stderr.write(`cutline: timing kernels ${done}/${of}\n`) : undefined;
  if (json) return undefined;
  return (done, of) => process.stderr.write(`\rcutline: timing kernels ${done}/${of}`);
}

const importedJson = (note: ImportNote): object => ({
  file: note.file,
  runs: note.runs,
  matchedNodes: note.match.matched,
  unknownNodes: note.match.unknown.length,
  // A hostile file may name a million nodes: the count says how many, a few show which.
  unknownNodeNames: note.match.unknown.slice(0, 20),
});

type Binding = ReturnType<typeof parseInputBinding>;

function bindingsOf(bindings: readonly Binding[]): Record<string, Shape> {
  return Object.fromEntries(bindings.map((b) => [b.name, b.shape]));
}

/**
 * One binding list serves several models: each model takes the bindings naming one of its inputs
 * (models often share `input`), and a binding no model takes is an error, as with one model.
 */
function bindingsFor(
  modelPath: string,
  bindings: readonly Binding[],
  all: readonly string[],
): Record<string, Shape> {
  if (bindings.length === 0) return {};
  const names = inputNames(modelPath);
  for (const { name } of bindings) {
    if (!all.some((other) => inputNames(other).includes(name))) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `No model has an input named "${name}". Check the names with \`cutline analyze MODEL\`.`,
      );
    }
  }
  return bindingsOf(bindings.filter((b) => names.includes(b.name)));
}

const inputNamesCache = new Map<string, string[]>();

function inputNames(modelPath: string): string[] {
  let names = inputNamesCache.get(modelPath);
  if (!names) {
    const graph = readModelFile(modelPath).proto.graph;
    const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
    names = (graph?.input ?? []).map((i) => i.name ?? '').filter((name) => !initializers.has(name));
    inputNamesCache.set(modelPath, names);
  }
  return names;
}

function progress(modelPath: string, json: boolean): ((p: ProfileProgress) => void) | undefined {
  const name = path.basename(modelPath);
  // With --json and no terminal (the studio reads it): one `cutline:` progress line per run.
  if (!process.stderr.isTTY)
    return json
      ? (p) => process.stderr.write(`cutline: ${name}: ${p.phase} run ${p.run}/${p.of}\n`)
      : undefined;
  return (p) => process.stderr.write(`\r${name}: ${p.phase} run ${p.run}/${p.of}   `);
}

function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

/** The `--json` document. */
function profileJson(
  profiled: readonly OrtProfile[],
  peak: HostPeak,
  e: CalibrationEvaluation,
  imported: ImportNote | null,
): object {
  return {
    ...(imported ? { importedOrtProfile: importedJson(imported) } : {}),
    host: { cpu: os.cpus()[0]?.model.trim() ?? '', logicalCores: os.cpus().length, peak },
    models: e.inSample.models.map((comparison, i) => ({
      ...comparison,
      inputShapes: profiled[i]!.measurement.inputShapes,
      unmeasured: profiled[i]!.measurement.unmeasured,
      runs: profiled[i]!.measurement.runs,
      warmup: profiled[i]!.measurement.warmup,
      ortVersion: profiled[i]!.measurement.ortVersion,
      // NaN (not measured: an imported profile) would print as null anyway; say it outright.
      optimisedRunMs: Number.isFinite(comparison.optimisedRunMs) ? comparison.optimisedRunMs : null,
    })),
    inSample: { ...e.inSample.pooled, note: IN_SAMPLE_NOTE },
    leaveOneModelOut:
      e.leaveOneModelOut.models.length > 0
        ? {
            ...e.leaveOneModelOut.pooled,
            models: e.leaveOneModelOut.models.map(({ nodes: _nodes, ...summary }) => summary),
          }
        : null,
    fit: e.calibration.fit,
    profile: e.calibration.profile,
  };
}

/** The line that says a save without --kernels replaced a kernel-level profile. */
function droppedKernelsLine(file: string): string {
  return `Kernels   ${file} had a kernel-level predictor; this calibration ran without --kernels, so the profile saved now has none (the roofline predicts every tier it runs). Calibrate with --kernels to keep it.`;
}
