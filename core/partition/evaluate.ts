/**
 * The evaluator: every figure of a placement the studio shows and the solvers compare.
 *
 * - Latency of one input: Σ compute of each unit on its tier + Σ transfers, tiers working in turn,
 *   + each used tier's fixed cost of running its segment where the devices give one (`SegmentCost`).
 *   A tensor read on several far tiers crosses each hop once (relayed through the chain).
 * - Throughput of a stream: pipelined stages, one per tier and per link direction; the period is
 *   the busiest stage (a link is busy for the serialisation time, not the RTT).
 * - Device energy: active power while the device computes, idle power while others compute or
 *   data moves beyond the first hop, radio energy on the first hop.
 * - Memory per tier: weights of its units + peak live activations when it runs its units in order.
 */
import { CutlineError } from '../errors.js';
import { assertPlacement, tensorSpan, type Placement } from './placement.js';
import { HopTally } from './hop-traffic.js';
import { DEVICE_TIER, type PartitionProblem, type SegmentCost } from './problem.js';
import { unitSegments } from './unit-segments.js';

export interface CutTensor {
  readonly name: string;
  readonly bytes: number;
  /** Only its shape crosses (see `PartitionTensor.shapeOnly`). */
  readonly shapeOnly: boolean;
  readonly fromTier: number;
  /** Tiers it must reach other than its own, ascending. */
  readonly toTiers: readonly number[];
  /** Latency its transfers add to one inference, ms (every hop it takes, both ways). */
  readonly latencyMs: number;
}

export interface HopTraffic {
  readonly upBytes: number;
  readonly downBytes: number;
  readonly upBusyMs: number;
  readonly downBusyMs: number;
  /** Latency its transfers add to one inference. */
  readonly latencyMs: number;
}

export interface TierMemory {
  readonly weightBytes: number;
  readonly peakActivationBytes: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
}

export interface Evaluation {
  readonly latencyMs: number;
  readonly periodMs: number;
  readonly throughputPerS: number;
  readonly deviceEnergyMj: number;
  readonly computeMsPerTier: readonly number[];
  readonly unitsPerTier: readonly number[];
  /** Per hop h, between tiers h and h + 1. */
  readonly hops: readonly HopTraffic[];
  /** Bytes on all hops, both ways. */
  readonly linkBytes: number;
  /** Bytes crossing the hop into the cloud (0 without a cloud tier). */
  readonly wanBytes: number;
  readonly memory: readonly TierMemory[];
  readonly rawInputLeavesDevice: boolean;
  /**
   * Depth (in layers) of the shallowest data that leaves the device: 0 when the raw input does;
   * `null` when nothing leaves it. Model inversion gets harder the deeper this is (Edge-PRUNE).
   */
  readonly deviceLayersBeforeLeaving: number | null;
  readonly cutTensors: readonly CutTensor[];
}

/** Evaluates one placement in O(units × tiers + tensor reads). */
export function evaluatePlacement(problem: PartitionProblem, placement: Placement): Evaluation {
  assertPlacement(problem, placement);
  const tiers = problem.tiers.length;
  const hopCount = tiers - 1;
  const computeMsPerTier = new Array<number>(tiers).fill(0);
  const unitsPerTier = new Array<number>(tiers).fill(0);
  let latencyMs = 0;
  let deviceEnergyMj = 0;
  problem.units.forEach((_, u) => {
    const cell = u * tiers + placement[u]!;
    computeMsPerTier[placement[u]!]! += problem.computeMs[cell]!;
    unitsPerTier[placement[u]!]!++;
    latencyMs += problem.computeMs[cell]!;
    deviceEnergyMj += problem.computeEnergyMj[cell]!;
  });

  const traffic = new HopTally(hopCount);
  const cutTensors: CutTensor[] = [];
  let rawInputLeavesDevice = false;
  let deviceLayersBeforeLeaving: number | null = null;
  problem.tensors.forEach((tensor, t) => {
    const { from, lowest, highest } = tensorSpan(problem, placement, t);
    if (lowest === from && highest === from) return;
    let tensorMs = 0;
    // Written out rather than through a closure: this is the solvers' inner loop.
    for (let h = from; h < highest; h++) {
      const cost = traffic.up(problem.up[t]![h]!, h, tensor.bytes);
      latencyMs += cost.latencyMs;
      tensorMs += cost.latencyMs;
      deviceEnergyMj += cost.deviceEnergyMj;
    }
    for (let h = lowest; h < from; h++) {
      const cost = traffic.down(problem.down[t]![h]!, h, tensor.bytes);
      latencyMs += cost.latencyMs;
      tensorMs += cost.latencyMs;
      deviceEnergyMj += cost.deviceEnergyMj;
    }
    const toTiers = reachedTiers(problem, placement, t);
    cutTensors.push({
      name: tensor.name,
      bytes: tensor.bytes,
      shapeOnly: tensor.shapeOnly === true,
      fromTier: from,
      toTiers,
      latencyMs: tensorMs,
    });
    // The layout copies the cut adds: out of the producing tier's segment, into each reading tier's.
    const copyRow = problem.cutCopies?.row[t] ?? -1;
    if (copyRow >= 0) {
      const copies = problem.cutCopies!;
      const charge = (tier: number, ms: number, mj: number): void => {
        computeMsPerTier[tier]! += ms;
        latencyMs += ms;
        deviceEnergyMj += mj;
      };
      if (tensor.producer >= 0)
        charge(from, copies.outMs[copyRow * tiers + from]!, copies.outEnergyMj[copyRow * tiers + from]!);
      for (const tier of toTiers)
        if (tensor.consumers.some((c) => placement[c] === tier))
          charge(tier, copies.inMs[copyRow * tiers + tier]!, copies.inEnergyMj[copyRow * tiers + tier]!);
    }
    if (from === DEVICE_TIER && !tensor.shapeOnly) {
      if (tensor.producer < 0) rawInputLeavesDevice = true;
      const depth = tensor.producer < 0 ? 0 : problem.units[tensor.producer]!.depth;
      deviceLayersBeforeLeaving = Math.min(deviceLayersBeforeLeaving ?? depth, depth);
    }
  });

  // A fused unit on another tier than its kernel's unit runs as a kernel of its own there.
  const split = problem.splitFusion;
  if (split)
    for (let i = 0; i < split.units.length; i++) {
      const tier = placement[split.units[i]!]!;
      if (tier === placement[split.anchors[i]!]) continue;
      const ms = split.extraMs[i * tiers + tier]!;
      computeMsPerTier[tier]! += ms;
      latencyMs += ms;
      deviceEnergyMj += split.extraEnergyMj[i * tiers + tier]!;
    }

  if (problem.segmentCost) {
    const segments = segmentOverheadMs(problem, problem.segmentCost, placement);
    segments.forEach((ms, t) => {
      computeMsPerTier[t]! += ms;
      latencyMs += ms;
      deviceEnergyMj += ms * problem.segmentCost!.devicePowerW[t]!;
    });
  }

  const periodMs = Math.max(...computeMsPerTier, traffic.busiestMs());
  return {
    latencyMs,
    periodMs,
    throughputPerS: periodMs > 0 ? 1000 / periodMs : Infinity,
    deviceEnergyMj,
    computeMsPerTier,
    unitsPerTier,
    ...traffic.figures(problem.wanHop),
    memory: tierMemory(problem, placement),
    rawInputLeavesDevice,
    deviceLayersBeforeLeaving,
    cutTensors,
  };
}

/**
 * Per tier, the fixed cost of running its segments: one run per segment it runs (as the export
 * cuts them, `unitSegments`: a device → cloud → device placement runs two on the device) plus
 * one binding per tensor handed into a segment (a graph input it reads, a tensor another segment
 * made) or out of one (a tensor another segment reads, a graph output); nothing for a tier that
 * holds no unit. The exact solvers rank placements by their units' compute and transfers and
 * leave this out; every figure they report comes from here, so it always includes it.
 */
export function segmentOverheadMs(
  problem: PartitionProblem,
  cost: SegmentCost,
  placement: Placement,
): number[] {
  const tiers = problem.tiers.length;
  const segmentOf = unitSegments(problem, placement);
  const runs = new Array<number>(tiers).fill(0);
  let last = 0;
  for (const segment of segmentOf) last = Math.max(last, segment);
  const seen = new Uint8Array(last + 1);
  for (const segment of segmentOf) {
    if (seen[segment]) continue;
    seen[segment] = 1;
    runs[segment % tiers]!++;
  }
  const handed = new Array<number>(tiers).fill(0);
  // The segments reading a tensor, without a Set per tensor (the solvers evaluate placements in
  // their inner loops, and a tensor has few readers).
  const readers: number[] = [];
  for (const tensor of problem.tensors) {
    const own = tensor.producer < 0 ? -1 : segmentOf[tensor.producer]!;
    readers.length = 0;
    for (const consumer of tensor.consumers) {
      const segment = segmentOf[consumer]!;
      if (segment !== own && !readers.includes(segment)) readers.push(segment);
    }
    for (const segment of readers) handed[segment % tiers]!++;
    if (own >= 0 && (readers.length > 0 || tensor.isOutput)) handed[own % tiers]!++;
  }
  return handed.map((count, t) => runs[t]! * cost.runMs[t]! + (runs[t]! > 0 ? cost.tensorMs[t]! * count : 0));
}

function reachedTiers(problem: PartitionProblem, placement: Placement, t: number): number[] {
  const tensor = problem.tensors[t]!;
  const from = tensor.producer < 0 ? DEVICE_TIER : placement[tensor.producer]!;
  const reached = new Set<number>();
  for (const consumer of tensor.consumers)
    if (placement[consumer] !== from) reached.add(placement[consumer]!);
  if (tensor.isOutput && from !== DEVICE_TIER) reached.add(DEVICE_TIER);
  return [...reached].sort((a, b) => a - b);
}

/**
 * Weights plus peak live activations per tier. A tensor lives on a tier from when it is produced
 * there (or first read there, if it arrives) until its last reader there; a tensor sent away is
 * sent as soon as it is produced; graph outputs stay live on the results tier to the end.
 */
export function tierMemory(problem: PartitionProblem, placement: Placement): TierMemory[] {
  const tiers = problem.tiers.length;
  const n = problem.units.length;
  // Per tier, a difference array over step positions 0..n (inputs arrive at step 0).
  const delta = Array.from({ length: tiers }, () => new Float64Array(n + 2));
  const first = new Int32Array(tiers);
  const last = new Int32Array(tiers);
  for (const tensor of problem.tensors) {
    first.fill(-1);
    last.fill(-1);
    const from = tensor.producer < 0 ? DEVICE_TIER : placement[tensor.producer]!;
    const born = Math.max(tensor.producer, 0);
    first[from] = born;
    last[from] = born;
    for (const consumer of tensor.consumers) {
      const tier = placement[consumer]!;
      if (first[tier] === -1) first[tier] = consumer;
      last[tier] = Math.max(last[tier]!, consumer);
    }
    if (tensor.isOutput) {
      const r = DEVICE_TIER;
      if (first[r] === -1) first[r] = n - 1;
      last[r] = n - 1;
    }
    for (let tier = 0; tier < tiers; tier++) {
      if (first[tier] === -1) continue;
      delta[tier]![first[tier]!]! += tensor.bytes;
      delta[tier]![last[tier]! + 1]! -= tensor.bytes;
    }
  }
  const weights = new Array<number>(tiers).fill(0);
  problem.units.forEach((unit, u) => (weights[placement[u]!]! += unit.weightBytes));
  return weights.map((weightBytes, tier) => {
    let live = 0;
    let peak = 0;
    for (let step = 0; step <= n; step++) {
      live += delta[tier]![step]!;
      if (live > peak) peak = live;
    }
    return {
      weightBytes,
      peakActivationBytes: peak,
      totalBytes: weightBytes + peak,
      capacityBytes: problem.memoryBytes[tier] ?? Infinity,
    };
  });
}

/** Throws INFEASIBLE naming the first tier whose memory the placement exceeds. */
export function assertFitsMemory(problem: PartitionProblem, evaluation: Evaluation): void {
  evaluation.memory.forEach((m, tier) => {
    if (m.totalBytes > m.capacityBytes) {
      throw new CutlineError(
        'INFEASIBLE',
        `The ${problem.tiers[tier]} needs ${m.totalBytes} bytes but holds ${m.capacityBytes}.`,
      );
    }
  });
}
