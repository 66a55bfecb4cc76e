/** The static cost of one node: compute from its operator's rule, weights, activation bytes. */
import type { Graph, GraphNode } from '../graph/types.js';
import { dtypeBits, dtypeBytes } from '../onnx/dtype.js';
import { CostContext } from './context.js';
import { controlFlowCost } from './control-flow.js';
import { countedElements, isParameterInput } from './params.js';
import { computeRuleFor } from './rules.js';
import {
  countElements,
  isFixedByFile,
  tensorFacts,
  type CostScope,
  type TensorFacts,
  type ValueMap,
} from './scope.js';
import type { ComputeCost, NodeCost, ParamTensor } from './types.js';

function tensorBytes(facts: TensorFacts): { bytes: number; exact: boolean } {
  const { count, exact } = countElements(facts.shape);
  return {
    bytes: dtypeBytes(facts.dtype, count),
    exact: exact && dtypeBits(facts.dtype) > 0 && facts.inexact !== true,
  };
}

/**
 * Cost of `node` of `graph`, reading shapes from `values` (shape inference over the whole model,
 * sub-graphs included).
 *
 * - macs / flops: the operator's formula (see core/costs/ops/*; control flow in
 *   control-flow.ts); operators without a formula cost 0 and are marked inexact.
 * - params / paramBytes: elements and bytes of the inputs that are weights (see params.ts),
 *   each tensor once per node, single-element weights in the bytes only; control-flow nodes add their bodies' weights.
 * - inputBytes: bytes of the distinct other inputs, plus values a sub-graph reads from outside
 *   that are not weights; outputBytes: bytes of every output (elements × dtype size).
 */
export function nodeCost(graph: Graph, node: GraphNode, values: ValueMap): NodeCost {
  return nodeCostInScope({ graph }, node, values);
}

/** `nodeCost` for a node of a sub-graph nested in `scope`. */
export function nodeCostInScope(scope: CostScope, node: GraphNode, values: ValueMap): NodeCost {
  const params = new Map<string, ParamTensor>();
  const seenInputs = new Set<string>();
  let exactParams = true;
  let exactActivations = true;
  let inputBytes = 0;
  node.inputs.forEach((name, slot) => {
    if (!name || seenInputs.has(name)) return;
    seenInputs.add(name);
    const facts = tensorFacts(scope, values, name);
    const size = tensorBytes(facts);
    if (isParameterInput(scope, node, slot, facts)) {
      params.set(name, { name, elements: countElements(facts.shape).count, bytes: size.bytes });
      exactParams &&= size.exact;
    } else {
      inputBytes += size.bytes;
      exactActivations &&= size.exact;
    }
  });
  for (const name of node.implicitInputs) {
    // Weights a body reads from outside are counted by the body's own nodes.
    if (seenInputs.has(name) || isFixedByFile(scope, name)) continue;
    seenInputs.add(name);
    const size = tensorBytes(tensorFacts(scope, values, name));
    inputBytes += size.bytes;
    exactActivations &&= size.exact;
  }
  let outputBytes = 0;
  for (const name of node.outputs) {
    if (!name) continue;
    const size = tensorBytes(tensorFacts(scope, values, name));
    outputBytes += size.bytes;
    exactActivations &&= size.exact;
  }

  let compute: ComputeCost;
  let exactCompute: boolean;
  if (node.subgraphs.size > 0) {
    const body = controlFlowCost(scope, node, values, nodeCostInScope);
    compute = body;
    exactCompute = body.exactCompute;
    exactParams &&= body.exactParams;
    for (const p of body.paramTensors) params.set(p.name, p);
  } else {
    const rule = computeRuleFor(node.domain, node.opType);
    const ctx = new CostContext(scope, node, values);
    compute = rule ? rule(ctx) : { macs: 0, flops: 0 };
    exactCompute = rule !== undefined && ctx.exact;
  }

  const paramTensors = [...params.values()];
  return {
    macs: compute.macs,
    flops: compute.flops,
    params: paramTensors.reduce((n, p) => n + countedElements(p), 0),
    paramBytes: paramTensors.reduce((n, p) => n + p.bytes, 0),
    inputBytes,
    outputBytes,
    paramTensors,
    exact: { compute: exactCompute, params: exactParams, activations: exactActivations },
  };
}

/** Costs of every node of `graph`, indexed by NodeIndex. */
export function graphCosts(graph: Graph, values: ValueMap): NodeCost[] {
  return graph.nodes.map((node) => nodeCost(graph, node, values));
}
