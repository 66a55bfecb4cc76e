/**
 * Roofline prediction of compute time: an operator is limited either by arithmetic or by the
 * memory traffic it needs, whichever takes longer, plus a fixed launch cost.
 */
import type { Analysis } from '../analyze.js';
import type { NodeIndex } from '../graph/types.js';
import type { Layer } from '../layers/types.js';
import type { DeviceProfile, OpClass, Precision } from '../profiles/types.js';
import { opClassOf } from './op-class.js';

/** What a node or layer asks of a device. */
export interface ComputeWork {
  readonly opClass: OpClass;
  readonly flops: number;
  /** Input activation bytes + output bytes + parameter bytes. */
  readonly bytesMoved: number;
}

/** The work of one node of the main graph, from its static cost. */
export function nodeWork(analysis: Analysis, node: NodeIndex): ComputeWork {
  const graphNode = analysis.graph.nodes[node];
  const cost = analysis.costs[node];
  if (!graphNode || !cost) throw new RangeError(`No node ${node} in the analysed graph.`);
  return {
    opClass: opClassOf(analysis.graph, graphNode),
    flops: cost.flops,
    bytesMoved: cost.inputBytes + cost.outputBytes + cost.paramBytes,
  };
}

/**
 * The work of one layer (its node plus folded plumbing). The class is that of the layer's node:
 * the plumbing it hides is reshapes and casts whose cost the node's class already dominates.
 */
export function layerWork(analysis: Analysis, layer: Layer): ComputeWork {
  const graphNode = analysis.graph.nodes[layer.node];
  if (!graphNode) throw new RangeError(`No node ${layer.node} in the analysed graph.`);
  return {
    opClass: opClassOf(analysis.graph, graphNode),
    flops: layer.flops,
    bytesMoved: layer.inputBytes + layer.outputBytes + layer.paramBytes,
  };
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
