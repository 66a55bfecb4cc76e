/**
 * Roofline prediction of compute time: an operator is limited either by arithmetic or by the
 * memory traffic it needs, whichever takes longer, plus a fixed launch cost.
 */
import type { Analysis } from '../analyze.js';
import type { NodeIndex } from '../graph/types.js';
import type { Layer } from '../layers/types.js';
import type { ComputeWork } from './compute-time.js';
import { opClassOf } from './op-class.js';

export { predictComputeMs, type ComputeWork } from './compute-time.js';

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
