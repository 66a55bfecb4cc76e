/**
 * Timing a split as it is deployed, the node-side half of segment-eval.ts: the segment files are
 * cut as `cutline export` cuts them (`splitSegments`, `extractSubModel`), each runs in its own
 * onnxruntime session with the options a tier gives its sessions (`tierSessionOptions`), fed the
 * tensors the segments before it really produced, and `session.run` is timed per segment. The
 * whole model is timed in the same rounds, so both see the same machine load.
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeFile, type Analysis } from '../analyze.js';
import { extractSubModel } from '../export/extract.js';
import { nodeTiersOf } from '../export/node-tiers.js';
import { splitSegments } from '../export/segments.js';
import type { Shape } from '../graph/types.js';
import { problemFromSource } from '../partition/problem-from-source.js';
import { partitionSource, type SourceWithNodes } from '../partition/source.js';
import type { DeviceProfile } from '../profiles/types.js';
import { concreteInputShapes, randomFeeds } from './feeds.js';
import { balancedSplit, sameDeviceTopology, SPLIT_TIERS, type TierSplit } from './segment-eval.js';
import { median, quantile } from './stats.js';

/**
 * The quantile reported beside the median: on a machine shared with other work many runs are
 * preempted, which moves the median; the tenth percentile is close to what a quiet machine's
 * median would be.
 */
const QUIET = 0.1;
/** Rounds of blocks over the sessions, and untimed runs opening each block. */
const ROUNDS = 6;
const BLOCK_WARMUP = 2;

export interface SplitRunOptions {
  /** Timed runs; the medians are taken over them. */
  readonly runs: number;
  /** Untimed runs first (arenas, thread pools and caches warm up). */
  readonly warmup: number;
  readonly sessionOptions: ort.InferenceSession.SessionOptions;
}

export interface SegmentTiming {
  readonly id: string;
  readonly tier: number;
  readonly nodes: number;
  readonly medianMs: number;
  /** The tenth percentile of the run times, ms. */
  readonly quietMs: number;
  /**
   * Median CPU time of this process per run, ms: with one intra-op thread, the run's own work,
   * which other processes' load does not stretch as it stretches wall time.
   */
  readonly cpuMs: number;
}

export interface SplitMeasurement {
  readonly segments: readonly SegmentTiming[];
  /** Σ of each tier's segments' median run times, ms. */
  readonly tierMs: readonly number[];
  /** Median run time of the whole model in one session, ms. */
  readonly wholeMs: number;
  /** The same from the tenth percentiles of the run times (see `QUIET`). */
  readonly quiet: { readonly tierMs: readonly number[]; readonly wholeMs: number };
  /** The same from the median CPU times (see `SegmentTiming.cpuMs`). */
  readonly cpu: { readonly tierMs: readonly number[]; readonly wholeMs: number };
  /** Largest |difference| between the chained segments' graph outputs and the whole model's. */
  readonly maxAbsDifference: number;
  /** Largest |value| among the whole model's outputs (what the difference is relative to). */
  readonly maxAbsOutput: number;
}

interface LoadedSegment {
  readonly timing: Omit<SegmentTiming, 'medianMs' | 'quietMs' | 'cpuMs'>;
  readonly session: ort.InferenceSession;
  readonly feeds: Record<string, ort.Tensor>;
  readonly times: number[];
  readonly cpu: number[];
}

/**
 * Cuts `analysis` at `nodeTiers` (a tier index per node, as `nodeTiersOf` gives for a layer
 * placement), runs the chain once on `inputs` to get every segment's real inputs, then times
 * every segment and `wholeModel` `runs` times each, in blocks taken in turn.
 */
export async function measureSplit(
  analysis: Analysis,
  nodeTiers: ArrayLike<number>,
  tierNames: readonly string[],
  wholeModel: Uint8Array | string,
  inputs: Readonly<Record<string, ort.Tensor>>,
  options: SplitRunOptions,
): Promise<SplitMeasurement> {
  const segments = splitSegments(analysis, nodeTiers, tierNames);
  const loaded: LoadedSegment[] = [];
  const sessions: ort.InferenceSession[] = [];
  try {
    const whole =
      typeof wholeModel === 'string'
        ? await ort.InferenceSession.create(wholeModel, options.sessionOptions)
        : await ort.InferenceSession.create(wholeModel, options.sessionOptions);
    sessions.push(whole);
    const tensors = new Map<string, ort.Tensor>(Object.entries(inputs));
    for (const segment of segments) {
      const session = await ort.InferenceSession.create(
        extractSubModel(analysis, segment),
        options.sessionOptions,
      );
      sessions.push(session);
      const feeds = Object.fromEntries(session.inputNames.map((name) => [name, tensors.get(name)!]));
      for (const [name, tensor] of Object.entries(await session.run(feeds))) tensors.set(name, tensor);
      loaded.push({
        timing: { id: segment.id, tier: segment.tier, nodes: segment.nodes.length },
        session,
        feeds,
        times: [],
        cpu: [],
      });
    }
    const expected = await whole.run({ ...inputs });
    let maxAbsDifference = 0;
    let maxAbsOutput = 0;
    for (const [name, tensor] of Object.entries(expected)) {
      maxAbsDifference = Math.max(maxAbsDifference, largestDifference(tensor, tensors.get(name)));
      const values = tensor.data as ArrayLike<number | bigint>;
      for (let i = 0; i < tensor.size; i++)
        maxAbsOutput = Math.max(maxAbsOutput, Math.abs(Number(values[i])));
    }

    // Each session runs a block of consecutive runs, as a tier serving a stream does (its weights
    // stay in cache); the blocks go round the sessions several times so that the machine's load,
    // which changes by the second here, falls on all of them alike. The first runs of each block
    // warm it up again and are not timed.
    const wholeTimes: number[] = [];
    const wholeCpu: number[] = [];
    const timed = [
      { run: () => whole.run({ ...inputs }), times: wholeTimes, cpu: wholeCpu },
      ...loaded.map((s) => ({ run: () => s.session.run(s.feeds), times: s.times, cpu: s.cpu })),
    ];
    for (const session of timed) for (let r = 0; r < options.warmup; r++) await session.run();
    const rounds = Math.min(ROUNDS, options.runs);
    for (let round = 0; round < rounds; round++) {
      const block = Math.floor(options.runs / rounds) + (round < options.runs % rounds ? 1 : 0);
      for (const session of timed) {
        for (let r = 0; r < BLOCK_WARMUP; r++) await session.run();
        for (let r = 0; r < block; r++) {
          const cpu = process.cpuUsage();
          const started = performance.now();
          await session.run();
          session.times.push(performance.now() - started);
          const used = process.cpuUsage(cpu);
          session.cpu.push((used.user + used.system) / 1000);
        }
      }
    }
    const timings = loaded.map((s): SegmentTiming => ({
      ...s.timing,
      medianMs: median(s.times),
      quietMs: quantile(s.times, QUIET),
      cpuMs: median(s.cpu),
    }));
    const perTier = (pick: (s: SegmentTiming) => number): number[] =>
      tierNames.map((_, t) => timings.filter((s) => s.tier === t).reduce((sum, s) => sum + pick(s), 0));
    return {
      segments: timings,
      tierMs: perTier((s) => s.medianMs),
      wholeMs: median(wholeTimes),
      quiet: { tierMs: perTier((s) => s.quietMs), wholeMs: quantile(wholeTimes, QUIET) },
      cpu: { tierMs: perTier((s) => s.cpuMs), wholeMs: median(wholeCpu) },
      maxAbsDifference,
      maxAbsOutput,
    };
  } finally {
    for (const session of sessions) await session.release();
  }
}

/** Infinity when the chained output is missing or differs in size or type. */
function largestDifference(expected: ort.Tensor, actual: ort.Tensor | undefined): number {
  if (!actual || actual.size !== expected.size || actual.type !== expected.type) return Infinity;
  const a = expected.data as ArrayLike<number | bigint>;
  const b = actual.data as ArrayLike<number | bigint>;
  let largest = 0;
  for (let i = 0; i < expected.size; i++) {
    const d = Math.abs(Number(a[i]) - Number(b[i]));
    largest = Number.isNaN(d) ? Infinity : Math.max(largest, d);
  }
  return largest;
}

/** A model measured through its balanced device/edge/cloud split. */
export interface BalancedSplitRun {
  readonly analysis: Analysis;
  readonly partition: SourceWithNodes;
  readonly split: TierSplit;
  readonly measurement: SplitMeasurement;
}

/**
 * Analyses the model at `inputShapes` (symbolic dimensions bound as they will run), splits it in
 * three by `balancedSplit` on `reference`, and measures the split on random inputs (seeded).
 */
export async function measureBalancedSplit(
  modelPath: string,
  inputShapes: Readonly<Record<string, Shape>>,
  reference: DeviceProfile,
  options: SplitRunOptions,
): Promise<BalancedSplitRun> {
  const analysis = analyzeFile(modelPath, { inputShapes });
  const partition = partitionSource(analysis);
  const split = balancedSplit(partition.source, reference);
  const problem = problemFromSource(partition.source, sameDeviceTopology(reference));
  const nodeTiers = nodeTiersOf(analysis, { problem, unitNodes: partition.unitNodes }, split.placement);
  const feeds = randomFeeds(analysis, concreteInputShapes(analysis.graph, inputShapes));
  const measurement = await measureSplit(analysis, nodeTiers, SPLIT_TIERS, modelPath, feeds, options);
  return { analysis, partition, split, measurement };
}
