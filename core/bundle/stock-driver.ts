/**
 * The device's runtime for a bundle in stock mode (`runtime.serving: 'stock'`): the edge and cloud
 * are plain Open Inference Protocol servers (Triton, KServe, or Cutline's tier in plain mode) that
 * keep nothing between calls and never talk to each other. For each schedule step in order the
 * device gathers the segment's inputs (the request's inputs and earlier outputs it holds), runs a
 * device segment itself or sends a server segment to its tier as one plain infer request, keeps
 * the outputs later steps read and forgets the rest. What that costs is
 * core/partition/serving-mode.ts.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as ort from 'onnxruntime-node';
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { BundleManifest } from './manifest.js';
import {
  isUnreachable,
  LOCAL_COOL_DOWN_MS,
  type InferenceResult,
  type SegmentExecutor,
  type StepTiming,
  type Tensors,
} from './tier-runtime.js';

/** What a server answered for one segment, with where its time went when it says (Cutline's tiers do). */
export interface SegmentAnswer {
  readonly tensors: Tensors;
  /** The server's time running the model, ms; null from a server that does not report it. */
  readonly computeMs: number | null;
  /** Time the request waited at the server for a free slot, ms, when reported. */
  readonly queueMs: number | null;
}

/** Sends one server segment its inputs as a plain OIP request and returns the named outputs. */
export type SendSegment = (
  tier: number,
  segment: string,
  inputs: Tensors,
  outputs: readonly string[],
) => Promise<SegmentAnswer>;

/** The server tiers the device calls in stock mode: those that run a segment. */
export function stockServerTiers(manifest: BundleManifest): number[] {
  return manifest.tiers.map((_, t) => t).filter((t) => t > 0 && manifest.segments.some((s) => s.tier === t));
}

/** One step as the device carries it out. */
interface StockStep {
  readonly segment: string;
  readonly tier: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Tensors the device forgets after the step: no later step reads them and they are no graph output. */
  readonly release: readonly string[];
}

/** The steps of a manifest's schedule with what the device holds and forgets around each. */
export function stockSteps(manifest: BundleManifest): StockStep[] {
  const segments = new Map(manifest.segments.map((s) => [s.id, s]));
  const graphOutputs = new Set(manifest.model.outputs.map((t) => t.name));
  const steps = manifest.schedule.steps.map((step) => {
    const segment = segments.get(step.segment)!;
    return {
      segment: step.segment,
      tier: step.tier,
      inputs: segment.inputs.map((t) => t.name),
      outputs: segment.outputs.map((t) => t.name),
    };
  });
  const held = new Set(manifest.model.inputs.map((t) => t.name));
  return steps.map((step, i) => {
    for (const name of step.outputs) held.add(name);
    const later = new Set(steps.slice(i + 1).flatMap((s) => s.inputs));
    const release = [...held].filter((name) => !later.has(name) && !graphOutputs.has(name));
    for (const name of release) held.delete(name);
    return { ...step, release };
  });
}

export class StockDriver {
  private readonly steps: readonly StockStep[];
  /** With `onUnreachable: 'local'`: until then, inferences run locally without trying the servers. */
  private localUntil = 0;

  constructor(
    readonly manifest: BundleManifest,
    /** Runs the device's own segments. */
    private readonly execute: SegmentExecutor,
    private readonly send: SendSegment,
    /** The whole model on the device, for `onUnreachable: 'local'`. */
    private readonly runWhole: ((inputs: Tensors) => Promise<Tensors>) | null = null,
  ) {
    this.steps = stockSteps(manifest);
  }

  /**
   * One whole inference: every step in order, graph inputs in, graph outputs out. Each server
   * segment gives two timings, as a relayed step does: the device's (its wall time on the
   * exchange, `upLinkMs` the part that was not the server's queue or compute) and the server's.
   * A server that cannot be reached fails the request, or with `onUnreachable: 'local'` the
   * device runs the whole model itself and says so.
   */
  async infer(inputs: Tensors, requestId: string = randomUUID()): Promise<InferenceResult> {
    const started = performance.now();
    for (const input of this.manifest.model.inputs) {
      if (!inputs.has(input.name)) {
        throw new CutlineError(
          'BAD_BUNDLE',
          `The request lacks input ${quoteName(input.name)} of ${quoteName(this.manifest.model.name)}.`,
        );
      }
    }
    if (this.runWhole && performance.now() < this.localUntil) {
      const outputs = await this.runWhole(inputs);
      return { outputs, requestId, totalMs: performance.now() - started, steps: [], fallback: true };
    }
    const store: Tensors = new Map(inputs);
    const timings: StepTiming[] = [];
    try {
      for (const step of this.steps) {
        const stepInputs: Tensors = new Map();
        for (const name of step.inputs) stepInputs.set(name, held(store, name, step.segment));
        const before = performance.now();
        let outputs: Tensors;
        if (step.tier === 0) {
          outputs = await this.execute(step.segment, stepInputs);
          const ms = performance.now() - before;
          timings.push({ segment: step.segment, tier: this.tierName(0), computeMs: ms, totalMs: ms });
        } else {
          const answer = await this.send(step.tier, step.segment, stepInputs, step.outputs);
          const wallMs = performance.now() - before;
          const serverMs = answer.computeMs ?? 0;
          outputs = answer.tensors;
          timings.push(
            {
              segment: step.segment,
              tier: this.tierName(0),
              computeMs: 0,
              totalMs: wallMs,
              upLinkMs: Math.max(0, wallMs - serverMs - (answer.queueMs ?? 0)),
            },
            { segment: step.segment, tier: this.tierName(step.tier), computeMs: serverMs, totalMs: serverMs },
          );
        }
        for (const name of step.outputs) store.set(name, held(outputs, name, step.segment));
        for (const name of step.release) store.delete(name);
      }
      const outputs: Tensors = new Map();
      for (const output of this.manifest.model.outputs)
        outputs.set(output.name, held(store, output.name, 'the end'));
      return { outputs, requestId, totalMs: performance.now() - started, steps: timings, fallback: false };
    } catch (error) {
      if (!isUnreachable(error) || this.manifest.runtime.onUnreachable !== 'local' || !this.runWhole)
        throw error;
      this.localUntil = performance.now() + LOCAL_COOL_DOWN_MS;
      const outputs = await this.runWhole(inputs);
      return { outputs, requestId, totalMs: performance.now() - started, steps: timings, fallback: true };
    }
  }

  private tierName(tier: number): string {
    return this.manifest.tiers[tier]!.name;
  }
}

function held(tensors: Tensors, name: string, segment: string): ort.Tensor {
  const tensor = tensors.get(name);
  if (!tensor)
    throw new CutlineError(
      'BAD_BUNDLE',
      `Segment ${quoteName(segment)}: tensor ${quoteName(name)} did not arrive.`,
    );
  return tensor;
}
