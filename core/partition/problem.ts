/**
 * The partition problem in the form every solver and the evaluator share: units (layers) in
 * topological order with their compute cost on every tier, the tensors between them with their
 * transfer cost on every hop, and the pins the constraints imply. It knows nothing of ONNX or of
 * profiles: `build-problem.ts` derives it from an analysis and a topology, tests build random ones.
 *
 * Execution model (Neurosurgeon, DADS): one input at a time, the tiers working one after another,
 * so end-to-end latency is the sum of the compute on each tier and of every transfer; a stream of
 * inputs pipelines, so throughput is set by the busiest tier or link. Tiers form a chain
 * (device = 0, then edge, then cloud) and a tensor moving between non-adjacent tiers is relayed
 * hop by hop. Graph inputs start on the device, and graph outputs must return to it: the device
 * asked the question and acts on the answer.
 */

/** Tier index of the end device, where inputs arrive. */
export const DEVICE_TIER = 0;

export interface PartitionUnit {
  readonly name: string;
  /** Longest path from a graph input, in units (a unit reading the raw input has depth 1). */
  readonly depth: number;
  /** Bytes of weights the unit reads. */
  readonly weightBytes: number;
  /** Why its time depends on its input (its figures are then lower bounds); absent when it does not. */
  readonly dataDependent?: string;
  /** A data-dependent unit costed from a measurement (measured-units.ts); absent otherwise. */
  readonly measured?: UnitMeasured;
}

/**
 * How a measured data-dependent unit is costed on each tier: `measured` (the tier runs the
 * machine it was measured on: its time is the measured one), `scaled` (another device: the
 * measurement × that device's predicted time ÷ the measuring machine's) or null (not derivable:
 * the static lower bound stands).
 */
export type MeasuredMark = 'measured' | 'scaled';

export interface UnitMeasured {
  /** Median measured on the measuring machine, ms. */
  readonly measuredMs: number;
  /** ISO 8601 time of the measurement. */
  readonly measuredAt: string;
  /** Per tier, how the unit's time there was derived. */
  readonly perTier: readonly (MeasuredMark | null)[];
}

export interface PartitionTensor {
  readonly name: string;
  readonly bytes: number;
  /** Producing unit, or -1 for a graph input (present on the device before anything runs). */
  readonly producer: number;
  /** Consuming units, ascending, without repeats. */
  readonly consumers: Int32Array;
  /** Whether the tensor is a graph output (it must reach the device). */
  readonly isOutput: boolean;
  /**
   * Only the tensor's shape is read across (a Shape node folded into its readers): it carries no
   * data, so it neither exposes the raw input nor counts as data leaving the device.
   */
  readonly shapeOnly?: boolean;
}

/** Cost of moving one tensor across one hop in one direction. */
export interface HopCost {
  /** Latency added to one inference, ms (rtt/2 + serialisation). */
  readonly latencyMs: number;
  /** Time the link is busy with it, ms (serialisation only: what limits a pipelined stream). */
  readonly busyMs: number;
  /** Device energy spent while it moves, mJ (radio energy on hop 0, idle energy beyond). */
  readonly deviceEnergyMj: number;
}

export interface PartitionProblem {
  /** Tier names, device first. */
  readonly tiers: readonly string[];
  readonly units: readonly PartitionUnit[];
  /** `computeMs[u * tiers + t]`: time of unit u on tier t. */
  readonly computeMs: Float64Array;
  /** `computeEnergyMj[u * tiers + t]`: device energy while unit u runs on tier t (active or idle). */
  readonly computeEnergyMj: Float64Array;
  readonly tensors: readonly PartitionTensor[];
  /** `up[t][h]` / `down[t][h]`: cost of tensor t across hop h (between tiers h and h+1). */
  readonly up: readonly (readonly HopCost[])[];
  readonly down: readonly (readonly HopCost[])[];
  /** Memory capacity per tier, bytes (Infinity when unknown). */
  readonly memoryBytes: readonly number[];
  /** Index of the hop whose upper end is the cloud (the WAN), or -1. */
  readonly wanHop: number;
  /** Fixed costs of running a tier's segment; absent when no tier's device has any. */
  readonly segmentCost?: SegmentCost;
  /** Units fused into another's kernel that cost more when a placement cuts them off it. */
  readonly splitFusion?: SplitFusion;
  /** Layout copies a cut through a tensor adds on tiers with blocked kernels. */
  readonly cutCopies?: CutCopyCosts;
}

/**
 * What a cut through a tensor adds on tiers whose device computes channels in blocks
 * (core/predict/layout.ts): a ReorderOutput on the producing tier for a tensor written blocked,
 * a ReorderInput on each reading tier whose blocked Conv reads it. Charged by `evaluatePlacement`
 * for the tensors a placement cuts.
 */
export interface CutCopyCosts {
  /** Per tensor, its row below, or -1. */
  readonly row: Int32Array;
  /** `outMs[row * tiers + t]`, `inMs[row * tiers + t]`, ms; and as device energy, mJ. */
  readonly outMs: Float64Array;
  readonly inMs: Float64Array;
  readonly outEnergyMj: Float64Array;
  readonly inEnergyMj: Float64Array;
}

/**
 * Units onnxruntime folds into another unit's kernel (a ReLU into its Conv, a GELU's Erf into its
 * last Mul), costed as nothing on tiers with a kernel-level profile. A placement that puts such a
 * unit on another tier than its kernel's unit breaks the fusion there: the unit runs as a kernel
 * of its own, which `evaluatePlacement` adds (`extraMs`) to its tier.
 */
export interface SplitFusion {
  readonly units: Int32Array;
  /** The unit each one's kernel belongs to. */
  readonly anchors: Int32Array;
  /** `extraMs[i * tiers + t]`: what unit `units[i]` adds on tier t when cut off its kernel. */
  readonly extraMs: Float64Array;
  /** The same as device energy, mJ. */
  readonly extraEnergyMj: Float64Array;
}

/**
 * What a tier pays per inference for running its segment at all, whatever the segment holds
 * (`DeviceProfile.segmentOverheadMs` and `tensorOverheadMs`): a session run and the binding of
 * each tensor handed in or out. Charged once per segment a tier runs (`evaluatePlacement`).
 */
export interface SegmentCost {
  /** Per tier, ms per segment run. */
  readonly runMs: readonly number[];
  /** Per tier, ms per tensor handed into or out of its segment. */
  readonly tensorMs: readonly number[];
  /** Per tier, the device's power while that tier works, W (= mJ per ms): active on the device, idle elsewhere. */
  readonly devicePowerW: readonly number[];
}

export const ZERO_HOP: HopCost = { latencyMs: 0, busyMs: 0, deviceEnergyMj: 0 };

/** Number of tiers. */
export function tierCount(problem: PartitionProblem): number {
  return problem.tiers.length;
}

/**
 * Depth of every unit from the tensors' producer links: `1 + max(depth of the producers of its
 * inputs)`, graph inputs at depth 0. Units must be in topological order.
 */
export function unitDepths(unitCount: number, tensors: readonly PartitionTensor[]): Int32Array {
  const depth = new Int32Array(unitCount).fill(1);
  const inputsOf: number[][] = Array.from({ length: unitCount }, () => []);
  tensors.forEach((tensor, index) => {
    for (const consumer of tensor.consumers) inputsOf[consumer]!.push(index);
  });
  for (let u = 0; u < unitCount; u++) {
    for (const t of inputsOf[u]!) {
      const producer = tensors[t]!.producer;
      if (producer >= 0) depth[u] = Math.max(depth[u]!, depth[producer]! + 1);
    }
  }
  return depth;
}
