/**
 * Timing a model as a tier runs it: onnxruntime with graph optimisations on (level `all`, the
 * default a tier's session gets in core/bundle/tier-serving.ts) and the tier's thread count. The
 * profiler's kernels are attributed to the fusion anchors Cutline predicts (kernel-attribution.ts),
 * and the wall time of `session.run` without the profiler gives the fixed cost of a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeModel, type Analysis } from '../analyze.js';
import { CutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { readModelFile } from '../onnx/read.js';
import { graphFusionAnchors } from '../predict/roofline.js';
import type { InputValueText } from '../shape/input-values.js';
import { randomFeeds, valueBoundShapes } from './feeds.js';
import { decodeModelProto } from '../onnx/codec.js';
import { attributeRun, type OptimizedNode } from './kernel-attribution.js';
import { median, quantile } from './stats.js';
import { findTraceFile, takeTraceFile } from './trace-file.js';

/**
 * The share of runs below the "quiet" figure. On a machine shared with other work a kernel is
 * often preempted mid-run, which the median still feels when the load is heavy; the tenth
 * percentile is the kernel's own time (a quiet machine's median is within a few % of it).
 */
const QUIET = 0.1;

export interface KernelProfileOptions {
  readonly runs: number;
  readonly warmup: number;
  readonly inputs?: Readonly<Record<string, Shape>>;
  /** Values fed to some inputs (`--input-value sr=16000`) and folded into the analysis; others are random. */
  readonly inputValues?: readonly InputValueText[];
  /** ORT's intra-op threads, as the tier will run (the harness pins 1); ORT's default when left out. */
  readonly intraOpThreads?: number;
  readonly signal?: AbortSignal;
}

/** One fusion anchor's measured kernel time (its own and what ORT fused into it). */
export interface AnchorTiming {
  readonly index: number;
  readonly name: string;
  /** Median over the timed runs, ms. */
  readonly medianMs: number;
  /** Tenth percentile over the timed runs, ms: the kernel's time when nothing else took its core. */
  readonly quietMs: number;
}

export interface KernelMeasurement {
  readonly modelPath: string;
  readonly analysis: Analysis;
  /** Anchors ORT ran a kernel for, in graph order. */
  readonly anchors: readonly AnchorTiming[];
  /** Median per run of the kernels of no node (layout reorders at the boundaries), ms. */
  readonly boundaryMs: number;
  /** Median per run of every kernel, ms. */
  readonly kernelSumMs: number;
  /** Kernels a run ran (the median run's count), attributed or not. */
  readonly kernelsRun: number;
  /** Median wall time of `session.run` without the profiler, ms. */
  readonly wallMs: number;
  /** Tenth percentile of the same, ms. */
  readonly quietWallMs: number;
  /**
   * Median CPU time of this process per run, ms: with one intra-op thread, the run's own work
   * whatever else the machine does (a loaded machine stretches wall times, not CPU times).
   */
  readonly cpuMs: number;
  /** Graph inputs fed plus outputs fetched per run. */
  readonly tensorsHanded: number;
  readonly intraOpThreads: number | null;
  /** A generated one-kernel sample rather than a network (set by the caller). */
  readonly isSample?: boolean;
}

/**
 * Profiles `modelPath` as deployed. Models whose nodes lack names still time end to end; their
 * unnamed kernels count as boundary cost.
 *
 * @throws CutlineError PROFILING_FAILED when onnxruntime cannot load or run the model.
 */
export async function runKernelProfile(
  modelPath: string,
  options: KernelProfileOptions,
): Promise<KernelMeasurement> {
  const model = readModelFile(modelPath);
  const inputValues = options.inputValues ?? [];
  const inputShapes = valueBoundShapes(analyzeModel(model).graph, options.inputs, inputValues);
  const analysis = analyzeModel(model, { inputShapes, inputValues });
  const feeds = randomFeeds(
    analysis,
    inputShapes,
    1,
    Object.fromEntries(inputValues.map((v) => [v.name, v.data])),
  );
  const threads = options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-kernels-'));
  try {
    const prefix = path.join(dir, 'ort');
    const optimizedPath = path.join(dir, 'optimized.onnx');
    const profiled = await load(modelPath, {
      ...threads,
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: prefix,
      ...optimizedModelOptions(optimizedPath),
    });
    try {
      await timeRuns(profiled, feeds, options, modelPath);
      profiled.endProfiling();
    } finally {
      await profiled.release();
    }
    const runs = takeTraceFile(findTraceFile(prefix)).slice(options.warmup);
    const session = await load(modelPath, { ...threads, graphOptimizationLevel: 'all' });
    let wallMs: number[];
    const cpuMs: number[] = [];
    try {
      wallMs = await timeRuns(session, feeds, options, modelPath, cpuMs);
    } finally {
      await session.release();
    }
    const anchorsOf = graphFusionAnchors(analysis.graph);
    const optimized = optimizedNodes(optimizedPath);
    const attributed = runs.map((run) => attributeRun(analysis.graph, anchorsOf, run, optimized));
    const anchors = analysis.graph.nodes.flatMap((node): AnchorTiming[] => {
      const times = attributed.flatMap((r) => {
        const ms = r.anchorMs.get(node.index);
        return ms === undefined ? [] : [ms];
      });
      return times.length > 0
        ? [{ index: node.index, name: node.name, medianMs: median(times), quietMs: quantile(times, QUIET) }]
        : [];
    });
    return {
      modelPath,
      analysis,
      anchors,
      boundaryMs: median(attributed.map((r) => r.boundaryMs)),
      kernelSumMs: median(runs.map((run) => [...run.kernels.values()].reduce((s, k) => s + k.ms, 0))),
      kernelsRun: median(runs.map((run) => run.kernels.size)),

      wallMs: median(wallMs),
      quietWallMs: quantile(wallMs, QUIET),
      cpuMs: median(cpuMs),
      tensorsHanded: analysis.graph.inputs.length + analysis.graph.outputs.length,
      intraOpThreads: options.intraOpThreads ?? null,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Session options that make onnxruntime write the graph it optimised, its weights to a side file
 * (only the nodes are read), and keep quiet about the NCHWc layout in it, which it warns is
 * machine-specific: the file is read here, on the same machine, and deleted.
 */
function optimizedModelOptions(file: string): ort.InferenceSession.SessionOptions {
  return {
    optimizedModelFilePath: file,
    logSeverityLevel: 3,
    extra: {
      session: {
        optimized_model_external_initializers_file_name: `${path.basename(file)}.weights`,
        optimized_model_external_initializers_min_size_in_bytes: '1024',
      },
    },
  };
}

/**
 * The optimised graph's nodes by name (kernel-attribution.ts), or undefined when onnxruntime did
 * not write it or it cannot be read: attribution then goes by names alone.
 */
function optimizedNodes(file: string): Map<string, OptimizedNode> | undefined {
  try {
    const nodes = decodeModelProto(fs.readFileSync(file)).graph?.node ?? [];
    const readers = new Map<string, string[]>();
    for (const n of nodes)
      for (const input of n.input ?? []) {
        const list = readers.get(input);
        if (list) list.push(n.name ?? '');
        else readers.set(input, [n.name ?? '']);
      }
    return new Map(
      nodes.map((n) => [
        n.name ?? '',
        {
          opType: n.opType ?? '',
          outputs: n.output ?? [],
          readers: (n.output ?? []).flatMap((o) => readers.get(o) ?? []),
        },
      ]),
    );
  } catch {
    return undefined;
  }
}

async function load(
  modelPath: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelPath, options);
  } catch (error) {
    throw failure(modelPath, 'load', error);
  }
}

async function timeRuns(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  options: KernelProfileOptions,
  modelPath: string,
  cpuMs: number[] = [],
): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < options.warmup + options.runs; run++) {
    options.signal?.throwIfAborted();
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      await session.run(feeds);
    } catch (error) {
      throw failure(modelPath, 'run', error);
    }
    if (run >= options.warmup) {
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
    }
  }
  return times;
}

function failure(modelPath: string, stage: 'load' | 'run', error: unknown): CutlineError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CutlineError(
    'PROFILING_FAILED',
    `onnxruntime could not ${stage} ${modelPath} with graph optimisations on (${reason}). Cutline can only time models onnxruntime runs; check the operators and opset it supports.`,
    { cause: error },
  );
}
