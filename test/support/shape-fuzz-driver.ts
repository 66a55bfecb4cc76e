/**
 * Drives a fuzzer (the shape fuzzer, the ONNX fuzzer) in a child process with a memory cap and a
 * time budget per case: a case that runs past its budget is a hang, one that exhausts the child's
 * heap a memory blow-up, one that kills it otherwise a crash; either way the driver records it
 * and starts a new child at the next case, so one bad case names itself instead of stalling or
 * aborting the run.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type FuzzResultKind =
  | 'analysed'
  | 'named-error'
  /** A CutlineError whose message is not one safe line (see safe-message.ts). */
  | 'unsafe-message'
  | 'other-error'
  | 'hang'
  /** The child ran out of its heap cap. */
  | 'memory'
  | 'crash'
  /**
   * A case that hung or killed its child once but passed when run again alone in a fresh child:
   * cases are pure functions of (seed, index), so the first outcome was the machine (a process
   * starved on a loaded machine), not the case. Reported, not a failure.
   */
  | 'transient';

/** The classes that fail a run. */
export const FAILURE_KINDS: readonly FuzzResultKind[] = [
  'unsafe-message',
  'other-error',
  'hang',
  'memory',
  'crash',
];

export interface FuzzResult {
  readonly index: number;
  readonly label: string;
  readonly kind: FuzzResultKind;
  /** The CutlineError code of a named error. */
  readonly code?: string;
  /** What an other-error or crash said. */
  readonly message?: string;
}

export interface FuzzRunOptions {
  readonly seed: number;
  readonly count: number;
  /** Time one case may take once started (ms). */
  readonly caseBudgetMs: number;
  /** The child's V8 heap cap (MB): a blow-up is a crash of the child, not of the machine. */
  readonly heapMb?: number;
  /** The child script (default the shape fuzzer's); it gets SEED START END and `childArgs`. */
  readonly child?: string;
  readonly childArgs?: readonly string[];
}

const SHAPE_CHILD = fileURLToPath(new URL('./shape-fuzz-child.ts', import.meta.url));

/** V8's last words when a heap cap is reached. */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|invalid array length|Reached heap limit/i;

interface Line {
  readonly index: number;
  readonly label: string;
  readonly started?: boolean;
  readonly kind?: FuzzResultKind;
  readonly code?: string;
  readonly message?: string;
}

/** Runs cases [start, count) in one child; resolves with its results and where it stopped. */
function runChild(options: FuzzRunOptions, start: number, results: FuzzResult[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${options.heapMb ?? 512}`,
        '--import',
        'tsx',
        options.child ?? SHAPE_CHILD,
        String(options.seed),
        String(start),
        String(options.count),
        ...(options.childArgs ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let current: Line | undefined;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    createInterface({ input: child.stdout }).on('line', (text) => {
      const line = JSON.parse(text) as Line;
      clearTimeout(timer);
      if (line.started) {
        current = line;
        const started = line;
        timer = setTimeout(() => {
          // Timers run before pending reads in Node's loop: when this process itself was starved
          // (a loaded machine), the case's result may already be waiting. Read it first, then
          // call the case hung only if it is still the one running.
          setImmediate(() => {
            if (current !== started) return;
            hung = true;
            child.kill('SIGKILL');
          });
        }, options.caseBudgetMs);
        return;
      }
      current = undefined;
      const result: FuzzResult = { index: line.index, label: line.label, kind: line.kind ?? 'other-error' };
      results.push({
        ...result,
        ...(line.code !== undefined ? { code: line.code } : {}),
        ...(line.message !== undefined ? { message: line.message } : {}),
      });
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!current) {
        if (code === 0) return resolve(options.count);
        return reject(new Error(`shape fuzz child failed before a case (exit ${code ?? signal}): ${stderr}`));
      }
      const lastLine = stderr.trim().split('\n').slice(-3).join(' | ');
      results.push({
        index: current.index,
        label: current.label,
        kind: hung ? 'hang' : OUT_OF_MEMORY.test(stderr) ? 'memory' : 'crash',
        message: hung ? `ran past ${options.caseBudgetMs} ms` : `exit ${code ?? signal}: ${lastLine}`,
      });
      resolve(current.index + 1);
    });
  });
}

/** Runs `count` cases of `seed`; every case gets exactly one result, in order. */
export async function runFuzz(options: FuzzRunOptions): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  let next = 0;
  while (next < options.count) {
    next = await runChild(options, next, results);
    const last = results.at(-1);
    if (last && CHILD_KILLERS.includes(last.kind)) results[results.length - 1] = await confirm(options, last);
  }
  return results;
}

const CHILD_KILLERS: readonly FuzzResultKind[] = ['hang', 'memory', 'crash'];

/** Runs a case that ended its child again, alone in a fresh child: the same end confirms it. */
async function confirm(options: FuzzRunOptions, first: FuzzResult): Promise<FuzzResult> {
  const again: FuzzResult[] = [];
  await runChild({ ...options, count: first.index + 1 }, first.index, again);
  const second = again[0];
  if (!second || CHILD_KILLERS.includes(second.kind) || second.kind === 'other-error') return first;
  return {
    ...first,
    kind: 'transient',
    message: `${first.kind} (${first.message ?? ''}), then ${second.kind} alone`,
  };
}

/** The shape fuzzer's run (shape-fuzz-child.ts). */
export const runShapeFuzz = (options: FuzzRunOptions): Promise<FuzzResult[]> => runFuzz(options);

/** Counts per outcome class ("named-error SHAPE_LIMIT" per code), for reports. */
export function countOutcomes(results: readonly FuzzResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key =
      r.kind === 'named-error' || r.kind === 'unsafe-message' ? `${r.kind} ${r.code ?? ''}` : r.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
