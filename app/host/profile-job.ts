/**
 * The `profile` job as a `cutline profile --json` command: this machine's calibration on the
 * session's model. With the host's calibration file (the config folder) the profile and its
 * measurement table are kept there, so a calibration reuses what earlier ones measured and a
 * reopened studio shows the last one (`fromTable`: time nothing, answer from the table).
 *
 * It calibrates as the tiers will run: with the threads asked (1 by default, as the harness pins
 * each tier; onnxruntime's default would time a multi-threaded run the harness never makes) and
 * with the input values of the session's analysis (`sr=16000`), so a model that branches on them
 * is timed on the branch its figures cost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeviceProfile, ProfileArgs, ProfileResult, StudioError } from '../shared/studio-api.js';
import { measurementTablePath } from '../../core/profiling/measurement-table-file.js';
import { studioError } from './host-errors.js';
import { kernelLevelRows } from './profile-kernel-rows.js';
import { lastJson, type ProcessJobPlan, type SessionModel } from './process-job-kinds.js';

/** This machine's calibrated profile in the config folder; its table is beside it. */
export const THIS_MACHINE_FILE = 'this-machine.json';

interface ProfileJson {
  host: { peak: { gflops: number; keptFrom?: string } };
  models: {
    nodes: { name: string; opType: string; measuredMs: number | null; predictedMs: number }[];
    medianAbsErrorPercent: number | null;
    predictedSumMs: number;
    kernelSumMs: number;
  }[];
  inSample: { note: string };
  profile: DeviceProfile;
  kernels?: { kernels: number; models: number; seconds: number; reused?: number; timed?: number };
  measurementTable?: {
    file: string;
    reused: { model: string; measuredAt: string }[];
    measured: { model: string }[];
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * A `fromTable` calibration with no measurement table kept at all: refused at once (NOT_FOUND)
 * rather than started as a command that can only fail; null otherwise.
 */
export function nothingKept(args: ProfileArgs, calibrationFile: string | undefined): StudioError | null {
  if (!args.fromTable) return null;
  if (calibrationFile !== undefined && fs.existsSync(measurementTablePath(calibrationFile))) return null;
  return studioError(
    'NOT_FOUND',
    'This machine has kept no calibration yet: calibrate on the model to measure it.',
  );
}

/**
 * @param calibrationFile where the profile (and its table) is kept; without it, a temporary file
 *   of the job's, so nothing is reused.
 */
export function profilePlan(
  model: SessionModel,
  args: ProfileArgs,
  calibrationFile?: string,
): ProcessJobPlan<'profile'> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-'));
  const saved = calibrationFile ?? path.join(tempDir, 'this-machine.json');
  const startedAt = new Date().toISOString();
  // From the table nothing is timed, so no kernels either: the kept profile is the last fit's.
  const kernels = args.kernels === true && !args.fromTable;
  const threads = args.threads ?? 1;
  const inputValues = Object.entries(model.inputValues ?? {});
  // The kernel timing (~550 small models, 30-60 s) outlasts the layer runs: it gets most of the bar.
  const runsShare = kernels ? 0.3 : 1;
  // Each timed phase (profiled, optimised) runs warmup + runs times; see `cutline profile`'s progress.
  return {
    argv: [
      'profile',
      model.path,
      '--json',
      '--save',
      saved,
      '--runs',
      String(args.runs),
      '--warmup',
      String(args.warmup),
      ...(args.remeasure ? ['--remeasure'] : []),
      ...(args.fromTable ? ['--from-table'] : []),
      ...(kernels ? ['--kernels'] : []),
      '--threads',
      String(threads),
      ...Object.entries(model.inputs).flatMap(([name, dims]) => ['--input', `${name}=${dims}`]),
      ...inputValues.flatMap(([name, values]) => ['--input-value', `${name}=${values}`]),
    ],
    tempDir,
    startMessage: args.fromTable
      ? "Reading this machine's measurements"
      : 'Loading the model into onnxruntime',
    stageFraction(message) {
      const timed = /^timing kernels (\d+)\/(\d+)/.exec(message);
      if (timed) return 0.3 + 0.65 * (Number(timed[1]) / Math.max(1, Number(timed[2])));
      const run = /(profiled|optimised) run (\d+)\/(\d+)/.exec(message);
      if (!run) return message.startsWith('Measuring') ? 0.9 * runsShare : null;
      const share = Number(run[2]) / Math.max(1, Number(run[3]));
      return runsShare * ((run[1] === 'profiled' ? 0 : 0.45) + 0.45 * share);
    },
    stdoutLine: () => undefined,
    result(stdout): ProfileResult | null {
      const json = lastJson(stdout) as ProfileJson | null;
      const comparison = json?.models?.[0];
      if (!json || !comparison) return null;
      // From the table, the saved profile is the one the last calibration fitted (its refit here
      // differs only in rounding): the one a tier was given.
      const profile = fs.existsSync(saved)
        ? (JSON.parse(fs.readFileSync(saved, 'utf8')) as DeviceProfile)
        : json.profile;
      const layers = comparison.nodes.flatMap((node) =>
        node.measuredMs === null
          ? []
          : [
              {
                name: node.name,
                opType: node.opType,
                measuredMs: node.measuredMs,
                predictedMs: node.predictedMs,
              },
            ],
      );
      const errors = layers
        .filter((l) => l.measuredMs > 0)
        .map((l) => (100 * Math.abs(l.predictedMs - l.measuredMs)) / l.measuredMs);
      const table = json.measurementTable;
      // The session's model is the first named; earlier models the fit took follow it.
      const reusedHere = table?.reused.find((r) => r.model === model.path);
      return {
        profile,
        peakGflops: json.host.peak.gflops,
        ...(json.host.peak.keptFrom ? { peakKeptFrom: json.host.peak.keptFrom } : {}),
        layers,
        medianAbsErrorPct: comparison.medianAbsErrorPercent ?? median(errors),
        totalMeasuredMs: comparison.kernelSumMs,
        totalPredictedMs: comparison.predictedSumMs,
        note: `${json.inSample.note}; layers ONNX Runtime folded away at load are left out`,
        // A kernel-level profile is held against the kernels a tier runs, not the per-node table.
        ...kernelLevelRows(json, path.basename(model.path)),
        measuredAt: reusedHere?.measuredAt ?? startedAt,
        threads,
        ...(inputValues.length > 0 ? { inputValues: Object.fromEntries(inputValues) } : {}),
        ...(json.kernels
          ? {
              kernels: {
                kernels: json.kernels.kernels,
                models: json.kernels.models,
                seconds: json.kernels.seconds,
                ...(json.kernels.reused !== undefined ? { reused: json.kernels.reused } : {}),
                ...(json.kernels.timed !== undefined ? { timed: json.kernels.timed } : {}),
              },
            }
          : {}),
        ...(table && calibrationFile !== undefined
          ? {
              kept: {
                file: table.file,
                reused: table.reused.map((r) => path.basename(r.model)),
                measured: table.measured.map((m) => path.basename(m.model)),
              },
            }
          : {}),
      };
    },
    wording: (message) => message,
  };
}
