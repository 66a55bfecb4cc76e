/** Builds the layer view from the graph, shapes and node costs. */
import type { Graph, NodeIndex, Shape } from '../graph/types.js';
import type { CostExactness, NodeCost, ParamTensor } from '../costs/types.js';
import { countElements, tensorFacts, type ValueMap } from '../costs/scope.js';
import { countedElements } from '../costs/params.js';
import { findDataDependence } from '../costs/data-dependent.js';
import { dtypeBits, dtypeBytes } from '../onnx/dtype.js';
import { findPlumbing, METADATA_OPS } from './plumbing.js';
import type { Layer, LayerEdge, LayerView } from './types.js';

const SHAPE_ELEMENT_BYTES = 8; // a shape is an int64 vector

/**
 * The layer view of `graph`: every non-plumbing node is a layer (see plumbing.ts), and so is a
 * plumbing node that makes a graph output. Each other plumbing node is folded into the first
 * layer (in topological order) its results reach; its compute and weights add to that layer's.
 * Edges are the non-static tensors between layers; static tensors are not edges because a
 * sub-model can recompute them from the file wherever it runs.
 *
 * @param costs node costs indexed by NodeIndex (from `nodeCost`).
 */
export function buildLayerView(graph: Graph, values: ValueMap, costs: readonly NodeCost[]): LayerView {
  const { staticTensors, plumbing } = findPlumbing(graph);
  const dataDependence = findDataDependence(graph, values);
  const scope = { graph };
  const position = new Map<NodeIndex, number>(graph.order.map((n, i) => [n, i]));
  const byPosition = (a: NodeIndex, b: NodeIndex): number => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  const outputsOf = (index: NodeIndex): readonly string[] => graph.nodes[index]?.outputs ?? [];
  const consumersOf = (index: NodeIndex): NodeIndex[] =>
    outputsOf(index).flatMap((o) => (o ? (graph.tensors.get(o)?.consumers ?? []) : []));

  const makesGraphOutput = (index: NodeIndex): boolean =>
    outputsOf(index).some((o) => o && graph.tensors.get(o)?.isGraphOutput);
  const isLayer = (index: NodeIndex): boolean => !plumbing.has(index) || makesGraphOutput(index);

  // The layers each folded plumbing node's results reach, consumers before producers.
  const reaches = new Map<NodeIndex, Set<NodeIndex>>();
  for (const index of [...graph.order].reverse()) {
    if (isLayer(index)) continue;
    const set = new Set<NodeIndex>();
    for (const c of consumersOf(index)) {
      if (isLayer(c)) set.add(c);
      else for (const l of reaches.get(c) ?? []) set.add(l);
    }
    reaches.set(index, set);
  }
  const owner = new Map<NodeIndex, NodeIndex>();
  const hidden = new Map<NodeIndex, NodeIndex[]>();
  const detached: NodeIndex[] = [];
  for (const index of graph.order) {
    if (isLayer(index)) {
      owner.set(index, index);
      continue;
    }
    const first = [...(reaches.get(index) ?? [])].sort(byPosition)[0];
    if (first === undefined) {
      detached.push(index);
      continue;
    }
    owner.set(index, first);
    const list = hidden.get(first);
    if (list) list.push(index);
    else hidden.set(first, [index]);
  }

  const edges = layerEdges(graph, values, isLayer, reaches, byPosition);
  const incoming = new Map<NodeIndex, LayerEdge[]>();
  for (const e of edges) {
    for (const to of e.to) {
      const list = incoming.get(to);
      if (list) list.push(e);
      else incoming.set(to, [e]);
    }
  }

  const layers: Layer[] = graph.order.filter(isLayer).flatMap((index) => {
    const node = graph.nodes[index];
    if (!node) return [];
    const members = [index, ...(hidden.get(index) ?? [])];
    const memberCosts = members.map((m) => costs[m]).filter((c): c is NodeCost => c !== undefined);
    const weights = new Map<string, ParamTensor>();
    for (const c of memberCosts) for (const p of c.paramTensors) weights.set(p.name, p);
    const paramTensors = [...weights.values()];
    const inEdges = incoming.get(index) ?? [];
    const own = costs[index];
    const exact: CostExactness = {
      compute: memberCosts.length === members.length && memberCosts.every((c) => c.exact.compute),
      params: memberCosts.every((c) => c.exact.params),
      activations: (own?.exact.activations ?? false) && inEdges.every((e) => e.exact),
    };
    const outputs = node.outputs.filter(Boolean);
    const shapes: (Shape | null)[] = outputs.map((o) => tensorFacts(scope, values, o).shape);
    const layer: Layer = {
      name: node.name,
      op: node.opType,
      node: index,
      outputShapes: shapes,
      dtype: outputs[0] ? tensorFacts(scope, values, outputs[0]).dtype : 0,
      macs: memberCosts.reduce((n, c) => n + c.macs, 0),
      flops: memberCosts.reduce((n, c) => n + c.flops, 0),
      params: paramTensors.reduce((n, p) => n + countedElements(p), 0),
      paramBytes: paramTensors.reduce((n, p) => n + p.bytes, 0),
      paramTensors,
      inputBytes: inEdges.reduce((n, e) => n + e.bytes, 0),
      outputBytes: own?.outputBytes ?? 0,
      exact,
      hidden: members.slice(1),
    };
    const dataDependent = members.map((m) => dataDependence.get(m)).find(Boolean);
    if (dataDependent) return [{ ...layer, dataDependent }];
    return [layer];
  });

  return { layers, edges, owner, staticTensors, plumbing, detached };
}

/**
 * One edge per tensor a layer (or the graph input) hands to other layers: a 'data' edge to the
 * layers that read it, and a 'shape' edge to layers that reach it only through a folded Shape
 * or Size node and do not read the data itself.
 */
function layerEdges(
  graph: Graph,
  values: ValueMap,
  isLayer: (index: NodeIndex) => boolean,
  reaches: ReadonlyMap<NodeIndex, ReadonlySet<NodeIndex>>,
  byPosition: (a: NodeIndex, b: NodeIndex) => number,
): LayerEdge[] {
  const scope = { graph };
  const sources: { tensor: string; from: NodeIndex | null }[] = [];
  for (const t of graph.tensors.values()) {
    if (t.kind === 'input' || t.kind === 'outer-scope') sources.push({ tensor: t.name, from: null });
  }
  for (const index of graph.order) {
    if (!isLayer(index)) continue;
    for (const o of graph.nodes[index]?.outputs ?? []) if (o) sources.push({ tensor: o, from: index });
  }
  const edges: LayerEdge[] = [];
  for (const { tensor, from } of sources) {
    const record = graph.tensors.get(tensor);
    if (!record) continue;
    const dataTo = new Set<NodeIndex>();
    const shapeTo = new Set<NodeIndex>();
    for (const c of record.consumers) {
      if (isLayer(c)) dataTo.add(c);
      else {
        const target = METADATA_OPS.has(graph.nodes[c]?.opType ?? '') ? shapeTo : dataTo;
        for (const l of reaches.get(c) ?? []) target.add(l);
      }
    }
    if (from !== null) {
      dataTo.delete(from);
      shapeTo.delete(from);
    }
    for (const l of dataTo) shapeTo.delete(l);
    const facts = tensorFacts(scope, values, tensor);
    if (dataTo.size > 0 || record.isGraphOutput) {
      const { count, exact } = countElements(facts.shape);
      edges.push({
        tensor,
        kind: 'data',
        from,
        to: [...dataTo].sort(byPosition),
        isGraphOutput: record.isGraphOutput,
        bytes: dtypeBytes(facts.dtype, count),
        exact: exact && dtypeBits(facts.dtype) > 0,
      });
    }
    if (shapeTo.size > 0) {
      edges.push({
        tensor,
        kind: 'shape',
        from,
        to: [...shapeTo].sort(byPosition),
        isGraphOutput: false,
        bytes: SHAPE_ELEMENT_BYTES * (facts.shape?.length ?? 0),
        exact: facts.shape !== null,
      });
    }
  }
  return edges;
}
