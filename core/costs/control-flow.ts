/**
 * Cost of control-flow operators from their sub-graphs: If runs one branch (the one its known
 * condition selects, else the larger), Loop runs its body once per iteration, Scan once per
 * slice of its scan inputs.
 */
import type { Graph, GraphNode } from '../graph/types.js';
import { attributeInt, attributeInts } from '../onnx/attributes.js';
import { knownValues, producerNode, tensorFacts, type CostScope, type ValueMap } from './scope.js';
import type { NodeCost, ParamTensor } from './types.js';

export type NodeCostFn = (scope: CostScope, node: GraphNode, values: ValueMap) => NodeCost;

export interface SubgraphCost {
  readonly macs: number;
  readonly flops: number;
  readonly exactCompute: boolean;
  readonly exactParams: boolean;
  readonly paramTensors: readonly ParamTensor[];
}

/** Sum of the costs of every node of a body, run once. */
function bodyCost(scope: CostScope, body: Graph, values: ValueMap, costOf: NodeCostFn): SubgraphCost {
  const inner: CostScope = { graph: body, parent: scope };
  let macs = 0;
  let flops = 0;
  let exactCompute = true;
  let exactParams = true;
  const params = new Map<string, ParamTensor>();
  for (const node of body.nodes) {
    const cost = costOf(inner, node, values);
    macs += cost.macs;
    flops += cost.flops;
    exactCompute &&= cost.exact.compute;
    exactParams &&= cost.exact.params;
    for (const p of cost.paramTensors) params.set(p.name, p);
  }
  return { macs, flops, exactCompute, exactParams, paramTensors: [...params.values()] };
}

/** How many times a Loop runs its body, and whether that count is certain. */
function loopTrips(
  scope: CostScope,
  node: GraphNode,
  body: Graph,
  values: ValueMap,
): { trips: number; exact: boolean } {
  const maxTrips = node.inputs[0] ? knownValues(scope, values, node.inputs[0])?.[0] : undefined;
  if (maxTrips === undefined) return { trips: 1, exact: false };
  if (node.inputs[0] && values.get(node.inputs[0])?.inexact)
    return { trips: Math.max(0, maxTrips), exact: false };
  const condIn = node.inputs[1] ? knownValues(scope, values, node.inputs[1])?.[0] : 1;
  // The body may stop early unless its condition output just passes the (true) condition on.
  const bodyCondIn = body.inputs[1];
  const bodyCondOut = body.outputs[0];
  const inner: CostScope = { graph: body, parent: scope };
  const passThrough =
    bodyCondOut !== undefined &&
    (bodyCondOut === bodyCondIn ||
      (producerNode(inner, bodyCondOut)?.opType === 'Identity' &&
        producerNode(inner, bodyCondOut)?.inputs[0] === bodyCondIn) ||
      knownValues(inner, values, bodyCondOut)?.[0] === 1);
  return { trips: Math.max(0, maxTrips), exact: condIn !== undefined && condIn !== 0 && passThrough };
}

/** Iterations of a Scan: the length of the first scan input along its scan axis. */
function scanIterations(
  scope: CostScope,
  node: GraphNode,
  body: Graph,
  values: ValueMap,
): { trips: number; exact: boolean } {
  const scanInputs = attributeInt(node.attributes.get('num_scan_inputs')) ?? 0;
  const first = node.inputs[node.inputs.length - scanInputs];
  const shape = first ? tensorFacts(scope, values, first).shape : null;
  // Opset 8 has a leading sequence_lens input and a batch axis before the sequence axis.
  const opset8 = node.inputs.length === body.inputs.length + 1;
  const axis = Number(attributeInts(node.attributes.get('scan_input_axes'))?.[0] ?? 0);
  const dims = opset8 ? [shape?.[0], shape?.[1]] : [shape?.[axis < 0 ? (shape?.length ?? 0) + axis : axis]];
  let trips = 1;
  let exact = true;
  for (const d of dims) {
    if (typeof d === 'number') trips *= d;
    else exact = false;
  }
  return { trips, exact };
}

function scaled(cost: SubgraphCost, trips: number, exact: boolean): SubgraphCost {
  return {
    ...cost,
    macs: cost.macs * trips,
    flops: cost.flops * trips,
    exactCompute: cost.exactCompute && exact,
  };
}

/**
 * The branch an If runs when its condition is known exactly (a constant, or folded from an input
 * value the user gave: Equal(sr, 16000)); undefined when it depends on data or an assumption.
 */
export function ifBranchTaken(
  scope: CostScope,
  node: GraphNode,
  values: ValueMap,
): 'then_branch' | 'else_branch' | undefined {
  const cond = node.inputs[0];
  if (!cond || values.get(cond)?.inexact) return undefined;
  const data = knownValues(scope, values, cond);
  if (data?.length !== 1) return undefined;
  return data[0] !== 0 ? 'then_branch' : 'else_branch';
}

/**
 * If: the branch that runs when the condition is known (exact as that branch's nodes are);
 * otherwise the larger branch by FLOPs (an estimate: the branch taken depends on data).
 * Loop: body × M when the trip count M is a known value (exact only when the body cannot exit
 * early); body once, estimated, otherwise.
 * Scan: body × the scan axis length of the first scan input.
 * Other operators with sub-graphs: each sub-graph once, estimated.
 * Parameters are the union of the sub-graphs' parameters, counted once regardless of trips.
 */
export function controlFlowCost(
  scope: CostScope,
  node: GraphNode,
  values: ValueMap,
  costOf: NodeCostFn,
): SubgraphCost {
  const bodies = [...node.subgraphs.values()].map((g) => ({
    graph: g,
    cost: bodyCost(scope, g, values, costOf),
  }));
  const params = new Map<string, ParamTensor>();
  for (const b of bodies) for (const p of b.cost.paramTensors) params.set(p.name, p);
  const exactParams = bodies.every((b) => b.cost.exactParams);
  const merged = (c: Omit<SubgraphCost, 'paramTensors' | 'exactParams'>): SubgraphCost => ({
    ...c,
    exactParams,
    paramTensors: [...params.values()],
  });
  const body = node.subgraphs.get('body');
  const bodyEntry = bodies.find((b) => b.graph === body);
  if (node.opType === 'Loop' && body && bodyEntry) {
    const { trips, exact } = loopTrips(scope, node, body, values);
    return merged(scaled(bodyEntry.cost, trips, exact));
  }
  if (node.opType === 'Scan' && body && bodyEntry) {
    const { trips, exact } = scanIterations(scope, node, body, values);
    return merged(scaled(bodyEntry.cost, trips, exact));
  }
  if (node.opType === 'If') {
    const taken = ifBranchTaken(scope, node, values);
    const branch = taken && bodies.find((b) => b.graph === node.subgraphs.get(taken));
    if (branch) return merged(branch.cost);
    const largest = bodies.reduce<SubgraphCost | undefined>(
      (best, b) => (!best || b.cost.flops > best.flops ? b.cost : best),
      undefined,
    );
    return merged({ macs: largest?.macs ?? 0, flops: largest?.flops ?? 0, exactCompute: false });
  }
  const macs = bodies.reduce((n, b) => n + b.cost.macs, 0);
  const flops = bodies.reduce((n, b) => n + b.cost.flops, 0);
  return merged({ macs, flops, exactCompute: false });
}
