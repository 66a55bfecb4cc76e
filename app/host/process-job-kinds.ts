/**
 * The `export` and `harness` jobs as `cutline` commands (`profile`: profile-job.ts): the command line each runs
 * (`--json`, so its answer is machine-read), how its output becomes progress, streamed partials
 * and the job's typed result. process-jobs.ts runs them; this file only translates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ExportArgs,
  ExportResult,
  HarnessArgs,
  HarnessEvent,
  HarnessSummary,
  JobKinds,
  ProjectFile,
} from '../shared/studio-api.js';
import type { ExportCheck, ExportDataFile, ExportElementDifference } from '../shared/studio-jobs.js';
import { PROJECT_FORMAT } from '../../core/project/types.js';
import { exportBundleHolds, freshSiblingDir } from './export-bundle-holds.js';
import { streamedHarnessEvent } from './harness-event-schema.js';
import { MODEL_OPTION } from '../../core/bundle/harness-whole-model.js';

export const PROCESS_JOB_KINDS = ['export', 'harness', 'profile', 'figures'] as const;
export type ProcessJobKind = (typeof PROCESS_JOB_KINDS)[number];

/** The session's model as a file the command can read, and the bindings its analysis uses. */
export interface SessionModel {
  readonly path: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly inputs: Readonly<Record<string, string>>;
  /** The input values of the session's latest analysis (input name → `16000`); absent when none. */
  readonly inputValues?: Readonly<Record<string, string>>;
}

export interface JobOutput<K extends ProcessJobKind> {
  progress(fraction: number, message: string): void;
  partial(value: K extends 'harness' ? HarnessEvent : never): void;
  /** A line for the job's log. */
  log(line: string): void;
}

export interface ProcessJobPlan<K extends ProcessJobKind> {
  readonly argv: readonly string[];
  /** A folder of the job's own temporary files, removed when it ends. */
  readonly tempDir: string;
  /** The first progress message, sent as the command starts (before it prints anything). */
  readonly startMessage: string;
  /** A `cutline: …` stderr line that is progress (not an error): its fraction, or null. */
  stageFraction(message: string): number | null;
  stdoutLine(line: string, output: JobOutput<K>): void;
  /** The result from the command's stdout, or null when it printed none. */
  result(stdout: readonly string[]): JobKinds[K]['result'] | null;
  /** The command's error message in the studio's words (the CLI names its flags). */
  wording(message: string): string;
}

const tempFolder = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-'));

/** The last stdout line that parses as JSON. */
export function lastJson(stdout: readonly string[]): unknown {
  for (let i = stdout.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(stdout[i]!);
    } catch {
      // Not JSON: keep looking.
    }
  }
  return null;
}

// ---- export ----

/** Where `cutline export`'s progress lines fall on the job's 0 … 1 scale. */
const EXPORT_STAGES: readonly (readonly [string, number])[] = [
  ['Splitting', 0.05],
  ['Writing sub-model', 0.15],
  ['Building the tier runtime', 0.5],
  ['Writing the .zip', 0.7],
  ['Verifying', 0.8],
];

/** The design as a version 2 project naming the session's model, for `cutline export --project`. */
export function exportProject(
  model: SessionModel,
  args: Pick<ExportArgs, 'topology' | 'placement' | 'pins' | 'inputs' | 'objective'>,
): ProjectFile {
  return {
    format: PROJECT_FORMAT,
    version: 2,
    model: { fileName: model.fileName, path: model.path, sha256: model.sha256 },
    inputs: args.inputs,
    // The values the page's figures were analysed with: the command costs the same If branches.
    ...(model.inputValues && Object.keys(model.inputValues).length > 0
      ? { inputValues: model.inputValues }
      : {}),
    topology: { kind: 'inline', topology: args.topology },
    placement: args.placement,
    pins: args.pins,
    objective: args.objective,
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };
}

interface ExportJson {
  bundle: string;
  zip: string | null;
  segments: (Omit<ExportResult['segments'][number], 'data'> & { data?: unknown })[];
  crossings: ExportResult['crossings'];
  predicted: ExportResult['predicted'];
  verification: {
    maxAbsDiff: number;
    outputs: { name: string }[];
    tolerance: number;
    ok: boolean;
    wholeModel?: unknown;
    skippedBecause?: unknown;
    rtol?: unknown;
    atol?: unknown;
    worst?: unknown;
    largestAbs?: unknown;
    largestRel?: unknown;
  } | null;
}

/** The CLI's flags in the Export tab's words (its checkboxes), for errors and notes alike. */
export function exportWording(message: string): string {
  return message
    .replace(/choose another --out or pass --force/g, 'choose another folder or tick "Replace"')
    .replace(/--force/g, '"Replace"')
    .replace(/--out/g, 'folder')
    .replace(/pass --no-verify to skip verification/g, 'untick "Verify" to skip verification')
    .replace(
      /pass --verify-whole to compare anyway/g,
      'tick "Compare with the whole model" under Advanced to compare anyway',
    )
    .replace(/--verify-whole/g, '"Compare with the whole model" (under Advanced)')
    .replace(/--external-data-above/g, '"Write weights as external data above"');
}

/** A segment's data file as the CLI printed it: `{file, bytes}`, null, or absent (an older CLI: none). */
function dataFile(value: unknown): ExportDataFile | null | undefined {
  if (value === undefined || value === null) return null;
  const { file, bytes } = value as { file?: unknown; bytes?: unknown };
  return typeof file === 'string' && typeof bytes === 'number' ? { file, bytes } : undefined;
}

/** A named element as the command printed it (JSON writes an infinity as null); undefined when malformed. */
function elementOf(value: unknown): ExportElementDifference | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { output, element, diff, relDiff } = value as Record<string, unknown>;
  const numberOrNull = (v: unknown): v is number | null => v === null || typeof v === 'number';
  if (
    typeof output !== 'string' ||
    typeof element !== 'number' ||
    !numberOrNull(diff) ||
    !numberOrNull(relDiff)
  )
    return undefined;
  return { output, element, diff, relDiff };
}

/** Where the verification's figures are, when the command said (absent from an older one). */
function checkOf(json: NonNullable<ExportJson['verification']>): ExportCheck | undefined {
  const worst = elementOf(json.worst);
  const largestAbs = elementOf(json.largestAbs);
  const largestRel = elementOf(json.largestRel);
  const { allowance, atol } = (json.worst ?? {}) as { allowance?: unknown; atol?: unknown };
  if (!worst || !largestAbs || !largestRel || typeof json.rtol !== 'number') return undefined;
  if (typeof allowance !== 'number' || typeof atol !== 'number') return undefined;
  const scaledOverSeveral = json.atol === null && json.outputs.length > 1;
  return {
    rtol: json.rtol,
    atol: scaledOverSeveral ? null : atol,
    worst: { ...worst, allowance, atol },
    largestAbs,
    largestRel,
  };
}

/**
 * The verification as the page shows it. An answer that does not say whether the whole model was
 * compared is unreadable (undefined), never taken as compared: a skipped comparison must not
 * read as a passed one.
 */
function verificationOf(json: ExportJson['verification']): ExportResult['verification'] | undefined {
  if (json === null) return null;
  const { wholeModel, skippedBecause } = json;
  if (wholeModel !== 'compared' && wholeModel !== 'skipped') return undefined;
  const check = wholeModel === 'compared' ? checkOf(json) : undefined;
  return {
    ...(check ? { check } : {}),
    maxAbsDiff: json.maxAbsDiff,
    outputs: json.outputs.map((o) => o.name),
    tolerance: json.tolerance,
    ok: json.ok,
    wholeModel,
    skippedBecause:
      wholeModel === 'skipped'
        ? exportWording(
            typeof skippedBecause === 'string' ? skippedBecause : 'the whole model may not fit in memory',
          )
        : null,
  };
}

export function exportPlan(model: SessionModel, args: ExportArgs): ProcessJobPlan<'export'> {
  const tempDir = tempFolder();
  const projectPath = path.join(tempDir, 'design.cutline.json');
  fs.writeFileSync(projectPath, JSON.stringify(exportProject(model, args)));
  return {
    argv: [
      'export',
      '--project',
      projectPath,
      '--out',
      args.outDir,
      '--json',
      '--on-unreachable',
      args.onUnreachable,
      ...(args.serving !== undefined ? ['--serving', args.serving] : []),
      ...(args.zip ? ['--zip'] : []),
      ...(args.force ? ['--force'] : []),
      ...(args.verify ? [] : ['--no-verify']),
      ...(args.verify && args.verifyWhole === true ? ['--verify-whole'] : []),
      // Bytes, as a plain integer: the page parsed the size the user typed.
      ...(args.externalDataAboveBytes !== undefined
        ? ['--external-data-above', String(args.externalDataAboveBytes)]
        : []),
    ],
    tempDir,
    startMessage: 'Reading the model and the design',
    stageFraction: (message) => EXPORT_STAGES.find(([start]) => message.startsWith(start))?.[1] ?? null,
    stdoutLine: () => undefined,
    result(stdout) {
      const json = lastJson(stdout) as ExportJson | null;
      if (!json || typeof json.bundle !== 'string') return null;
      const verification = verificationOf(json.verification);
      const segments = json.segments.map(({ id, tier, file, bytes, data, inputs, outputs }) => ({
        id,
        tier,
        file,
        bytes,
        data: dataFile(data),
        inputs,
        outputs,
      }));
      if (verification === undefined || segments.some((s) => s.data === undefined)) return null;
      const holds = exportBundleHolds(json.bundle);
      return {
        bundleDir: json.bundle,
        zipPath: json.zip,
        ...(holds !== null ? { holds, nextOutDir: freshSiblingDir(json.bundle) } : {}),
        segments: segments.map((s) => ({ ...s, data: s.data ?? null })),
        crossings: json.crossings.map(({ tensor, direction, hop }) => ({ tensor, direction, hop })),
        predicted: {
          latencyMs: json.predicted.latencyMs,
          deviceEnergyMj: json.predicted.deviceEnergyMj,
          linkBytes: json.predicted.linkBytes,
        },
        verification,
      };
    },
    wording: exportWording,
  };
}

// ---- harness ----

/**
 * The harness's advice to pass --model in the studio's words: the studio passes the open model,
 * so the user opens the one the bundle was exported from.
 */
function harnessWording(message: string): string {
  if (!message.endsWith(MODEL_OPTION)) return message;
  return message
    .slice(0, -MODEL_OPTION.length)
    .replace(/: $/, '')
    .replace(/; pass (the \.onnx file [^;]*)$/, '; open $1 in the studio, then run the harness again.');
}

/**
 * `cutline harness` on an exported bundle; `modelPath` is the session's model, the whole model to
 * compare with when the bundle carries none (checked by SHA-256 against the bundle's).
 */
export function harnessPlan(args: HarnessArgs, modelPath: string | null): ProcessJobPlan<'harness'> {
  const total = args.runs + args.stream;
  let answered = 0;
  return {
    argv: [
      'harness',
      // Absolute, so a folder named like an option (`--help`, `--inputs=…`) stays the bundle.
      path.resolve(args.bundleDir),
      '--json',
      '--runs',
      String(args.runs),
      '--stream',
      String(args.stream),
      ...(args.emulateLinks ? ['--emulate-links'] : []),
      ...(args.calibrate ? [] : ['--no-calibrate']),
      ...(modelPath !== null ? ['--model', path.resolve(modelPath)] : []),
    ],
    tempDir: tempFolder(),
    startMessage: args.calibrate
      ? 'Calibrating this machine, then starting a process per tier'
      : 'Starting a process per tier',
    stageFraction: () => null,
    stdoutLine(line, output) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof json === 'object' && json !== null && (json as { event?: unknown }).event === 'summary')
        return; // the job's result, not a partial
      const event = streamedHarnessEvent(json);
      if (event === null) {
        // Another shape (another build's command): the page must not draw it as a run's figures.
        output.log(`Skipped a harness line of an unknown shape: ${line.slice(0, 120)}`);
        return;
      }
      output.partial(event);
      if (event.event === 'tier') output.progress(0.02, `The ${event.tier} tier is listening`);
      else if (event.event === 'calibrated') output.progress(0.05, 'Calibrated this machine');
      else if (event.event === 'request' && event.index >= 0) {
        answered++;
        output.progress(Math.min(1, answered / Math.max(1, total)), `Request ${answered} of ${total}`);
      }
    },
    result(stdout) {
      for (let i = stdout.length - 1; i >= 0; i--) {
        try {
          const event = JSON.parse(stdout[i]!) as HarnessEvent;
          if (event.event === 'summary') return event.summary satisfies HarnessSummary;
        } catch {
          // Not a JSON line.
        }
      }
      return null;
    },
    wording: harnessWording,
  };
}
