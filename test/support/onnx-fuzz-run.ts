/**
 * One run of the ONNX fuzzer (test/onnx-fuzz.test.ts, scripts/fuzz-onnx.ts): cases in a child
 * process with a heap cap and a time budget per case; every failing case's model is written to
 * `failureDir` as seed-S-case-I.onnx so it can be added to the regression corpus
 * (scripts/fuzz-regressions.ts add).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxFuzzCase, onnxFuzzSources } from './onnx-fuzz.js';
import { FAILURE_KINDS, runFuzz, type FuzzResult } from './shape-fuzz-driver.js';

const CHILD = fileURLToPath(new URL('./onnx-fuzz-child.ts', import.meta.url));

export interface OnnxFuzzRun {
  readonly results: readonly FuzzResult[];
  readonly failures: readonly FuzzResult[];
  /** Where each failure's model was written. */
  readonly failureFiles: readonly string[];
}

export interface OnnxFuzzOptions {
  readonly seed: number;
  readonly count: number;
  readonly caseBudgetMs?: number;
  readonly heapMb?: number;
  readonly failureDir?: string;
}

export async function runOnnxFuzz(options: OnnxFuzzOptions): Promise<OnnxFuzzRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-onnx-fuzz-'));
  try {
    const results = await runFuzz({
      seed: options.seed,
      count: options.count,
      caseBudgetMs: options.caseBudgetMs ?? 10_000,
      heapMb: options.heapMb ?? 512,
      child: CHILD,
      childArgs: [work],
    });
    const failures: FuzzResult[] = [];
    const failureFiles: string[] = [];
    const failed = results.filter((r) => FAILURE_KINDS.includes(r.kind));
    if (failed.length > 0) {
      const dir = options.failureDir ?? path.join(os.tmpdir(), 'cutline-fuzz-failures');
      fs.mkdirSync(dir, { recursive: true });
      const sources = onnxFuzzSources();
      for (const f of failed) {
        // Rebuilt here: a case that hung or crashed the child may not have reported its label.
        const testCase = onnxFuzzCase(sources, options.seed, f.index);
        const file = path.join(dir, `seed-${options.seed}-case-${f.index}.onnx`);
        fs.writeFileSync(file, testCase.bytes);
        failures.push({ ...f, label: testCase.label });
        failureFiles.push(file);
      }
    }
    return { results, failures, failureFiles };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** One line per failure: the case to replay, its class, what it said, and where its model is. */
export function describeFailures(run: OnnxFuzzRun, seed: number): string[] {
  return run.failures.map(
    (f, k) =>
      `seed ${seed} case #${f.index} ${f.kind}${f.code ? ` ${f.code}` : ''}: ${f.label}: ${(f.message ?? '').split('\n').slice(0, 4).join(' | ')} -> ${run.failureFiles[k] ?? ''}`,
  );
}
