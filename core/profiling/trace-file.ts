/**
 * Where onnxruntime put its profile. With `profileFilePrefix: P` set, `endProfiling()` writes
 * `P_<YYYY-MM-DD_HH-MM-SS>.json` and, in Node, returns nothing, so the file is found by its prefix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { parseOrtTrace, type TraceRun } from './trace.js';

/**
 * The trace file written for `prefix` (a path whose last part is the file-name prefix). When
 * several match (a prefix reused across sessions), the newest is the one just written.
 *
 * @throws CutlineError PROFILING_FAILED when no file matches.
 */
export function findTraceFile(prefix: string): string {
  const dir = path.dirname(prefix);
  const stem = `${path.basename(prefix)}_`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    throw new CutlineError(
      'PROFILING_FAILED',
      `onnxruntime's profile folder ${dir} cannot be read (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
  const matches = names
    .filter((name) => name.startsWith(stem) && name.endsWith('.json'))
    .map((name) => path.join(dir, name))
    .map((file) => ({ file, mtimeMs: fs.statSync(file).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || b.file.localeCompare(a.file));
  const newest = matches[0];
  if (!newest) {
    throw new CutlineError(
      'PROFILING_FAILED',
      `onnxruntime wrote no profile ${stem}*.json in ${dir}. Check that the folder is writable and profile again.`,
    );
  }
  return newest.file;
}

/**
 * Reads and parses the trace file, then deletes it (traces of large models run to megabytes).
 * A trace that fails to parse is kept, so the file the error names can be looked at.
 */
export function takeTraceFile(file: string): TraceRun[] {
  const runs = parseOrtTrace(fs.readFileSync(file, 'utf8'), file);
  fs.rmSync(file, { force: true });
  return runs;
}
