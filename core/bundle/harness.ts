/**
 * The live test harness: every tier of a bundle as its own process on loopback, each link
 * emulated (bandwidth and RTT from the manifest), requests sent through the device, every answer
 * checked against the whole model, and the measured figures set beside the predicted ones.
 * Progress and results are events (`HarnessEvent`), which the CLI prints as JSON lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeBytes, analyzeFile } from '../analyze.js';
import type { Shape } from '../graph/types.js';
import { dtypeBytes } from '../onnx/dtype.js';
import { CutlineError } from '../errors.js';
import { DEFAULT_TOLERANCE, withinTolerance, type Tolerance } from '../export/tolerance.js';
import { calibrateHostProfile } from '../profiling/calibrate.js';
import { concreteInputShapes, randomFeeds } from '../profiling/feeds.js';
import { measureHostPeak } from '../profiling/host-peak.js';
import { runOrtProfile } from '../profiling/ort-profile.js';
import { median as medianOf, quantile as quantileOf } from '../profiling/stats.js';
import type { DeviceProfile } from '../profiles/types.js';
import { createTierClient } from '../runtime/oip/client.js';
import { fromOrtTensor } from '../runtime/oip/ort-tensor.js';
import type { LinkEmulator } from '../runtime/link-emulator.js';
import { dataDependentPerTier as dataDependentTiers } from '../costs/data-dependent-figures.js';
import { expectedHops, hopTimesPerRequest, hostPrediction, manifestTensorBytes } from './harness-figures.js';
import { harnessFootprints, planHarnessMemory } from './harness-memory.js';
import { expectedStockRoutes, startStockTiers, stockRouteTimesPerRequest } from './harness-stock.js';
import { manifestInputShapes, manifestInputValues, parseManifest } from './manifest.js';
import { harnessWholeModel } from './harness-whole-model.js';
import { startRelayTiers } from './harness-relay.js';
import { computePerTier, createRequestSender } from './harness-request.js';
import { stopTier, type TierProcess } from './tier-process.js';
import type { StepTiming } from './tier-runtime.js';
import type { HarnessEvent, HarnessSummary, HopFigures } from './harness-types.js';

export type { HarnessEvent, HarnessSummary, HopFigures } from './harness-types.js';

/** Medians and quantiles of what succeeded; 0 when nothing did (`failed` says so). */
const median = (values: readonly number[]): number => (values.length ? medianOf(values) : 0);
const quantile = (values: readonly number[], q: number): number =>
  values.length ? quantileOf(values, q) : 0;

export interface HarnessOptions {
  readonly bundleDir: string;
  /** Timed sequential requests (latency). */
  readonly runs: number;
  /** Requests of the pipelined stream (throughput); 0 skips it. */
  readonly streamRequests?: number;
  /** Requests in flight during the stream. */
  readonly concurrency?: number;
  readonly emulateLinks: boolean;
  /** Inputs by name; random (seeded) for those left out. */
  readonly inputs?: Readonly<Record<string, ort.Tensor>>;
  /** Profile of this machine for the prediction (every tier runs here); see `cutline profile`. */
  readonly hostProfile?: DeviceProfile;
  /** Without a host profile: calibrate one on the whole model first (a few seconds). */
  readonly calibrate?: boolean;
  readonly onEvent?: (event: HarnessEvent) => void;
  /** Untimed requests first (sessions and connections warm up). */
  readonly warmup?: number;
  /**
   * Run the tiers from Cutline's sources (default), or from the bundle's own built runtime
   * (`runtime/cutline-tier.mjs`, which needs onnxruntime-node resolvable from `runtime/`).
   */
  readonly runtime?: 'source' | 'bundle';
  /**
   * Awaited before each timed sequential request: a benchmark times its baseline here, so both
   * are measured in the same stretch of time (drift in CPU speed or load hits them alike).
   */
  readonly beforeEachRun?: () => Promise<void>;
  /**
   * Aborting stops the run between requests (and calibration between its runs): the tiers are
   * stopped and waited for, then `runHarness` rejects with CANCELLED.
   */
  readonly signal?: AbortSignal;
  /** Memory free for the run (default `process.availableMemory()`, as verification); see harness-memory.ts. */
  readonly availableMemoryBytes?: number;
  /**
   * The model file the bundle was exported from, checked by SHA-256: the whole model to compare
   * with when the bundle carries none (exported without the local fallback); see harness-whole-model.ts.
   */
  readonly model?: string;
  /** What each answer's outputs are held to (default rtol 1e-4, atol scaled; core/export/tolerance.ts). */
  readonly tolerance?: Tolerance;
}

export async function runHarness(options: HarnessOptions): Promise<HarnessSummary> {
  const emit = options.onEvent ?? (() => undefined);
  const checkStopped = (): void => {
    if (options.signal?.aborted) throw new CutlineError('CANCELLED', 'The harness run was stopped.');
  };
  const bundleDir = path.resolve(options.bundleDir);
  const manifestPath = path.join(bundleDir, 'manifest.json');
  const manifest = parseManifest(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), manifestPath);
  // Inside the bundle, the file the manifest lists, self-contained or with the external-data file
  // it lists beside it (then its checked path, see read-checked.ts); else the model given.
  const wholeModel = harnessWholeModel(bundleDir, manifest, options.model);
  // With the bindings it was exported with: random inputs of the bound shapes (not 1 for every
  // symbolic dimension, which the split was never verified with), and costs of those shapes.
  // Dimensions the bindings leave symbolic run as 1 (the random inputs' shapes), read from the
  // manifest's input shapes so the model is analysed once, with the shapes the requests have:
  // the bytes each hop is expected to carry are those sent, not 0.
  const bound = manifestInputShapes(manifest);
  // The values export folded (an If costed on its branch) are folded again and fed, not random;
  // an input with a value takes the shape its elements fix unless a binding gives one.
  const inputValues = manifestInputValues(manifest);
  const valued = new Set(inputValues.map((v) => v.name));
  const shapes: Record<string, Shape> = { ...bound };
  for (const input of manifest.model.inputs) {
    if (!(input.name in bound) && !valued.has(input.name) && input.shape)
      shapes[input.name] = input.shape.map((d) => (typeof d === 'number' ? d : 1));
  }
  const analysis =
    typeof wholeModel === 'string'
      ? analyzeFile(wholeModel, { inputShapes: shapes, inputValues })
      : analyzeBytes(wholeModel, { inputShapes: shapes, inputValues });
  for (const { name } of inputValues) shapes[name] ??= analysis.inference.values.get(name)?.shape ?? [];
  const inputShapes = concreteInputShapes(analysis.graph, shapes);
  // Before the whole model loads or a tier starts: a run that cannot fit says so in one line
  // (harness-memory.ts explains why the harness refuses where verification skips).
  planHarnessMemory(
    harnessFootprints(
      bundleDir,
      manifest,
      analysis.costs.reduce((sum, cost) => sum + cost.outputBytes, 0),
      analysis.model,
    ),
    options.availableMemoryBytes ?? process.availableMemory(),
  );
  const feeds = {
    ...randomFeeds(analysis, inputShapes, 1, Object.fromEntries(inputValues.map((v) => [v.name, v.data]))),
    ...(options.inputs ?? {}),
  };
  const whole =
    typeof wholeModel === 'string'
      ? await ort.InferenceSession.create(wholeModel, { intraOpNumThreads: 1 })
      : await ort.InferenceSession.create(wholeModel, { intraOpNumThreads: 1 });
  const expected = await whole.run(feeds);
  await whole.release();
  // fp32 outputs of a split may differ from the whole model's by rounding only: element by
  // element within atol + rtol·|whole|, as `cutline export` holds them (core/export/tolerance.ts).
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;

  let hostProfile = options.hostProfile;
  if (!hostProfile && options.calibrate) {
    // The tiers run with one onnxruntime thread each; calibrate the same way.
    // onnxruntime profiles a file: the checked path, or the bundle's self-contained model file.
    const wholePath =
      typeof wholeModel === 'string' ? wholeModel : path.join(bundleDir, manifest.model.file ?? '');
    const profiled = await runOrtProfile(wholePath, {
      runs: 20,
      warmup: 5,
      intraOpThreads: 1,
      ...(inputValues.length > 0 ? { inputValues } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const peak = await measureHostPeak({
      intraOpThreads: 1,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    hostProfile = calibrateHostProfile([profiled], peak).profile;
    emit({ event: 'calibrated', peakGflops: peak.gflops, nodes: profiled.measurement.nodes.length });
  }
  const host = hostProfile ? hostPrediction(analysis, manifest, hostProfile, options.emulateLinks) : null;
  const planned = manifest.plan.predicted;
  // A tier running a data-dependent layer has a lower bound for a prediction, not a figure.
  const dataDependentPerTier = dataDependentTiers(
    analysis.layers.layers,
    (layer) => manifest.plan.layerPlacement[layer.name] ?? 0,
    manifest.tiers.length,
  );
  emit({
    event: 'predicted',
    tiers: manifest.tiers.map((t) => t.name),
    planLatencyMs: planned.latencyMs,
    planComputeMsPerTier: [...planned.computeMsPerTier],
    planHopMs: [...planned.hopLatencyMs],
    hostLatencyMs: host?.latencyMs ?? null,
    hostComputeMsPerTier: host ? [...host.computeMsPerTier] : null,
    dataDependentPerTier,
  });
  const env = { ...process.env, CUTLINE_TOKEN: manifest.runtime.token, CUTLINE_THREADS: '1' };
  const processes: TierProcess[] = [];
  const emulators: LinkEmulator[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.all(processes.map(stopTier));
    for (const e of emulators) await e.close();
  };
  try {
    // Stock mode: plain servers, the device given each one's URL behind its emulated route
    // (harness-stock.ts); its link figures are per route, device ↔ server tier. Relay mode:
    // each tier relays to the one above it (harness-relay.ts); its link figures are per hop.
    const stock = manifest.runtime.serving === 'stock';
    const hopTimes = stock ? stockRouteTimesPerRequest : hopTimesPerRequest;
    await (stock ? startStockTiers : startRelayTiers)({
      bundleDir,
      manifest,
      env,
      runtime: options.runtime ?? 'source',
      emulateLinks: options.emulateLinks,
      emit,
      checkStopped,
      processes,
      emulators,
    });
    const client = createTierClient({
      baseUrl: processes[0]!.url,
      token: manifest.runtime.token,
      timeoutMs: manifest.runtime.requestTimeoutMs,
    });
    const input = Object.entries(feeds).map(([name, t]) => fromOrtTensor(name, t));
    const sender = createRequestSender({
      manifest,
      client,
      input,
      expected,
      tolerance,
      hopTimes,
      emit,
      checkStopped,
    });
    const { send } = sender;
    for (let w = 0; w < (options.warmup ?? 3); w++) await send(-1 - w, 'latency');
    sender.reset();
    const latencies: number[] = [];
    const deviceTimes: number[] = [];
    const deviceLessLinks: number[] = [];
    const stepSets: StepTiming[][] = [];
    for (let r = 0; r < options.runs; r++) {
      await options.beforeEachRun?.();
      const result = await send(r, 'latency');
      if (result && !result.fallback) {
        latencies.push(result.ms);
        deviceTimes.push(result.deviceMs);
        deviceLessLinks.push(result.deviceLessLinksMs);
        stepSets.push(result.steps);
      }
    }
    let throughputPerS: number | null = null;
    const stream = options.streamRequests ?? 0;
    if (stream > 0) {
      const concurrency = Math.max(1, options.concurrency ?? manifest.tiers.length * 2);
      let next = 0;
      let streamed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < stream) if ((await send(next++, 'stream'))?.fallback === false) streamed++;
        }),
      );
      // Only what the split answered counts: failures answer fast and would inflate the rate.
      if (streamed > 0) throughputPerS = (streamed / (performance.now() - started)) * 1000;
    }
    client.close();

    // In stock mode each entry also names its route (from, to), over the hop's names below.
    const expectedPerHop = (stock ? expectedStockRoutes : expectedHops)(manifest, (name) => {
      const info = analysis.inference.values.get(name);
      const shape = info?.shape;
      return shape && shape.every((d) => typeof d === 'number')
        ? dtypeBytes(
            info.dtype,
            shape.reduce((n, d) => n * d, 1),
          )
        : manifestTensorBytes(manifest, name);
    });
    const perHopPerRequest = hopTimes(manifest, stepSets);
    const hops: HopFigures[] = manifest.hops.map((hop, h) => ({
      from: hop.from,
      to: hop.to,
      measuredMs: median(perHopPerRequest[h]!),
      ...expectedPerHop[h]!,
      // Without emulation the tiers talk over loopback: no emulated figure to hold it against.
      emulatedMs: options.emulateLinks ? expectedPerHop[h]!.emulatedMs : null,
    }));
    const perRequest = stepSets.map((steps) => computePerTier(manifest, steps));
    const computeMsPerTier = manifest.tiers.map((_, t) => median(perRequest.map((tiers) => tiers[t]!)));
    const { failed, fallbacks, answered, worst: furthest } = sender.tally;
    const summary: HarnessSummary = {
      requests: options.runs + stream,
      answered,
      failed,
      fallbacks,
      verified:
        furthest !== null &&
        failed === 0 &&
        fallbacks === 0 &&
        withinTolerance(furthest.maxAbsDiff, furthest.tolerance),
      maxAbsDiff: furthest?.maxAbsDiff ?? null,
      tolerance: furthest?.tolerance ?? null,
      ...(furthest && furthest.element >= 0 ? { output: furthest.output, element: furthest.element } : {}),
      rtol: tolerance.rtol,
      atol: tolerance.atol,
      measured: {
        latencyMs: median(latencies),
        deviceMs: median(deviceTimes),
        deviceLessLinksMs: median(deviceLessLinks),
        latencyP90Ms: quantile(latencies, 0.9),
        throughputPerS,
        computeMsPerTier,
      },
      predicted: {
        planLatencyMs: planned.latencyMs,
        planComputeMsPerTier: [...planned.computeMsPerTier],
        hostLatencyMs: host?.latencyMs ?? null,
        hostComputeMsPerTier: host ? [...host.computeMsPerTier] : null,
        dataDependentPerTier,
      },
      hops,
      tiers: manifest.tiers.map((t) => t.name),
    };
    emit({ event: 'summary', summary });
    return summary;
  } finally {
    await cleanup();
  }
}
