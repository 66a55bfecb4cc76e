/**
 * Proof that a split computes what the whole model computes: both run in onnxruntime-node on the
 * same inputs, the sub-models chained in segment order, and every final output is compared.
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeBytes, analyzeFile, type Analysis } from '../analyze.js';
import { CutlineError, isCutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { concreteInputShapes, randomFeeds } from '../profiling/feeds.js';
import { resolveInputValues, type InputValueText } from '../shape/input-values.js';
import { compareOutput, type ElementDifference, type OutputComparison } from './compare.js';
import type { Segment } from './segments.js';
import { allowanceRatio, DEFAULT_TOLERANCE, type Tolerance } from './tolerance.js';
import { modelFileBytes, planVerifyMemory, type ModelFootprint } from './verify-memory.js';

/** A segment and its sub-model, as `extractSubModel` made it. */
export interface SplitPart {
  readonly segment: Segment;
  readonly bytes: Uint8Array;
}

/**
 * A segment and the path of its sub-model's file, which onnxruntime loads itself (finding an
 * external-data file beside it): only one segment's model is in memory at a time.
 */
export interface SplitPartFile {
  readonly segment: Segment;
  readonly file: string;
}

/** One output of the whole model held against the split's, element by element (compare.ts). */
export interface OutputDifference extends OutputComparison {
  readonly name: string;
  /** Its largest |split − whole| (`largestAbs.diff`). */
  readonly maxAbsDiff: number;
}

/** An element of a named output. */
export interface OutputElement extends ElementDifference {
  readonly output: string;
}

export interface SplitVerification {
  /** One per output of the whole model, in its order. */
  readonly outputs: readonly OutputDifference[];
  /**
   * The difference of the element furthest off relative to its allowance, over every output
   * (`worst`): `ok` iff it is within `tolerance`, so the two never contradict the verdict.
   */
  readonly maxAbsDiff: number;
  /** That element's allowance, `atol + rtol · |whole|`. */
  readonly tolerance: number;
  /** The rule's relative term. */
  readonly rtol: number;
  /** The absolute term as given; null for the default, which scales with each output (tolerance.ts). */
  readonly atol: number | null;
  /** The element that decides (furthest off relative to its allowance), with the `atol` its output used; null when nothing was compared. */
  readonly worst: (OutputElement & { readonly allowance: number; readonly atol: number }) | null;
  /** The largest absolute difference, and the largest relative one, over every output; null when nothing was compared. */
  readonly largestAbs: OutputElement | null;
  readonly largestRel: OutputElement | null;
  /** Every element of every output within its allowance. */
  readonly ok: boolean;
  /** Time of each segment's run (session creation excluded), in segment order. */
  readonly segmentMs: readonly number[];
  /** Time of the whole model's run; 0 when it was skipped. */
  readonly wholeMs: number;
  /**
   * `compared`: the split's outputs were checked against the whole model's. `skipped`: the whole
   * model does not fit in memory, so the segments were only run and chained (every model output
   * made, nothing compared; `outputs` is empty and `skippedBecause` says why).
   */
  readonly wholeModel: 'compared' | 'skipped';
  readonly skippedBecause?: string;
}

export interface VerifyOptions {
  /** Analysis of the whole model, used to make random inputs; made from the model when left out. */
  readonly analysis?: Analysis;
  /** Shapes for inputs with symbolic dims (unbound dims become 1). */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  /**
   * Values fed to some inputs instead of random data (`--input-value sr=16000`), so the split is
   * checked on the branch the analysis costed; an input given as a tensor takes that tensor.
   */
  readonly inputValues?: readonly InputValueText[];
  /** Seed of the random inputs (default 1): the same seed gives the same inputs. */
  readonly seed?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Memory free for verification (default `process.availableMemory()`); see verify-memory.ts. */
  readonly availableMemoryBytes?: number;
  /** Compare with the whole model even when the memory estimate says it does not fit. */
  readonly verifyWhole?: boolean;
  /** What the outputs are held to (default `DEFAULT_TOLERANCE`: rtol 1e-4, atol scaled; tolerance.ts). */
  readonly tolerance?: Tolerance;
}

/**
 * Runs the whole model and the chain of sub-models on the same inputs and reports, per final
 * output, the largest absolute and relative differences between the two and whether every element
 * is within `atol + rtol · |whole|` (tolerance.ts), with the element furthest off. Inputs the caller does not give are
 * drawn at random from `seed` with the model's types and shapes (integer inputs that index a
 * Gather table stay inside it, see profiling/feeds.ts).
 *
 * One model is loaded at a time: the whole model runs and is released, keeping only its outputs,
 * then each segment in order. Before anything runs, the memory the largest of them needs is
 * estimated (verify-memory.ts): when the whole model does not fit but every segment does, the
 * segments are run and chained without the comparison (`wholeModel: 'skipped'`).
 *
 * @throws CutlineError EXPORT_FAILED naming the segment when onnxruntime refuses or fails to run
 *   a sub-model, when a segment needs a tensor no earlier segment makes, when the whole model
 *   itself does not run, or when even one segment does not fit in memory.
 */
export async function verifySplit(
  whole: Uint8Array | string,
  parts: readonly (SplitPart | SplitPartFile)[],
  inputs: Readonly<Record<string, ort.Tensor>> = {},
  options: VerifyOptions = {},
): Promise<SplitVerification> {
  const analysis = options.analysis;
  const memory = planVerifyMemory(
    footprint(
      'the whole model',
      whole,
      analysis,
      analysis?.costs.map((_, n) => n),
    ),
    parts.map((p) => footprint(`segment ${p.segment.id}`, partModel(p), analysis, p.segment.nodes)),
    // Free memory within the process's cgroup limit too (a container), not only the host's.
    options.availableMemoryBytes ?? process.availableMemory(),
    options.verifyWhole ?? false,
  );

  let feeds: Record<string, ort.Tensor> = { ...inputs };
  let reference: TimedRun | null = null;
  if (memory.compareWhole) {
    const wholeSession = await openSession(whole, 'the whole model', options);
    try {
      if (wholeSession.inputNames.some((name) => !(name in inputs)))
        feeds = { ...randomInputs(whole, inputs, options), ...inputs };
      reference = await timedRun(wholeSession, feeds, undefined, 'the whole model');
    } finally {
      await wholeSession.release();
    }
  } else {
    feeds = { ...randomInputs(whole, inputs, options), ...inputs };
  }

  const available = new Map<string, ort.Tensor>(Object.entries(feeds));
  const segmentMs: number[] = [];
  for (const part of parts) {
    const { segment } = part;
    const segmentFeeds: Record<string, ort.Tensor> = {};
    for (const { name } of segment.inputs) {
      const value = available.get(name);
      if (!value) {
        throw new CutlineError(
          'EXPORT_FAILED',
          `Segment ${segment.id} reads "${name}", which neither the inputs nor an earlier segment provide. Export the segments again from one placement and run them in order.`,
        );
      }
      segmentFeeds[name] = value;
    }
    const what = `segment ${segment.id}`;
    const session = await openSession(partModel(part), what, options);
    try {
      const run = await timedRun(
        session,
        segmentFeeds,
        segment.outputs.map((t) => t.name),
        what,
      );
      segmentMs.push(run.ms);
      for (const [name, value] of Object.entries(run.outputs)) available.set(name, value);
    } finally {
      await session.release();
    }
  }

  const outputNames = reference
    ? Object.keys(reference.outputs)
    : (analysis?.graph.outputs ?? []).filter((name) => name !== '');
  for (const name of outputNames) {
    if (!available.has(name)) {
      throw new CutlineError(
        'EXPORT_FAILED',
        `No segment makes the model output "${name}". Export the segments again from one placement.`,
      );
    }
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!reference) {
    return {
      outputs: [],
      maxAbsDiff: 0,
      tolerance: 0,
      rtol: tolerance.rtol,
      atol: tolerance.atol,
      worst: null,
      largestAbs: null,
      largestRel: null,
      ok: true,
      segmentMs,
      wholeMs: 0,
      wholeModel: 'skipped',
      ...(memory.skippedBecause ? { skippedBecause: memory.skippedBecause } : {}),
    };
  }
  const outputs = Object.entries(reference.outputs).map(([name, expected]): OutputDifference => {
    const comparison = compareOutput(expected, available.get(name)!, tolerance);
    return { name, maxAbsDiff: comparison.largestAbs.diff, ...comparison };
  });
  const summary = summarizeOutputs(outputs);
  return {
    outputs,
    maxAbsDiff: summary.worst?.diff ?? 0,
    tolerance: summary.worst?.allowance ?? 0,
    rtol: tolerance.rtol,
    atol: tolerance.atol,
    ...summary,
    ok: outputs.every((o) => o.ok),
    segmentMs,
    wholeMs: reference.ms,
    wholeModel: 'compared',
  };
}

/**
 * The deciding element over every output (furthest off relative to its allowance; the larger
 * difference on a tie) and the largest absolute and relative differences, each named.
 */
export function summarizeOutputs(
  outputs: readonly OutputDifference[],
): Pick<SplitVerification, 'worst' | 'largestAbs' | 'largestRel'> {
  let worst: SplitVerification['worst'] = null;
  let worstRatio = -1;
  let largestAbs: OutputElement | null = null;
  let largestRel: OutputElement | null = null;
  for (const o of outputs) {
    const ratio = allowanceRatio({ maxAbsDiff: o.worst.diff, tolerance: o.worst.allowance });
    if (worst === null || ratio > worstRatio || (ratio === worstRatio && o.worst.diff > worst.diff)) {
      worst = { output: o.name, ...o.worst, atol: o.atol };
      worstRatio = ratio;
    }
    if (largestAbs === null || o.largestAbs.diff > largestAbs.diff)
      largestAbs = { output: o.name, ...o.largestAbs };
    if (largestRel === null || o.largestRel.relDiff > largestRel.relDiff)
      largestRel = { output: o.name, ...o.largestRel };
  }
  return { worst, largestAbs, largestRel };
}

const partModel = (part: SplitPart | SplitPartFile): Uint8Array | string =>
  'bytes' in part ? part.bytes : part.file;

/** What running `model` holds: its bytes (with a data file beside it) and its nodes' outputs. */
function footprint(
  what: string,
  model: Uint8Array | string,
  analysis: Analysis | undefined,
  nodes: readonly number[] | undefined,
): ModelFootprint {
  const weightBytes = typeof model === 'string' ? modelFileBytes(model) : model.length;
  let activationBytes = 0;
  if (analysis && nodes) for (const n of nodes) activationBytes += analysis.costs[n]?.outputBytes ?? 0;
  return { what, weightBytes, activationBytes };
}

function randomInputs(
  whole: Uint8Array | string,
  given: Readonly<Record<string, ort.Tensor>>,
  options: VerifyOptions,
): Record<string, ort.Tensor> {
  const analysis = options.analysis ?? (typeof whole === 'string' ? analyzeFile(whole) : analyzeBytes(whole));
  const values = (options.inputValues ?? []).filter((v) => !(v.name in given));
  // A value fixes its input's shape (ids=1,2,3 on [seq] is [3]); an explicit binding still wins.
  const valueShapes = resolveInputValues(analysis.graph, values, options.inputShapes).shapes;
  const shapes = concreteInputShapes(analysis.graph, { ...valueShapes, ...options.inputShapes });
  for (const [name, tensor] of Object.entries(given)) shapes[name] = [...tensor.dims];
  try {
    return randomFeeds(
      analysis,
      shapes,
      options.seed ?? 1,
      Object.fromEntries(values.map((v) => [v.name, v.data])),
    );
  } catch (cause) {
    if (!isCutlineError(cause) || cause.code !== 'PROFILING_FAILED') throw cause;
    throw new CutlineError(
      'EXPORT_FAILED',
      `Random test inputs cannot be made for this model (${cause.message}) Give the inputs to verify the split with.`,
      { cause },
    );
  }
}

interface TimedRun {
  readonly outputs: Record<string, ort.Tensor>;
  readonly ms: number;
}

function exportFailed(stage: 'load' | 'run', what: string, cause: unknown): CutlineError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CutlineError('EXPORT_FAILED', `onnxruntime cannot ${stage} ${what}: ${reason}`, { cause });
}

async function openSession(
  model: Uint8Array | string,
  what: string,
  options: VerifyOptions,
): Promise<ort.InferenceSession> {
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options.sessionOptions ?? {})
      : await ort.InferenceSession.create(model, options.sessionOptions ?? {});
  } catch (cause) {
    throw exportFailed('load', what, cause);
  }
}

async function timedRun(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  fetches: string[] | undefined,
  what: string,
): Promise<TimedRun> {
  try {
    const start = performance.now();
    const outputs = fetches ? await session.run(feeds, fetches) : await session.run(feeds);
    return { outputs, ms: performance.now() - start };
  } catch (cause) {
    throw exportFailed('run', what, cause);
  }
}
