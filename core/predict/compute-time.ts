/**
 * The roofline's compute time of a piece of work on a device, free of the analysis (so the
 * studio's page can re-cost a design without importing the ONNX reader).
 */
import type { DeviceProfile, OpClass, Precision } from '../profiles/types.js';

/** What a node or layer asks of a device. */
export interface ComputeWork {
  readonly opClass: OpClass;
  readonly flops: number;
  /** Input activation bytes + output bytes + parameter bytes. */
  readonly bytesMoved: number;
}

/**
 * Predicted compute time of `work` on `device`, ms (the roofline model, Williams et al. 2009):
 *
 *   max(flops / (peakGflops[precision]·10⁹ · efficiency(opClass)), bytesMoved / (memoryBandwidthGBps·10⁹)) · 1000
 *     + overheadMs(opClass)
 *
 * A precision the device gives no peak for falls back to its fp32 peak (the device would run the
 * operator in fp32). Efficiency and overhead fall back to the device's defaults.
 */
export function predictComputeMs(device: DeviceProfile, precision: Precision, work: ComputeWork): number {
  const peakGflops = device.peakGflops[precision] ?? device.peakGflops.fp32;
  const efficiency = device.efficiency[work.opClass] ?? device.defaultEfficiency;
  const overheadMs = device.overheadMs[work.opClass] ?? device.defaultOverheadMs;
  const computeS = work.flops / (peakGflops * 1e9 * efficiency);
  const memoryS = work.bytesMoved / (device.memoryBandwidthGBps * 1e9);
  return Math.max(computeS, memoryS) * 1000 + overheadMs;
}
