/**
 * `cutline harness BUNDLE [--model FILE] [--runs N] [--stream N] [--emulate-links] [--inputs FILE] [--host-profile FILE] [--json]`:
 * runs every tier of a bundle on this machine, checks the answers against the whole model (the
 * bundle's, or --model, the file it was exported from, when it carries none) and
 * sets the measured figures beside the predicted ones. With --json, progress and the summary
 * stream as JSON lines (what the studio shows live); otherwise a table at the end.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { runHarness, type HarnessEvent, type HarnessSummary } from '../../core/bundle/harness.js';
import { CutlineError } from '../../core/errors.js';
import { LINE_LIMIT, oneLine } from '../../core/text/quote-name.js';
import { LEGACY_TOLERANCE, toleranceWords, withinTolerance } from '../../core/export/tolerance.js';
import { parseTolerance } from '../../core/export/tolerance-option.js';
import { checkWords } from '../../core/export/verification-words.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';
import { lowerBoundTiersNote, predictedMsText } from '../../core/costs/data-dependent-figures.js';
import { renderTable } from './format.js';
import { writeJsonLine } from './json-output.js';
import { onStopRequest } from './stop-signals.js';

export interface HarnessCliOptions {
  readonly runs: number;
  readonly stream: number;
  readonly emulateLinks?: boolean;
  readonly inputs?: string;
  readonly hostProfile?: string;
  readonly calibrate: boolean;
  readonly json?: boolean;
  /** The model the bundle was exported from: needed when the bundle carries no whole model. */
  readonly model?: string;
  /** `--rtol X`, `--atol Y`: what each answer is held to (core/export/tolerance.ts). */
  readonly rtol?: string;
  readonly atol?: string;
}

/** Inputs file: `{ "<name>": { "type": "float32", "dims": [1, 3, 96, 96], "data": [ … ] } }`. */
export function readInputsFile(file: string): Record<string, ort.Tensor> {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CutlineError(
      'BAD_INPUT_BINDING',
      `${file}: cannot read it as JSON (${(error as Error).message}).`,
    );
  }
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, spec] of Object.entries(
    value as Record<string, { type?: string; dims?: number[]; data?: number[] }>,
  )) {
    const type = spec.type ?? 'float32';
    if (!Array.isArray(spec.dims) || !Array.isArray(spec.data)) {
      throw new CutlineError('BAD_INPUT_BINDING', `${file}: input "${name}" needs "dims" and "data" arrays.`);
    }
    const count = spec.dims.reduce((n, d) => n * d, 1);
    if (count !== spec.data.length) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `${file}: input "${name}" has ${spec.data.length} values for dims [${spec.dims.join(', ')}] (${count}).`,
      );
    }
    const data =
      type === 'int64'
        ? BigInt64Array.from(spec.data.map((v) => BigInt(v)))
        : type === 'int32'
          ? Int32Array.from(spec.data)
          : Float32Array.from(spec.data);
    inputs[name] = new ort.Tensor(type as 'float32', data as Float32Array, spec.dims);
  }
  return inputs;
}

export async function harnessCommand(bundle: string, options: HarnessCliOptions): Promise<number> {
  const tolerance = parseTolerance(options.rtol, options.atol);
  const onEvent = (event: HarnessEvent): void => {
    if (options.json) writeJsonLine(event);
    else if (event.event === 'tier')
      process.stderr.write(`cutline: ${event.tier} listening at ${event.url}\n`);
    else if (event.event === 'request' && !event.ok)
      process.stderr.write(
        `${oneLine(`cutline: request ${event.index} failed: ${event.error}`, LINE_LIMIT)}\n`,
      );
    else if (event.event === 'request' && event.fallback)
      process.stderr.write(
        `cutline: request ${event.index}: a tier was unreachable; the device answered alone\n`,
      );
  };
  // Stopped (the studio's Stop, Ctrl+C, the studio gone): the run ends between requests and stops
  // its tiers first, so no tier process outlives the command.
  const stop = new AbortController();
  const removeStopHandlers = onStopRequest(() => stop.abort());
  let summary: HarnessSummary;
  try {
    summary = await runHarness({
      bundleDir: bundle,
      runs: options.runs,
      streamRequests: options.stream,
      emulateLinks: options.emulateLinks ?? false,
      ...(options.inputs ? { inputs: readInputsFile(options.inputs) } : {}),
      ...(options.hostProfile ? { hostProfile: loadDeviceProfile(options.hostProfile) } : {}),
      calibrate: options.calibrate,
      ...(options.model ? { model: options.model } : {}),
      tolerance,
      onEvent,
      signal: stop.signal,
    });
  } finally {
    removeStopHandlers();
  }
  if (!options.json) process.stdout.write(`${summaryText(summary)}\n`);
  return summary.verified ? 0 : 1;
}

export function summaryText(s: HarnessSummary): string {
  const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(2));
  // Nothing answered through the split: there is nothing measured to show, only predictions.
  const measured = (v: number | undefined): string => (s.answered > 0 ? ms(v) : '-');
  // A tier running a data-dependent layer predicts only a lower bound: marked ≥, and said why below.
  const bounds = s.predicted.dataDependentPerTier ?? [];
  const predicted = (v: number | null | undefined, bound: boolean): string =>
    v === null || v === undefined ? '-' : predictedMsText(v, bound);
  const anyBound = bounds.some((b) => b !== null);
  const rows: string[][] = [
    [
      'end to end (median)',
      measured(s.measured.latencyMs),
      predicted(s.predicted.hostLatencyMs, anyBound),
      predicted(s.predicted.planLatencyMs, anyBound),
    ],
    ...s.tiers.map((tier, t) => [
      `compute on the ${tier}`,
      measured(s.measured.computeMsPerTier[t]),
      predicted(s.predicted.hostComputeMsPerTier?.[t], Boolean(bounds[t])),
      predicted(s.predicted.planComputeMsPerTier[t], Boolean(bounds[t])),
    ]),
    // On this host a link takes what its emulator should, or loopback's time when not emulated;
    // the plan's column is the cost model's figure on the bundle's links (as the studio shows it).
    ...s.hops.map((h) => [
      `link ${h.from} ↔ ${h.to} (${h.bytes} B)`,
      measured(h.measuredMs),
      h.emulatedMs === null ? 'not emulated' : `emulated ${ms(h.emulatedMs)}`,
      ms(h.predictedMs),
    ]),
  ];
  const boundNote = lowerBoundTiersNote(s.tiers, bounds);
  return [
    renderTable(['figure', 'measured ms', 'predicted (this host)', 'predicted (plan)'], rows, [
      false,
      true,
      true,
      true,
    ]),
    ...(boundNote ? [boundNote] : []),
    '',
    `${s.requests} requests: ${s.answered} answered through the split, ${s.failed} failed` +
      (s.fallbacks > 0
        ? `, ${s.fallbacks} answered by the device alone (a tier was unreachable; the split was not run for them, and they are left out of the figures)`
        : '') +
      `; ${verdict(s)}` +
      (s.measured.throughputPerS !== null
        ? `; stream ${s.measured.throughputPerS.toFixed(1)} answered inferences/s`
        : ''),
  ].join('\n');
}

/** What was verified, in words: only answered requests were compared, and any failure means not verified. */
function verdict(s: HarnessSummary): string {
  if (s.maxAbsDiff === null)
    return 'NOT verified: no request was answered through the split, so nothing was compared';
  const compared = `the ${s.answered} answered request(s)' outputs`;
  // Every element within atol + rtol·|whole| (core/export/tolerance.ts); the element furthest
  // off relative to its allowance is the one reported, so these words follow the verdict.
  const tolerance = s.tolerance ?? LEGACY_TOLERANCE;
  const within = withinTolerance(s.maxAbsDiff, tolerance);
  const rule = s.rtol !== undefined ? toleranceWords(s.rtol, s.atol ?? null) : null;
  const check = checkWords(s.maxAbsDiff, tolerance, s.output ?? null, s.element ?? null);
  const diff = rule === null ? check : within ? `within ${rule}; ${check}` : `${check}; rule ${rule}`;
  if (!within) return `NOT verified: ${compared} DIFFER from the whole model (${diff})`;
  if (!s.verified)
    return `NOT verified: ${compared} equal the whole model (${diff}), but not every request was answered through the split`;
  return `verified: every request answered through the split, outputs equal the whole model (${diff})`;
}
