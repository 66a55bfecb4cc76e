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
    const model = device.kernelModels[kernel.kind];
    if (model)
      return (
        model.ms +
        (model.msPerGflop * work.flops) / 1e9 +
        (model.msPerMB * kernel.activationBytes) / 1e6 +
        (model.msPerWeightMB * kernel.weightBytes) / 1e6
      );
  }
  const peakGflops = device.peakGflops[precision] ?? device.peakGflops.fp32;
  const efficiency = device.efficiency[work.opClass] ?? device.defaultEfficiency;
  const overheadMs = device.overheadMs[work.opClass] ?? device.defaultOverheadMs;
  const computeS = work.flops / (peakGflops * 1e9 * efficiency);
  const memoryS = work.bytesMoved / (device.memoryBandwidthGBps * 1e9);
  return Math.max(computeS, memoryS) * 1000 + overheadMs;
}
