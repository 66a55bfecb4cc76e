/**
 * One harness request: sent through the device, its answer checked element by element against the
 * whole model's outputs, its timings split per tier and per hop, and a `request` event emitted.
 * The sender keeps the run's tally (failures, fallbacks, the answer furthest off its tolerance).
 */
import { performance } from 'node:perf_hooks';
import type * as ort from 'onnxruntime-node';
import { compareOutput } from '../export/compare.js';
import { worstCheck, type Tolerance } from '../export/tolerance.js';
import { summarizeOutputs } from '../export/verify.js';
import type { TierClient } from '../runtime/oip/client.js';
import type { OipTensor } from '../runtime/oip/tensor.js';
import { toOrtTensor } from '../runtime/oip/ort-tensor.js';
import type { HarnessEvent } from './harness-types.js';
import type { BundleManifest } from './manifest.js';
import type { StepTiming } from './tier-runtime.js';

/** A request's element furthest off relative to its allowance, and where it is. */
export interface RequestCheck {
  readonly maxAbsDiff: number;
  readonly tolerance: number;
  readonly output: string;
  readonly element: number;
}

/** What one answered request measured. */
export interface SentRequest {
  readonly ms: number;
  readonly deviceMs: number;
  readonly deviceLessLinksMs: number;
  readonly steps: StepTiming[];
  readonly fallback: boolean;
}

/** Counts over the requests sent since the last `reset` (the warm-up's are dropped). */
export interface RequestTally {
  failed: number;
  fallbacks: number;
  /** Requests answered through the split, whose outputs were compared with the whole model's. */
  answered: number;
  /** The answered requests' output furthest off relative to its tolerance. */
  worst: RequestCheck | null;
}

export interface RequestSenderOptions {
  readonly manifest: BundleManifest;
  readonly client: TierClient;
  readonly input: readonly OipTensor[];
  /** The whole model's outputs for the same inputs. */
  readonly expected: ort.InferenceSession.OnnxValueMapType;
  readonly tolerance: Tolerance;
  /** Per hop (or per route in stock mode), the time each request's transfers took. */
  readonly hopTimes: (manifest: BundleManifest, stepSets: readonly (readonly StepTiming[])[]) => number[][];
  readonly emit: (event: HarnessEvent) => void;
  readonly checkStopped: () => void;
}

export interface RequestSender {
  /** Null when the request failed (its `request` event says why). */
  send(index: number, phase: 'latency' | 'stream'): Promise<SentRequest | null>;
  readonly tally: RequestTally;
  reset(): void;
}

/** Per tier (manifest order): the time one request's steps spent computing there. */
export function computePerTier(manifest: BundleManifest, steps: readonly StepTiming[]): number[] {
  return manifest.tiers.map((tier) =>
    steps.filter((s) => s.tier === tier.name).reduce((sum, s) => sum + s.computeMs, 0),
  );
}

export function createRequestSender(options: RequestSenderOptions): RequestSender {
  const { manifest, client, input, expected, tolerance, hopTimes, emit } = options;
  const tally: RequestTally = { failed: 0, fallbacks: 0, answered: 0, worst: null };
  const send = async (index: number, phase: 'latency' | 'stream'): Promise<SentRequest | null> => {
    options.checkStopped();
    const started = performance.now();
    try {
      const result = await client.infer(manifest.model.name, input);
      const ms = performance.now() - started;
      // Over every output of the whole model, not only those that came back: an answer
      // missing one is a failed request, not a verified one.
      const answeredOutputs = new Map(result.outputs.map((out) => [out.name, out]));
      const missing = Object.keys(expected).filter((name) => !answeredOutputs.has(name));
      if (missing.length > 0) {
        throw new Error(
          `The split's answer lacks the model's output${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')}.`,
        );
      }
      const decider = summarizeOutputs(
        Object.entries(expected).map(([name, whole]) => {
          const comparison = compareOutput(whole, toOrtTensor(answeredOutputs.get(name)!), tolerance);
          return { name, maxAbsDiff: comparison.largestAbs.diff, ...comparison };
        }),
      ).worst;
      const check: RequestCheck = decider
        ? {
            maxAbsDiff: decider.diff,
            tolerance: decider.allowance,
            output: decider.output,
            element: decider.element,
          }
        : { maxAbsDiff: 0, tolerance: 0, output: '', element: -1 };
      const fallback = result.parameters.cutline_fallback === true;
      if (fallback) tally.fallbacks++;
      else {
        tally.answered++;
        tally.worst = worstCheck(tally.worst ? [tally.worst, check] : [check]);
      }
      const deviceMs =
        typeof result.parameters.cutline_total_ms === 'number' ? result.parameters.cutline_total_ms : ms;
      const steps = (result.parameters.cutline_steps as unknown as StepTiming[]) ?? [];
      const hopMs = hopTimes(manifest, [steps]).map(([ms]) => ms!);
      const deviceLessLinksMs = deviceMs - hopMs.reduce((sum, ms) => sum + ms, 0);
      emit({
        event: 'request',
        index,
        phase,
        ok: true,
        latencyMs: ms,
        deviceMs,
        deviceLessLinksMs,
        computeMsPerTier: computePerTier(manifest, steps),
        hopMs,
        maxAbsDiff: check.maxAbsDiff,
        tolerance: check.tolerance,
        ...(check.element >= 0 ? { output: check.output, element: check.element } : {}),
        fallback,
      });
      return { ms, deviceMs, deviceLessLinksMs, steps, fallback };
    } catch (error) {
      tally.failed++;
      emit({
        event: 'request',
        index,
        phase,
        ok: false,
        latencyMs: performance.now() - started,
        maxAbsDiff: null,
        fallback: false,
        error: (error as Error).message,
      });
      return null;
    }
  };
  const reset = (): void => {
    tally.failed = 0;
    tally.fallbacks = 0;
    tally.answered = 0;
    tally.worst = null;
  };
  return { send, tally, reset };
}
