/**
 * An onnxruntime profile a user already has (what `InferenceSession` writes with
 * `enableProfiling`), read as per-node kernel times: the median over the file's runs of each
 * node's kernel time in a run. Pure: the text comes from a file the CLI read or a page sent.
 */
import { CutlineError } from '../errors.js';
import { median } from './stats.js';
import { parseOrtTrace } from './trace.js';

/**
 * The largest profile text Cutline reads. A trace event is about 300 bytes, so this holds some
 * 800,000 kernel events (a 1,000-node model over 800 runs), far beyond a profiling session.
 */
export const MAX_ORT_PROFILE_BYTES = 256 * 1024 ** 2;

export interface OrtProfileNodeTime {
  /** The node name as the file gives it (ORT's `<name>_kernel_time` less the suffix). */
  readonly name: string;
  readonly opName: string;
  /** Median over the runs that ran the node of its kernel time in a run, ms. */
  readonly medianMs: number;
}

/** Plain JSON: it crosses from the host to the studio's page as it is. */
export interface OrtProfileTimes {
  /** The file's name, for messages. */
  readonly file: string;
  readonly runs: number;
  /** Every node the file times, in the order of its first kernel event. */
  readonly nodes: readonly OrtProfileNodeTime[];
  /** Median `model_run` duration, ms: the whole `session.run` under the profiler. */
  readonly profiledRunMs: number;
}

/**
 * Per-node medians of an ORT profile's text. Every run of the file counts: the file does not say
 * which runs were warm-up, and the median keeps a slow first run from moving the figure.
 *
 * @throws CutlineError PROFILING_FAILED when the text is over MAX_ORT_PROFILE_BYTES (`maxBytes`)
 *   or is not an onnxruntime trace (see parseOrtTrace).
 */
export function readOrtProfileText(
  text: string,
  file: string,
  maxBytes: number = MAX_ORT_PROFILE_BYTES,
): OrtProfileTimes {
  // UTF-16 units: a lower bound of the bytes, and exact for the ASCII ORT writes.
  if (text.length > maxBytes) throw tooLarge(file, text.length, maxBytes);
  const runs = parseOrtTrace(text, file);
  const times = new Map<string, { opName: string; ms: number[] }>();
  for (const run of runs) {
    for (const [name, kernel] of run.kernels) {
      const seen = times.get(name);
      if (seen) seen.ms.push(kernel.ms);
      else times.set(name, { opName: kernel.opName, ms: [kernel.ms] });
    }
  }
  return {
    file,
    runs: runs.length,
    nodes: [...times].map(([name, { opName, ms }]) => ({ name, opName, medianMs: median(ms) })),
    profiledRunMs: median(runs.map((run) => run.durationMs)),
  };
}

export function tooLarge(file: string, bytes: number, maxBytes: number): CutlineError {
  const mib = (n: number): string => `${(n / 1024 ** 2).toFixed(0)} MiB`;
  return new CutlineError(
    'PROFILING_FAILED',
    `The profile ${file} is ${mib(bytes)}, over the ${mib(maxBytes)} Cutline reads. Profile fewer runs (each run adds every node's events) and import that file.`,
  );
}
