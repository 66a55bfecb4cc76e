/**
 * The compute time of a piece of work on a device, free of the analysis (so the studio's page can
 * re-cost a design without importing the ONNX reader): the kernel-level model when the device has
 * one for the work's kind, else the roofline.
 */
import type { DeviceProfile, KernelKind, OpClass, Precision } from '../profiles/types.js';

/** The kernel onnxruntime runs for a node, as the kernel-level predictor sees it. */
export interface KernelWork {
  readonly kind: KernelKind;
  /** onnxruntime fuses the node into another node's kernel (see `fusionAnchors`): no kernel of its own. */
  readonly fused: boolean;
  /** Input + output activation bytes. */
  readonly activationBytes: number;
  readonly weightBytes: number;
  /**
   * The kernel's arithmetic when it differs from the node's own `ComputeWork.flops`: a fused
   * pattern's anchor (fusion-patterns.ts) does its members' work in one kernel.
   */
  readonly flops?: number;
  /**
   * Layout copies onnxruntime adds around its blocked kernels that this node pays for, by channel
   * block (layout.ts): costed as data movement on a device with that `channelBlock`.
   */
  readonly layout?: { readonly 8?: LayoutCopies; readonly 16?: LayoutCopies };
  /** Convolutions: input and output channels and groups (see `paddedFlops`). */
  readonly channelsIn?: number;
  readonly channelsOut?: number;
  readonly groups?: number;
}

/**
 * The copies a cut through a tensor adds: a cut tensor leaves its segment as plain NCHW and
 * arrives in the next as plain NCHW, so one written blocked costs a ReorderOutput on the
 * producer's tier (`out`) and one a blocked Conv reads costs a ReorderInput on the reader's tier
 * (`in`), where the whole model had neither (layout.ts).
 */
export interface CutCopies {
  readonly out: boolean;
  readonly in: boolean;
}

/** Layout copies (ReorderInput/ReorderOutput): how many, and the bytes they copy. */
export interface LayoutCopies {
  readonly count: number;
  readonly bytes: number;
}

/** What a node or layer asks of a device. */
export interface ComputeWork {
  readonly opClass: OpClass;
  readonly flops: number;
  /** Input activation bytes + output bytes + parameter bytes. */
  readonly bytesMoved: number;
  /** Kernel features; work without them (older projects) is costed by the roofline. */
  readonly kernel?: KernelWork;
}

/**
 * Predicted compute time of `work` on `device`, ms.
 *
 * With a kernel model for the work's kind (`device.kernelModels`, fitted by calibration with
 * onnxruntime's graph optimisations on), a non-negative linear model of the kernel's features:
 *
 *   ms + msPerGflop · flops/10⁹ + msPerMB · activationBytes/10⁶ + msPerWeightMB · weightBytes/10⁶
 *
 * and 0 for a node fused into another's kernel on a device with kernel models (its anchor's
 * measured kernels carried its work).
 * Otherwise the roofline (Williams et al. 2009):
 *
 *   max(flops / (peakGflops[precision]·10⁹ · efficiency(opClass)), bytesMoved / (memoryBandwidthGBps·10⁹)) · 1000
 *     + overheadMs(opClass)
 *
 * A precision the device gives no peak for falls back to its fp32 peak (the device would run the
 * operator in fp32). Efficiency and overhead fall back to the device's defaults.
 */
export function predictComputeMs(device: DeviceProfile, precision: Precision, work: ComputeWork): number {
  const kernel = work.kernel;
  if (kernel && device.kernelModels) {
    if (kernel.fused) return 0;
    const kind = runKind(kernel, device.channelBlock ?? 1);
    const model = device.kernelModels[kind];
    if (model)
      return (
        layoutMs(device, kernel) +
        model.ms +
        (model.msPerGflop * paddedFlops(kernel.flops ?? work.flops, kernel, device.channelBlock ?? 1)) / 1e9 +
        (model.msPerMB * kernel.activationBytes) / 1e6 +
        (model.msPerWeightMB * kernel.weightBytes) / 1e6 +
        (model.msPerGroup ?? 0) * (kind === 'convGrouped' ? (kernel.groups ?? 1) : 0)
      );
  }
  const peakGflops = device.peakGflops[precision] ?? device.peakGflops.fp32;
  const efficiency = device.efficiency[work.opClass] ?? device.defaultEfficiency;
  const overheadMs = device.overheadMs[work.opClass] ?? device.defaultOverheadMs;
  const computeS = work.flops / (peakGflops * 1e9 * efficiency);
  const memoryS = work.bytesMoved / (device.memoryBandwidthGBps * 1e9);
  return Math.max(computeS, memoryS) * 1000 + overheadMs;
}

/**
 * The layout copies a kernel pays for on a device with blocked channels, each costed as a data
 * movement kernel of its bytes (a reorder is a strided copy); 0 without a block or a data
 * movement model.
 */
function layoutMs(device: DeviceProfile, kernel: KernelWork): number {
  const block = device.channelBlock;
  const copies = block === 8 || block === 16 ? kernel.layout?.[block] : undefined;
  return copies ? layoutCopyMs(device, copies.count, copies.bytes) : 0;
}

/**
 * `count` layout copies of `bytes` in all on `device`, costed as data movement kernels; 0 on a
 * device without a data movement model.
 */
export function layoutCopyMs(device: DeviceProfile, count: number, bytes: number): number {
  const move = device.kernelModels?.dataMovement;
  return move ? count * move.ms + (move.msPerMB * bytes) / 1e6 : 0;
}

/**
 * The kind of kernel the device really runs: a grouped convolution whose groups hold whole channel
 * blocks runs onnxruntime's blocked (NCHWc) convolution, as a dense one does (RegNet's groups of 16
 * on AVX-512); one with narrower groups runs a small GEMM per group, about twice as slow per FLOP.
 */
export function runKind(kernel: KernelWork, block: number): KernelKind {
  if (kernel.kind !== 'convGrouped' || block <= 1 || kernel.channelsIn === undefined) return kernel.kind;
  const perGroup = kernel.channelsIn / (kernel.groups ?? 1);
  return perGroup % block === 0 ? 'convDense' : 'convGrouped';
}

/**
 * How onnxruntime's NchwcTransformer runs a 2-D convolution with a constant 4-D weight on
 * `block`-channel blocks: `'direct'` (one group and fewer input channels than a block, an RGB
 * image: it reads plain NCHW and writes blocked), `'blocked'`, or undefined (it stays a plain NCHW
 * kernel). Its input reorder takes only multiples of 4 channels, so a dense or depthwise conv
 * over 18 or 20 channels on 16-wide blocks differ (20 runs blocked, 18 does not); grouped convs
 * need whole blocks per group. Checked against the graphs onnxruntime 1.30 optimises.
 */
export function nchwcConv(
  channelsIn: number,
  channelsOut: number,
  groups: number,
  block: number,
): 'direct' | 'blocked' | undefined {
  if (groups > 1) {
    if (groups === channelsIn && groups === channelsOut) return channelsIn % 4 === 0 ? 'blocked' : undefined;
    return (channelsIn / groups) % block === 0 && (channelsOut / groups) % block === 0
      ? 'blocked'
      : undefined;
  }
  if (channelsIn < block) return 'direct';
  return channelsIn % 4 === 0 ? 'blocked' : undefined;
}

/**
 * The FLOPs a convolution's kernel really does when the device computes channels in blocks
 * (onnxruntime's NCHWc layout: 8 channels with AVX2, 16 with AVX-512): input and output channels
 * are both padded up to a whole block, so a 24 → 24-channel conv on 16-wide blocks costs
 * (32/24)² of its work. Inputs narrower than a block (an RGB image) are read unpadded. Depthwise
 * convs pad their one channel count; grouped ones do not run blocked. Measured with onnxruntime
 * 1.30 on this project's 270 calibration convolutions: padding the input in full fits them with
 * 6.3% (dense) and 8.3% (pointwise) RMS error, against 8.4% and 13.1% when padded input channels
 * were taken to cost half, as an earlier version did.
 */
export function paddedFlops(flops: number, kernel: KernelWork, block: number): number {
  if (block <= 1 || kernel.channelsIn === undefined || kernel.channelsOut === undefined) return flops;
  // A conv onnxruntime leaves in plain NCHW (18 input channels) computes what it asks for.
  if (!nchwcConv(kernel.channelsIn, kernel.channelsOut, kernel.groups ?? 1, block)) return flops;
  // A conv with no channels (a zero-sized weight) does no work: 1, not 0/0, which made its time NaN.
  const pad = (c: number): number => (c > 0 ? (Math.ceil(c / block) * block) / c : 1);
  if (kernel.kind === 'convDense' || kernel.kind === 'convPointwise') {
    const input = kernel.channelsIn < block ? 1 : pad(kernel.channelsIn);
    return flops * input * pad(kernel.channelsOut);
  }
  if (kernel.kind === 'convDepthwise') return flops * pad(kernel.channelsOut);
  return flops;
}
