/**
 * The measurement table on disk: `<profile>.measurements.json` beside the calibrated profile, read
 * with its size checked first and its content validated, written whole through a temporary
 * sibling and a rename so a stopped calibration never leaves half a table.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { CutlineError } from '../errors.js';
import { parseJsonFile } from '../profiles/json.js';
import { plainName } from '../text/quote-name.js';
import {
  EMPTY_MEASUREMENT_TABLE,
  measurementTableSchema,
  type MeasurementTable,
} from './measurement-table.js';

/** Largest table read: 64 models of tens of thousands of nodes stay well below it. */
export const MAX_MEASUREMENT_TABLE_BYTES = 64 * 1024 * 1024;

/** Where the table of the profile saved at `profilePath` goes: beside it. */
export function measurementTablePath(profilePath: string): string {
  return `${profilePath.replace(/\.json$/i, '')}.measurements.json`;
}

/**
 * The table in `file`; the empty table when there is no such file.
 *
 * @throws CutlineError BAD_PROFILE, one line naming the file and what is wrong, when it is too
 *   large, not JSON or not a measurement table. The profile beside it is not touched.
 */
export function readMeasurementTable(file: string): MeasurementTable {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_MEASUREMENT_TABLE;
    throw broken(file, (error as Error).message);
  }
  if (size > MAX_MEASUREMENT_TABLE_BYTES)
    throw broken(file, `${size} bytes, more than the ${MAX_MEASUREMENT_TABLE_BYTES} a table may have`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw broken(file, (error as Error).message);
  }
  let json: unknown;
  try {
    json = parseJsonFile(text, plainName(file, 200), 'BAD_PROFILE');
  } catch (error) {
    throw broken(file, 'not valid JSON', error);
  }
  const parsed = measurementTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw broken(file, `${plainName(issue?.message ?? 'not a measurement table', 120)}${where}`);
  }
  return parsed.data;
}

function broken(file: string, why: string, cause?: unknown): CutlineError {
  return new CutlineError(
    'BAD_PROFILE',
    `The measurement table ${plainName(file, 200)} cannot be read (${why}); its measurements are not used, and the next calibration that saves beside it measures again and replaces it.`,
    cause === undefined ? undefined : { cause },
  );
}

/** Writes `table` to `file` whole (a temporary sibling renamed into place). */
export function writeMeasurementTable(file: string, table: MeasurementTable): void {
  const temporary = `${file}.partial-${process.pid}`;
  fs.writeFileSync(temporary, `${JSON.stringify(table)}\n`);
  fs.renameSync(temporary, file);
}

/** SHA-256 of a file's bytes, lowercase hex: the model's identity in the table. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** This CPU as the table's key names it: model and logical cores. */
export function thisCpu(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() || 'unknown CPU'}, ${cpus.length} logical cores`;
}
