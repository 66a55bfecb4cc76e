/**
 * Timing a model on this machine with onnxruntime-node: per-node kernel times from ORT's own
 * profiler on an unoptimised session (so every ONNX node runs as itself and keeps its name), and
 * the end-to-end time of the session a user would deploy (default graph optimisation, no profiler).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeModel, type Analysis } from '../analyze.js';
import { CutlineError, isCutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { encodeModelProto } from '../onnx/codec.js';
import { inlineExternalTensors } from '../onnx/external-data.js';
import { readModelFile } from '../onnx/read.js';
import { writeModelFiles } from '../export/external-weights.js';
import { resolveInputValues, type InputValueText } from '../shape/input-values.js';
import { concreteInputShapes, randomFeeds } from './feeds.js';
import { valuesKeyOf } from './table-values.js';
import { median, quantile } from './stats.js';
import { findTraceFile, takeTraceFile } from './trace-file.js';
import type { TraceRun } from './trace.js';

/**
 * The graph optimisation level of the profiled session: measurements are only comparable (and
 * reusable from the measurement table) at the same level.
 */
export const PROFILED_GRAPH_OPTIMIZATION = 'disabled' as const;

export interface ProfileProgress {
  /** `profiled`: the unoptimised session under ORT's profiler; `optimised`: the deployable session. */
  readonly phase: 'profiled' | 'optimised';
  /** Runs done in this phase, warm-up included, out of `of`. */
  readonly run: number;
  readonly of: number;
}

export interface OrtProfileOptions {
  /** Timed runs per session; medians are taken over them. */
  readonly runs: number;
  /** Untimed runs first (allocator arenas, thread pools and caches warm up). */
  readonly warmup: number;
  /** Input shapes; symbolic dimensions not bound here count as 1. */
  readonly inputs?: Readonly<Record<string, Shape>>;
  /** Values fed to some inputs (`--input-value sr=16000`) and folded into the analysis; others are random. */
  readonly inputValues?: readonly InputValueText[];
  /** ORT's intra-op thread count; its default (the physical cores) when left out. */
  readonly intraOpThreads?: number;
  /** `parallel` runs independent branches at once, on `interOpThreads` threads. */
  readonly executionMode?: 'sequential' | 'parallel';
  readonly interOpThreads?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ProfileProgress) => void;
}

/** The measured kernel time of one node of the main graph. */
export interface NodeTiming {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  /** Median over the timed runs, ms; null when ORT ran no kernel for the node (see `unmeasured`). */
  readonly medianMs: number | null;
  /** Interquartile range over the timed runs, ms (kept in the measurement table). */
  readonly iqrMs?: number | null;
  /** Timed runs in which the node's kernel ran. */
  readonly samples?: number;
  /** The kernels ORT ran for the node (the trace's `op_name`), e.g. `Conv` or `FusedConv`. */
  readonly kernels?: readonly string[];
}

export interface OrtMeasurement {
  readonly modelPath: string;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  /** Values fed to some inputs (`--input-value`), by input name; absent when every input was random. */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
  readonly runs: number;
  readonly warmup: number;
  /** null: ORT's default thread count. */
  readonly intraOpThreads: number | null;
  readonly interOpThreads: number | null;
  readonly executionMode: 'sequential' | 'parallel';
  /** The profiled session's graph optimisation level; `disabled` when left out. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Every node of the main graph, in graph order. */
  readonly nodes: readonly NodeTiming[];
  /**
   * Nodes with no kernel event: ORT folds Constant nodes into initializers at load, and a node
   * whose outputs nothing reads may be dropped. Their time is not measured (not zero).
   */
  readonly unmeasured: readonly string[];
  /** Median over the timed runs of the sum of all kernel times, ms (unoptimised graph). */
  readonly kernelSumMs: number;
  /** Median `model_run` of the profiled session, ms: kernels plus ORT's scheduling and profiling. */
  readonly profiledRunMs: number;
  /** Median wall time of `session.run` with ORT's default optimisations and no profiler, ms. */
  readonly optimisedRunMs: number;
  readonly ortVersion: string;
  /**
   * Set when the times come from a profile file ORT wrote elsewhere (`--from-ort-profile`), not
   * from a run here: its path. Then `optimisedRunMs` is NaN (the file has no such run).
   */
  readonly importedFrom?: string;
}

export interface OrtProfile {
  /** The model analysed with the shapes it was run with, so costs and times describe the same work. */
  readonly analysis: Analysis;
  readonly measurement: OrtMeasurement;
}

/**
 * Profiles `modelPath` on this machine's CPU.
 *
 * @throws CutlineError PROFILING_FAILED when onnxruntime cannot load or run the model or its
 *   trace cannot be read; the model's own errors (NOT_ONNX, BAD_INPUT_BINDING, …) as `analyze` does.
 */
export async function runOrtProfile(modelPath: string, options: OrtProfileOptions): Promise<OrtProfile> {
  if (
    !Number.isInteger(options.runs) ||
    options.runs < 1 ||
    !Number.isInteger(options.warmup) ||
    options.warmup < 0
  )
    throw new RangeError(`runs must be ≥ 1 and warmup ≥ 0 (got ${options.runs} and ${options.warmup}).`);
  const model = readModelFile(modelPath);
  const declared = analyzeModel(model);
  const inputValues = options.inputValues ?? [];
  // A value fixes its input's shape (ids=1,2,3 on [seq] is [3]); an explicit binding still wins.
  const valueShapes = resolveInputValues(declared.graph, inputValues, options.inputs).shapes;
  const inputShapes = concreteInputShapes(declared.graph, { ...valueShapes, ...options.inputs });
  const analysis = analyzeModel(model, { inputShapes, inputValues });
  const given = Object.fromEntries(inputValues.map((v) => [v.name, v.data]));
  const feeds = randomFeeds(analysis, inputShapes, 1, given);
  const threads = {
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.interOpThreads !== undefined ? { interOpNumThreads: options.interOpThreads } : {}),
  };
  const executionMode = options.executionMode ?? 'sequential';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-profile-'));
  let keepDir = false;
  try {
    const prefix = path.join(dir, 'ort');
    const profiled = await createSession(modelPath, modelSource(analysis, modelPath, dir), {
      ...threads,
      executionMode,
      graphOptimizationLevel: PROFILED_GRAPH_OPTIMIZATION,
      enableProfiling: true,
      profileFilePrefix: prefix,
    });
    try {
      await timeRuns(profiled, feeds, options, 'profiled', modelPath);
      profiled.endProfiling();
    } finally {
      await profiled.release();
    }
    const traceFile = findTraceFile(prefix);
    let traceRuns: TraceRun[];
    try {
      traceRuns = takeTraceFile(traceFile);
    } catch (error) {
      keepDir = isCutlineError(error); // the error names the trace: keep it to be looked at
      throw error;
    }
    const timed = traceRuns.slice(options.warmup);
    if (timed.length !== options.runs) {
      keepDir = true;
      throw new CutlineError(
        'PROFILING_FAILED',
        `The profile ${traceFile} holds ${traceRuns.length} runs where ${options.warmup + options.runs} were made. Profile again; if this repeats, report the onnxruntime version.`,
      );
    }
    const optimised = await createSession(modelPath, modelPath, { ...threads, executionMode });
    let optimisedRunsMs: number[];
    try {
      optimisedRunsMs = await timeRuns(optimised, feeds, options, 'optimised', modelPath);
    } finally {
      await optimised.release();
    }
    const nodes = analysis.graph.nodes.map((node): NodeTiming => {
      const kernels = timed.flatMap((run) => {
        const kernel = run.kernels.get(node.name);
        return kernel ? [kernel] : [];
      });
      const times = kernels.map((k) => k.ms);
      return {
        index: node.index,
        name: node.name,
        opType: node.opType,
        medianMs: times.length > 0 ? median(times) : null,
        iqrMs: times.length > 0 ? quantile(times, 0.75) - quantile(times, 0.25) : null,
        samples: times.length,
        kernels: [...new Set(kernels.map((k) => k.opName))],
      };
    });
    const valuesKey = valuesKeyOf(inputValues);
    const measurement: OrtMeasurement = {
      modelPath,
      inputShapes,
      ...(valuesKey ? { inputValues: valuesKey } : {}),
      runs: options.runs,
      warmup: options.warmup,
      intraOpThreads: options.intraOpThreads ?? null,
      interOpThreads: options.interOpThreads ?? null,
      executionMode,
      graphOptimizationLevel: PROFILED_GRAPH_OPTIMIZATION,
      nodes,
      unmeasured: nodes.filter((n) => n.medianMs === null).map((n) => n.name),
      // Main-graph nodes only: a control-flow node's kernel time already holds its body's kernels.
      kernelSumMs: median(
        timed.map((run) => nodes.reduce((sum, n) => sum + (run.kernels.get(n.name)?.ms ?? 0), 0)),
      ),
      profiledRunMs: median(timed.map((run) => run.durationMs)),
      optimisedRunMs: median(optimisedRunsMs),
      ortVersion: ort.env.versions.node ?? ort.env.versions.common,
    };
    return { analysis, measurement };
  } finally {
    if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The file as ORT should load it. Cutline names unnamed (or doubly named) nodes `<op>_<index>`,
 * ORT leaves them blank, and the trace keys kernels by name; so such a model is handed to ORT with
 * Cutline's names written in, and every kernel event finds its node: as bytes when its weights are
 * inline, or, when it keeps weights in external data, written to `dir` with its own data file
 * (bytes loaded by ORT would resolve external data against the working directory, and inlining
 * could pass protobuf's 2 GiB).
 */
function modelSource(analysis: Analysis, modelPath: string, dir: string): string | Uint8Array {
  const protoNodes = analysis.model.proto.graph?.node ?? [];
  const renamed = protoNodes.some((node, i) => node.name !== analysis.graph.nodes[i]?.name);
  if (!renamed) return modelPath;
  const proto = analysis.model.proto;
  const named = {
    ...proto,
    graph: {
      ...proto.graph,
      node: protoNodes.map((node, i) => ({ ...node, name: analysis.graph.nodes[i]!.name })),
    },
  };
  if (analysis.model.externalDataBytes === 0) return encodeModelProto(inlineExternalTensors(named));
  const file = path.join(dir, 'named.onnx');
  writeModelFiles(named, file);
  return file;
}

async function createSession(
  modelPath: string,
  source: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  try {
    return typeof source === 'string'
      ? await ort.InferenceSession.create(source, options)
      : await ort.InferenceSession.create(source, options);
  } catch (error) {
    throw ortFailure(modelPath, 'load', error);
  }
}

/** Runs `warmup + runs` times; returns the wall time of each timed run, ms. */
async function timeRuns(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  options: OrtProfileOptions,
  phase: ProfileProgress['phase'],
  modelPath: string,
): Promise<number[]> {
  const total = options.warmup + options.runs;
  const timesMs: number[] = [];
  for (let run = 0; run < total; run++) {
    options.signal?.throwIfAborted();
    const start = performance.now();
    try {
      await session.run(feeds);
    } catch (error) {
      throw ortFailure(modelPath, 'run', error);
    }
    const elapsedMs = performance.now() - start;
    if (run >= options.warmup) timesMs.push(elapsedMs);
    options.onProgress?.({ phase, run: run + 1, of: total });
  }
  return timesMs;
}

function ortFailure(modelPath: string, stage: 'load' | 'run', error: unknown): CutlineError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CutlineError(
    'PROFILING_FAILED',
    `onnxruntime could not ${stage} ${modelPath} on this machine's CPU (${reason}). Cutline can only time models onnxruntime runs; check the operators and opset it supports.`,
    { cause: error },
  );
}
