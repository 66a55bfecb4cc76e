/** Model-level sums of node costs. */
import type { Graph } from '../graph/types.js';
import { countedElements } from './params.js';
import type { CostTotals, NodeCost, ParamTensor } from './types.js';

/**
 * Totals over the nodes of `graph` (`costs` indexed by NodeIndex): MACs, FLOPs and activation
 * bytes add up; parameters are de-duplicated by tensor name, so a weight two nodes share (tied
 * embeddings, a body reading an outer weight) counts once.
 */
export function modelCostTotals(graph: Graph, costs: readonly NodeCost[]): CostTotals {
  let macs = 0;
  let flops = 0;
  let activationBytes = 0;
  let compute = true;
  let params = true;
  let activations = true;
  const weights = new Map<string, ParamTensor>();
  for (const node of graph.nodes) {
    const cost = costs[node.index];
    if (!cost) continue;
    macs += cost.macs;
    flops += cost.flops;
    activationBytes += cost.outputBytes;
    compute &&= cost.exact.compute;
    params &&= cost.exact.params;
    activations &&= cost.exact.activations;
    for (const p of cost.paramTensors) weights.set(p.name, p);
  }
  let paramCount = 0;
  let paramBytes = 0;
  for (const p of weights.values()) {
    paramCount += countedElements(p);
    paramBytes += p.bytes;
  }
  return {
    macs,
    flops,
    params: paramCount,
    paramBytes,
    activationBytes,
    exact: compute && params,
    exactness: { compute, params, activations },
  };
}
