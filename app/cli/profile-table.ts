/**
 * `cutline profile --save`'s measurement table as the command reads and reports it: a broken table
 * is a one-line warning (the calibration measures again and replaces it; the profile beside it is
 * untouched), and the output says what was reused, what was measured and why, and where it went.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError, isCutlineError } from '../../core/errors.js';
import type { HostPeak } from '../../core/profiling/host-peak.js';
import { readMeasurementTable } from '../../core/profiling/measurement-table-file.js';
import type { GatheredMeasurements } from '../../core/profiling/measurement-table-reuse.js';
import { EMPTY_MEASUREMENT_TABLE, type MeasurementTable } from '../../core/profiling/measurement-table.js';
import { readProfileText } from '../../core/profiles/profile-file.js';
import { deviceProfileSchema } from '../../core/profiles/schema.js';
import { plainName } from '../../core/text/quote-name.js';

export interface KeptMeasurements extends GatheredMeasurements {
  readonly file: string;
  /** false with --from-table: nothing was written. */
  readonly saved: boolean;
}

/** The table at `file`; with `required` false a broken one warns and counts as empty. */
export function readTable(file: string, required: boolean): MeasurementTable {
  try {
    return readMeasurementTable(file);
  } catch (error) {
    if (required || !isCutlineError(error)) throw error;
    process.stderr.write(`cutline: warning: ${error.message}\n`);
    return EMPTY_MEASUREMENT_TABLE;
  }
}

/**
 * The peak the profile at `file` was calibrated with, to refit without timing anything; null
 * when the file is missing (the peak is then measured).
 */
export function peakOfSaved(file: string): HostPeak | null {
  if (!fs.existsSync(file)) return null;
  // Refused from its size, before it is read, when it is far too large to be a profile.
  const text = readProfileText(file, 'BAD_PROFILE');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: refused below as not a profile.
  }
  const parsed = deviceProfileSchema.safeParse(json);
  const gflops = parsed.success ? parsed.data.peakGflops.fp32 : undefined;
  if (!parsed.success || gflops === undefined)
    throw new CutlineError(
      'BAD_PROFILE',
      `${plainName(file, 200)} is not a calibrated device profile with an fp32 peak; calibrate again without --from-table.`,
    );
  // The source reads "measured on …; <method>": keep the method, the date is added again.
  const source = parsed.data.sources['peakGflops.fp32'] ?? '';
  const method = source.split('; ').slice(1).join('; ') || `the peak of ${path.basename(file)}`;
  return { gflops, matmulSize: 0, bestMs: 0, intraOpThreads: null, method };
}

const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const name = (file: string): string => plainName(path.basename(file));

/** Text lines: one per model reused or measured, then where the table went. */
export function keptLines(kept: KeptMeasurements): string[] {
  const lines = [
    ...kept.reused.map(
      (r) =>
        `Reused    ${name(r.path)}: measured ${when(r.measuredAt)}, ${r.runs} runs${r.earlier ? ' (from an earlier calibration; its file is unchanged)' : ''}`,
    ),
    ...kept.measured.map((m) => `Measured  ${name(m.path)}: ${m.reason}`),
  ];
  lines.push(
    kept.saved
      ? `Table     measurements of ${kept.table.models.length} model${kept.table.models.length === 1 ? '' : 's'} saved to ${plainName(kept.file, 300)} (add --remeasure to time every model again)`
      : `Table     ${plainName(kept.file, 300)} (--from-table: nothing timed, nothing written)`,
  );
  return lines;
}

/** The `--json` document's `measurementTable`. */
export function keptJson(kept: KeptMeasurements): object {
  return {
    file: kept.file,
    saved: kept.saved,
    models: kept.table.models.length,
    reused: kept.reused.map((r) => ({
      model: r.path,
      measuredAt: r.measuredAt,
      runs: r.runs,
      earlier: r.earlier,
    })),
    measured: kept.measured.map((m) => ({ model: m.path, reason: m.reason })),
  };
}
