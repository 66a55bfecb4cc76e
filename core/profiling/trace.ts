/**
 * Reading onnxruntime's profile: a Chrome trace (`chrome://tracing` JSON) whose `Session` events
 * time each `model_run` and whose `Node` events, named `<node name>_kernel_time`, time each
 * operator's kernel in microseconds (ORT's `onnxruntime/core/common/profiler.cc`).
 */
import { z } from 'zod';
import { CutlineError } from '../errors.js';

const KERNEL_SUFFIX = '_kernel_time';

const eventSchema = z.looseObject({
  cat: z.string().optional(),
  name: z.string(),
  ph: z.string().optional(),
});

/** The events Cutline reads must carry a start and a duration, in µs. */
const timedEventSchema = z.looseObject({
  name: z.string(),
  ts: z.number().nonnegative(),
  dur: z.number().nonnegative(),
  args: z.looseObject({ op_name: z.string().optional() }).optional(),
});

/** One kernel's time in one run. Several events of one node in a run (a loop body) add up. */
export interface TraceKernel {
  readonly opName: string;
  readonly ms: number;
}

export interface TraceRun {
  /** The `model_run` event's duration: the whole `session.run`, profiling bookkeeping included. */
  readonly durationMs: number;
  /** Kernel time per node name, for the nodes ORT ran in this run. */
  readonly kernels: ReadonlyMap<string, TraceKernel>;
}

/**
 * The runs of an ORT profile, in the order they ran, each with its kernels. A node event belongs
 * to the `model_run` whose interval holds its start; events outside every run (session set-up)
 * are dropped.
 *
 * @param file the trace's path, named in the error when the text is not an ORT profile.
 * @throws CutlineError PROFILING_FAILED when the text is not JSON, not a list of trace events,
 *   or an event Cutline reads lacks its name, start or duration.
 */
export function parseOrtTrace(text: string, file: string): TraceRun[] {
  const fail = (why: string): never => {
    throw new CutlineError(
      'PROFILING_FAILED',
      `The profile ${file} is not an onnxruntime trace (${why}). Profile the model again; if this repeats, report the onnxruntime version.`,
    );
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Chrome traces come as a bare array or as `{ traceEvents: [...] }`; ORT writes the array.
  const list = Array.isArray(json)
    ? json
    : json !== null &&
        typeof json === 'object' &&
        Array.isArray((json as { traceEvents?: unknown }).traceEvents)
      ? (json as { traceEvents: unknown[] }).traceEvents
      : fail('expected a list of trace events');
  const runWindows: { startUs: number; endUs: number; durationMs: number }[] = [];
  const kernels: { name: string; opName: string; startUs: number; ms: number }[] = [];
  list.forEach((raw, index) => {
    const event = eventSchema.safeParse(raw);
    if (!event.success) fail(`event ${index} has no name`);
    const { cat, name } = event.data!;
    const isRun = cat === 'Session' && name === 'model_run';
    const isKernel = cat === 'Node' && name.endsWith(KERNEL_SUFFIX);
    if (!isRun && !isKernel) return;
    const timed = timedEventSchema.safeParse(raw);
    if (!timed.success) fail(`event ${index} (${name}) lacks a numeric ts or dur`);
    const { ts, dur, args } = timed.data!;
    if (isRun) runWindows.push({ startUs: ts, endUs: ts + dur, durationMs: dur / 1000 });
    else
      kernels.push({
        name: name.slice(0, -KERNEL_SUFFIX.length),
        opName: args?.op_name ?? '',
        startUs: ts,
        ms: dur / 1000,
      });
  });
  if (runWindows.length === 0) fail('no model_run event');
  runWindows.sort((a, b) => a.startUs - b.startUs);
  const runs = runWindows.map(() => new Map<string, TraceKernel>());
  for (const kernel of kernels) {
    const run = runHolding(runWindows, kernel.startUs);
    if (run < 0) continue;
    const seen = runs[run]!.get(kernel.name);
    runs[run]!.set(kernel.name, { opName: kernel.opName, ms: (seen?.ms ?? 0) + kernel.ms });
  }
  return runWindows.map((w, i) => ({ durationMs: w.durationMs, kernels: runs[i]! }));
}

/**
 * The run whose interval holds `ts`, or -1: the last run starting at or before it, found by a
 * binary search, so a file of N runs and N kernels (an imported one may hold 200,000 of each)
 * costs N log N, not N². ORT's runs follow one another (session.run calls do not overlap), so
 * that run is the only one that can hold the kernel.
 */
function runHolding(windows: readonly { startUs: number; endUs: number }[], ts: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (windows[mid]!.startUs <= ts) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return last >= 0 && windows[last]!.endUs >= ts ? last : -1;
}
