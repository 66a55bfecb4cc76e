/**
 * The fuzzers' regression corpus (issue 13): test/fixtures/fuzz-regressions/ holds every hostile
 * model that ever failed as a small .onnx file, and cases.json says what each must do now: analyse
 * ("ok") or end in one CutlineError code. The regression test analyses every file in the folder,
 * so a file added later is checked without touching the test; the studio host's upload test reads
 * the same folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../../core/analyze.js';
import { isCutlineError } from '../../core/errors.js';

export const REGRESSION_DIR = fileURLToPath(new URL('../fixtures/fuzz-regressions/', import.meta.url));
export const REGRESSION_INDEX = path.join(REGRESSION_DIR, 'cases.json');

export interface RegressionCase {
  /** A CutlineError code, or "ok" for a file that must analyse. */
  readonly expect: string;
  /** How it was found: the fuzzer, seed and case, or the issue. */
  readonly found: string;
  /** What the file holds, in one line. */
  readonly what: string;
}

export type RegressionIndex = Record<string, RegressionCase>;

export function readRegressionIndex(): RegressionIndex {
  if (!fs.existsSync(REGRESSION_INDEX)) return {};
  return JSON.parse(fs.readFileSync(REGRESSION_INDEX, 'utf8')) as RegressionIndex;
}

/** The .onnx files in the corpus folder, sorted. */
export function regressionFiles(): string[] {
  return fs
    .readdirSync(REGRESSION_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .sort();
}

/** "ok" when the file analyses, else the CutlineError code; anything else is rethrown. */
export function regressionOutcome(file: string): string {
  try {
    analyzeFile(path.join(REGRESSION_DIR, file));
    return 'ok';
  } catch (error) {
    if (isCutlineError(error)) return error.code;
    throw error;
  }
}

/**
 * Writes `bytes` into the corpus as `file` and records its case in cases.json (keys sorted, so
 * the index diffs cleanly). Used by scripts/fuzz-regressions.ts.
 */
export function addRegression(file: string, bytes: Uint8Array, entry: RegressionCase): void {
  if (!/^[a-z0-9][a-z0-9._-]*\.onnx$/.test(file))
    throw new Error(`regression file name ${file}: use [a-z0-9._-]`);
  fs.mkdirSync(REGRESSION_DIR, { recursive: true });
  fs.writeFileSync(path.join(REGRESSION_DIR, file), bytes);
  const index = { ...readRegressionIndex(), [file]: entry };
  const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(REGRESSION_INDEX, `${JSON.stringify(sorted, null, 2)}\n`);
}
