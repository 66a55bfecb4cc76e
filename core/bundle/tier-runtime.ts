/**
 * The tier runtime's logic, independent of the network: it keeps a tensor store per request,
 * carries out its tier's part of each schedule step (keep, inject, run, pass down, release) and
 * hands requests for tiers above it to `forward`. The device's runtime also drives whole
 * inferences. `tier-server.ts` puts it behind the Open Inference Protocol.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type * as ort from 'onnxruntime-node';
import { CutlineError } from '../errors.js';
import { OipError, TierError, UNREACHABLE_STATUS } from '../runtime/oip/errors.js';
import { manifestStepRuns, type BundleManifest } from './manifest.js';
import { runsOf } from './schedule.js';

export type Tensors = Map<string, ort.Tensor>;

/** Runs one of this tier's segments. */
export type SegmentExecutor = (segment: string, inputs: Tensors) => Promise<Tensors>;

/** Sends a step's request to the tier above and returns what comes back down. */
export type Forward = (
  segment: string,
  request: string,
  step: number,
  tensors: Tensors,
) => Promise<StepResult>;

/** What a step returns downward, with where its time went. */
export interface StepResult {
  readonly tensors: Tensors;
  readonly timings: readonly StepTiming[];
  /** For a forwarded request: how long it waited at the tier above for a free slot, when known. */
  readonly queueMs?: number;
}

export interface StepTiming {
  readonly segment: string;
  readonly tier: string;
  /** Time this tier spent running the segment (0 on tiers it only passes through). */
  readonly computeMs: number;
  /** Wall time at this tier from receiving the step to answering it. */
  readonly totalMs: number;
  /**
   * Time spent moving the request's tensors to the tier above and back: the forward's wall time
   * less the tier above's own time on it (its entries' `totalMs`) and its queueing, so encoding,
   * the exchange on the wire (HTTP framing included) and decoding at both ends. Only on the entry
   * of a request this tier sent up.
   */
  readonly upLinkMs?: number;
}

export interface InferenceResult {
  readonly outputs: Tensors;
  readonly requestId: string;
  readonly totalMs: number;
  readonly steps: readonly StepTiming[];
  /** True when a server tier was unreachable and the device ran the whole model itself. */
  readonly fallback: boolean;
}

/**
 * How long tier `tier` waits for the tier above: each hop up gets a shorter deadline than the one
 * below it (0.8× per hop), so a tier that hangs is reported by the tier just below it (504) in
 * time for the device to fall back, and the device answers its caller within `requestTimeoutMs`.
 */
export function upTimeoutMs(requestTimeoutMs: number, tier: number): number {
  return Math.max(1, Math.round(requestTimeoutMs * 0.8 ** (tier + 1)));
}

/** After a tier was unreachable, the device runs locally this long before trying the split again. */
export const LOCAL_COOL_DOWN_MS = 5_000;

/**
 * Whether a failed inference may fall back to the device's whole model: a tier could not be
 * reached (its client's TIER_UNREACHABLE), or a tier between answered that the one above it could
 * not be (504).
 */
export function isUnreachable(error: unknown): boolean {
  return (
    (error instanceof CutlineError && error.code === 'TIER_UNREACHABLE') ||
    (error instanceof TierError && error.status === UNREACHABLE_STATUS)
  );
}

interface RequestState {
  readonly store: Tensors;
  touched: number;
}

export class TierRuntime {
  private readonly requests = new Map<string, RequestState>();
  private readonly stepOf = new Map<string, number>();
  /** Per step index: the steps one request carries from there (see `stepRuns`). */
  readonly runFrom: readonly number[][];
  /**
   * Per step index: whether this tier's part of a request carrying `runFrom[i]` reads tensors it
   * must already hold from earlier requests of the same inference (a schedule fact, known once).
   */
  private readonly needsHeld: readonly boolean[];
  private readonly sweeper: NodeJS.Timeout;
  /** With `onUnreachable: 'local'`: until then, inferences run locally without trying the tiers. */
  private localUntil = 0;

  constructor(
    readonly manifest: BundleManifest,
    readonly tier: number,
    private readonly execute: SegmentExecutor,
    private readonly forward: Forward | null,
    /** The whole model on the device, for `onUnreachable: 'local'`. */
    private readonly runWhole: ((inputs: Tensors) => Promise<Tensors>) | null = null,
    /** Requests this tier holds state for at once. */
    private readonly maxOpenRequests = 256,
  ) {
    manifest.schedule.steps.forEach((s, i) => this.stepOf.set(s.segment, i));
    this.runFrom = manifestStepRuns(manifest);
    this.needsHeld = this.runFrom.map((run) => this.readsHeldTensors(run));
    // A request whose device vanished must not pin its tensors for long: none of its steps can
    // be idle longer than a request may take.
    const ttl = manifest.runtime.requestTimeoutMs;
    this.sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const [id, state] of this.requests) if (now - state.touched > ttl) this.requests.delete(id);
      },
      Math.min(ttl / 4, 5_000),
    );
    this.sweeper.unref();
  }

  get tierName(): string {
    return this.manifest.tiers[this.tier]!.name;
  }

  /** Requests with tensors held on this tier. */
  get openRequests(): number {
    return this.requests.size;
  }

  /** Whether this tier takes part in the step for `segment` (it lies on the step's path). */
  handles(segment: string): boolean {
    const step = this.stepOf.get(segment);
    return step !== undefined && this.manifest.schedule.steps[step]!.tier >= this.tier;
  }

  /**
   * This tier's part of a request that starts with the step for `segment` and carries the rest of
   * its run (`stepRuns`): keep what passes up, run the first step if it is ours, add what it injects
   * and forward the rest of the run upward in one request, then keep and pass down the outputs.
   */
  async step(segment: string, requestId: string, incoming: Tensors): Promise<StepResult> {
    try {
      return await this.runStep(segment, requestId, incoming);
    } catch (error) {
      // A failed step fails its request: nothing of it may linger on this tier.
      this.requests.delete(requestId);
      throw error;
    }
  }

  private async runStep(segment: string, requestId: string, incoming: Tensors): Promise<StepResult> {
    const index = this.stepOf.get(segment);
    if (index === undefined) throw new CutlineError('BAD_BUNDLE', `No step runs segment "${segment}".`);
    const steps = this.manifest.schedule.steps;
    const run = this.runFrom[index]!;
    const first = steps[index]!;
    if (first.tier < this.tier) {
      throw new CutlineError(
        'BAD_BUNDLE',
        `The ${this.tierName} is not on the path of segment "${segment}".`,
      );
    }
    const started = performance.now();
    if (!this.requests.has(requestId) && this.needsHeld[index]) {
      // Not a broken bundle: the device asks for a step of a request this tier has forgotten
      // (expired after requestTimeoutMs, released, or never seen), so the tensors it held are gone.
      throw new OipError(
        `Request "${requestId}" is unknown here or has expired (a request's tensors are held for ${this.manifest.runtime.requestTimeoutMs} ms); send the inference again.`,
        409,
      );
    }
    const state = this.state(requestId);
    for (const i of run)
      for (const name of steps[i]!.actions[this.tier]!.keepUp)
        state.store.set(name, required(incoming, name, steps[i]!.segment));

    const passed: Tensors = new Map();
    const timings: StepTiming[] = [];
    /** Keep, pass down and forget this tier's share of step i's outputs. */
    const settle = (i: number, down: Tensors): void => {
      const step = steps[i]!;
      const action = step.actions[this.tier]!;
      for (const name of action.keepDown) state.store.set(name, required(down, name, step.segment));
      for (const name of action.passDown) passed.set(name, required(down, name, step.segment));
      for (const name of action.release) state.store.delete(name);
    };

    let rest = run;
    if (first.tier === this.tier) {
      const inputs: Tensors = new Map();
      for (const t of this.manifest.segments.find((s) => s.id === segment)!.inputs) {
        inputs.set(t.name, required(state.store, t.name, segment));
      }
      const before = performance.now();
      const outputs = await this.execute(segment, inputs);
      const computeMs = performance.now() - before;
      settle(index, outputs);
      timings.push({ segment, tier: this.tierName, computeMs, totalMs: performance.now() - started });
      rest = run.slice(1);
    }
    if (rest.length > 0) {
      if (!this.forward) {
        throw new CutlineError(
          'BAD_BUNDLE',
          `The ${this.tierName} has no tier above it to run "${steps[rest[0]!]!.segment}".`,
        );
      }
      // Up go the tensors that came from below for the rest of the run, and what this tier adds.
      const up: Tensors = new Map();
      for (const i of rest) {
        const actions = steps[i]!.actions;
        for (let h = 0; h < this.tier; h++)
          for (const name of actions[h]!.inject) up.set(name, required(incoming, name, steps[i]!.segment));
        for (const name of actions[this.tier]!.inject)
          up.set(name, required(state.store, name, steps[i]!.segment));
      }
      const sent = performance.now();
      const result = await this.forward(steps[rest[0]!]!.segment, requestId, rest[0]!, up);
      const forwardMs = performance.now() - sent;
      const above = this.manifest.tiers[this.tier + 1]!.name;
      const aboveMs = result.timings.filter((t) => t.tier === above).reduce((ms, t) => ms + t.totalMs, 0);
      for (const i of rest) settle(i, result.tensors);
      timings.push(
        {
          segment: steps[rest[0]!]!.segment,
          tier: this.tierName,
          computeMs: 0,
          totalMs: forwardMs,
          upLinkMs: Math.max(0, forwardMs - aboveMs - (result.queueMs ?? 0)),
        },
        ...result.timings,
      );
    }
    state.touched = performance.now();
    // Server tiers forget a request once nothing of it is left here; the device keeps it until
    // `infer` has read the outputs.
    if (this.tier !== 0 && (state.store.size === 0 || this.isLastStepHere(run[run.length - 1]!)))
      this.requests.delete(requestId);
    return { tensors: passed, timings };
  }

  /**
   * One whole inference, driven from the device: every step in order, graph inputs in, graph
   * outputs out. A server tier that cannot be reached fails the request, or with
   * `onUnreachable: 'local'` the device runs the whole model itself and says so.
   */
  async infer(inputs: Tensors, requestId: string = randomUUID()): Promise<InferenceResult> {
    if (this.tier !== 0) throw new CutlineError('BAD_BUNDLE', 'Only the device drives inferences.');
    const started = performance.now();
    for (const input of this.manifest.model.inputs) {
      if (!inputs.has(input.name)) {
        throw new CutlineError(
          'BAD_BUNDLE',
          `The request lacks input "${input.name}" of ${this.manifest.model.name}.`,
        );
      }
    }
    if (this.runWhole && performance.now() < this.localUntil) {
      // A tier was unreachable moments ago: do not make every request wait out its deadline.
      const outputs = await this.runWhole(inputs);
      return { outputs, requestId, totalMs: performance.now() - started, steps: [], fallback: true };
    }
    const state = this.state(requestId);
    for (const [name, tensor] of inputs) state.store.set(name, tensor);
    const steps: StepTiming[] = [];
    try {
      // One request per run of steps (`stepRuns`), each carrying its run up the chain.
      for (const run of runsOf(this.runFrom)) {
        const result = await this.step(this.manifest.schedule.steps[run[0]!]!.segment, requestId, new Map());
        steps.push(...result.timings);
      }
      const outputs: Tensors = new Map();
      for (const output of this.manifest.model.outputs)
        outputs.set(output.name, required(state.store, output.name, 'the end'));
      return { outputs, requestId, totalMs: performance.now() - started, steps, fallback: false };
    } catch (error) {
      // Best effort: the tiers above may hold some of this request's tensors.
      void this.releaseUp?.(requestId).catch(() => undefined);
      // Unreachable: the tier above the device, or (answered 504 by a tier) one further up.
      if (!isUnreachable(error) || this.manifest.runtime.onUnreachable !== 'local' || !this.runWhole)
        throw error;
      this.localUntil = performance.now() + LOCAL_COOL_DOWN_MS;
      const outputs = await this.runWhole(inputs);
      return { outputs, requestId, totalMs: performance.now() - started, steps, fallback: true };
    } finally {
      this.requests.delete(requestId);
    }
  }

  /**
   * Tells the tiers above that a request is over (set on tiers with a tier above): the device
   * calls it when a request fails, so no server tier keeps its tensors until they expire.
   */
  releaseUp: ((requestId: string) => Promise<void>) | null = null;

  /** Forgets a request here and passes the word up. */
  async release(requestId: string): Promise<void> {
    this.requests.delete(requestId);
    await this.releaseUp?.(requestId).catch(() => undefined);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.requests.clear();
  }

  private state(requestId: string): RequestState {
    let state = this.requests.get(requestId);
    if (!state) {
      // Each open request holds tensors: refuse new ones past the bound rather than run out of
      // memory (the peer sees 503 and may retry).
      if (this.requests.size >= this.maxOpenRequests) {
        throw new OipError(
          `The ${this.tierName} already holds ${this.requests.size} requests in flight; try again shortly.`,
          503,
        );
      }
      state = { store: new Map(), touched: performance.now() };
      this.requests.set(requestId, state);
    }
    return state;
  }

  /**
   * Whether this tier's part of a request carrying `run` reads tensors it must already hold from
   * earlier requests of the same inference (not arriving with it, nor made by it here).
   */
  private readsHeldTensors(run: readonly number[]): boolean {
    const steps = this.manifest.schedule.steps;
    const first = steps[run[0]!]!;
    if (first.tier < this.tier) return false;
    const here =
      first.tier === this.tier ? this.manifest.segments.find((s) => s.id === first.segment)! : null;
    const available = new Set([
      ...run.flatMap((i) => steps[i]!.actions[this.tier]!.keepUp),
      ...(here ? here.outputs.map((t) => t.name) : []),
    ]);
    const needed = [
      ...(here ? here.inputs.map((t) => t.name) : []),
      ...run.flatMap((i) => (steps[i]!.tier > this.tier ? steps[i]!.actions[this.tier]!.inject : [])),
    ];
    return needed.some((name) => !available.has(name));
  }

  /** Whether no later step's path includes this tier (so the request is done here). */
  private isLastStepHere(index: number): boolean {
    if (this.tier === 0) return false;
    return this.manifest.schedule.steps.slice(index + 1).every((s) => s.tier < this.tier);
  }
}

function required(tensors: Tensors, name: string, segment: string): ort.Tensor {
  const tensor = tensors.get(name);
  if (!tensor) throw new CutlineError('BAD_BUNDLE', `Segment "${segment}": tensor "${name}" did not arrive.`);
  return tensor;
}
