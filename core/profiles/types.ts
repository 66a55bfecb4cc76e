/**
 * Device, link and topology profiles: what the cost predictors and partition solvers know about
 * the hardware a model is split across. Profiles are JSON files validated by `schema.ts`; units are
 * in the field names, in the scale a datasheet uses (GFLOP/s, GB/s, Mb/s, ms, W, nJ/byte).
 */
import type { TierName } from '../tiers.js';

/** Operator families that share an efficiency on a given device (see `opClassOf`). */
export const OP_CLASSES = [
  'conv',
  'depthwiseConv',
  'matmul',
  'elementwise',
  'activation',
  'normalization',
  'pooling',
  'reduction',
  'dataMovement',
  'other',
] as const;
export type OpClass = (typeof OP_CLASSES)[number];

/**
 * Finer operator kinds for the kernel-level predictor (`DeviceProfile.kernelModels`): a dense
 * k×k, a pointwise 1×1, a depthwise and a grouped convolution run very different kernels.
 */
export const KERNEL_KINDS = [
  'convDense',
  'convPointwise',
  'convDepthwise',
  'convGrouped',
  'matmul',
  'elementwise',
  'activation',
  'normalization',
  'pooling',
  'reduction',
  'dataMovement',
  'other',
] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];

/**
 * A kernel's time on a device as a non-negative linear model of its features, ms:
 * `ms + msPerGflop · GFLOP + msPerMB · activation MB + msPerWeightMB · weight MB + msPerGroup · groups`
 * (MB = 10⁶ bytes; GFLOP padded to whole channel blocks, see `paddedFlops`).
 */
export interface KernelModel {
  readonly ms: number;
  readonly msPerGflop: number;
  readonly msPerMB: number;
  readonly msPerWeightMB: number;
  /** Grouped convolutions: cost per group (one small GEMM each). */
  readonly msPerGroup?: number;
  /** Measured kernels it was fitted on. */
  readonly samples: number;
}

export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

// Declared once in core/tiers.ts; re-exported because profiles name their tiers with it.
export { TIER_NAMES, type TierName } from '../tiers.js';

/**
 * The range every positive profile figure must lie in (Mb/s, ms, GB/s, W, nJ/byte alike). A
 * bandwidth or a power of 1e-320 is positive but turns every figure into Infinity, which no JSON
 * can carry; nothing real is below a millionth of these units or above a trillion.
 */
export const PROFILE_NUMBER_MIN = 1e-6;
export const PROFILE_NUMBER_MAX = 1e12;

/** Where a figure comes from: a paper/table, a datasheet, a measurement, or a stated assumption. */
export type Sources = Readonly<Record<string, string>>;

export interface DeviceProfile {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** Peak arithmetic throughput per precision, GFLOP/s (a MAC counts 2 FLOPs). fp32 is required. */
  readonly peakGflops: Readonly<Partial<Record<Precision, number>>> & { readonly fp32: number };
  /** Sustained memory bandwidth, GB/s (10⁹ bytes per second). */
  readonly memoryBandwidthGBps: number;
  /** Fraction of peak FLOP/s an operator class reaches, 0 < e ≤ 1; `defaultEfficiency` otherwise. */
  readonly efficiency: Readonly<Partial<Record<OpClass, number>>>;
  readonly defaultEfficiency: number;
  /** Fixed cost per operator launch, ms, per class; `defaultOverheadMs` otherwise. */
  readonly overheadMs: Readonly<Partial<Record<OpClass, number>>>;
  readonly defaultOverheadMs: number;
  /** Board power while computing and while waiting, W. */
  readonly activePowerW: number;
  readonly idlePowerW: number;
  /** Radio power while sending / receiving, W; used when a link gives no energy per byte. */
  readonly radioTxPowerW?: number;
  readonly radioRxPowerW?: number;
  /** Memory available to inference, bytes. */
  readonly memoryBytes: number;
  /**
   * Kernel-level predictor fitted on this device with onnxruntime's graph optimisations on: when
   * present, a node of a listed kind costs its kind's model and a node fused into another costs
   * nothing (`predictComputeMs`); kinds not listed, and profiles without it, use the roofline.
   */
  readonly kernelModels?: Readonly<Partial<Record<KernelKind, KernelModel>>>;
  /** Channels the device's convolution kernels compute per block (onnxruntime's NCHWc: 8 or 16). */
  readonly channelBlock?: number;
  /** Fixed cost of one segment run on this device (session.run and its scheduling), ms. */
  readonly segmentOverheadMs?: number;
  /** Fixed cost per tensor handed into or out of a segment run (binding, copy), ms. */
  readonly tensorOverheadMs?: number;
  /** Field path (e.g. `peakGflops.fp32`) → where the number comes from. */
  readonly sources: Sources;
}

/** A measured point of a link: message size → one-way latency (and device energy). */
export interface LinkPoint {
  readonly bytes: number;
  readonly latencyMs: number;
  readonly deviceEnergyMj?: number;
}

export interface LinkProfile {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** Achieved bandwidth device→server and server→device, Mb/s (10⁶ bits per second). */
  readonly uplinkMbps: number;
  readonly downlinkMbps: number;
  /** Round-trip time, ms; a one-way transfer costs rtt/2 on top of its serialisation time. */
  readonly rttMs: number;
  /** Device radio energy per byte sent / received, nJ/byte; else radio power × transfer time. */
  readonly txEnergyNjPerByte?: number;
  readonly rxEnergyNjPerByte?: number;
  /**
   * Measured points (RoaD-RuNNer): when present, transfer latency/energy for a message size come
   * from a polynomial fitted to them (degree `fitDegree`, 4 by default) inside the measured range.
   */
  readonly measured?: readonly LinkPoint[];
  readonly fitDegree?: number;
  readonly sources: Sources;
}

export interface TierSpec {
  readonly name: TierName;
  /** Id of a bundled device profile, or a path relative to the topology file. */
  readonly device: string;
  readonly precision?: Precision;
}

export interface LinkSpec {
  readonly from: TierName;
  readonly to: TierName;
  /** Id of a bundled link profile, or a path relative to the topology file. */
  readonly link: string;
}

/**
 * Tiers in order (device first); each consecutive pair joined by one link. A tensor from the
 * device to the cloud is relayed through the edge.
 */
export interface TopologySpec {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly tiers: readonly TierSpec[];
  readonly links: readonly LinkSpec[];
}

/** A topology with its device and link profiles loaded and validated. */
export interface Topology {
  readonly spec: TopologySpec;
  readonly tiers: readonly {
    readonly name: TierName;
    readonly device: DeviceProfile;
    readonly precision: Precision;
  }[];
  /** `hops[h]` joins `tiers[h]` and `tiers[h + 1]`. */
  readonly hops: readonly LinkProfile[];
}
