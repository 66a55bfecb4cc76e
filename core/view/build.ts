/** Builds the studio's serializable ModelView from an Analysis. */
import type { Analysis } from '../analyze.js';
import type { Graph } from '../graph/types.js';
import type { Layer, LayerEdge } from '../layers/types.js';
import { countElements, tensorFacts, type ValueMap } from '../costs/scope.js';
import { attributeDisplay } from '../onnx/attributes.js';
import { dtypeBytes, dtypeName } from '../onnx/dtype.js';
import { buildHierarchy, layerScopes, type HierarchyOptions } from '../hierarchy/index.js';
import type { EdgeView, LayerCostView, LayerView, ModelView, TensorSummaryView } from './types.js';

/**
 * Suffix of a shape edge's id. A tensor can leave a layer both as data (to the layers that
 * read it) and as its shape only (to layers that reach it through a folded Shape node): the
 * data edge takes the tensor name as its id, the shape edge `<tensor>#shape`.
 */
export const SHAPE_EDGE_SUFFIX = '#shape';

/**
 * The ModelView of an analysed model: layers in topological order with their tensors,
 * attributes, costs and innermost block; the edges between layers; the block hierarchy
 * (core/hierarchy); and the model summary. Plain JSON throughout (no Maps, no typed arrays).
 * Tensor bytes are `elements × dtype size`, symbolic dimensions counted as 1.
 */
export function buildModelView(analysis: Analysis, options: HierarchyOptions = {}): ModelView {
  const { graph, model, layers: layerView, totals } = analysis;
  const values = analysis.inference.values;
  // A tensor is summarised once, however many layers read it (the view shares the object).
  const summaries = new Map<string, TensorSummaryView>();
  const tensor = (name: string): TensorSummaryView => {
    let summary = summaries.get(name);
    if (!summary) {
      summary = tensorSummary(graph, values, name);
      summaries.set(name, summary);
    }
    return summary;
  };
  const protoNodes = model.proto.graph?.node ?? [];
  const costs = layerView.layers.map(layerCost);
  const hierarchy = buildHierarchy(
    layerView.layers.map((layer, i) => ({
      id: layer.name,
      scopes: layerScopes(layer.name, protoNodes[layer.node]?.metadataProps ?? []),
      cost: costs[i]!,
    })),
    options,
  );
  const layers = layerView.layers.map((layer, order): LayerView => {
    const node = graph.nodes[layer.node]!;
    const attributes: { name: string; value: string }[] = [];
    node.attributes.forEach((attr, name) => attributes.push({ name, value: attributeDisplay(attr) }));
    return {
      id: layer.name,
      op: layer.op,
      domain: node.domain,
      inputs: node.inputs.filter(Boolean).map(tensor),
      outputs: node.outputs.filter(Boolean).map(tensor),
      attributes,
      cost: costs[order]!,
      exact: { ...layer.exact },
      hiddenNodes: layer.hidden.length,
      block: hierarchy.layerBlock[order] ?? null,
      order,
    };
  });
  const inputs = graph.inputs.map(tensor);
  const outputs = graph.outputs.map(tensor);
  return {
    summary: {
      name: fileName(model.path) ?? graph.name,
      fileBytes: model.fileBytes,
      irVersion: model.irVersion,
      opset: model.opset,
      producer: model.producer,
      graphName: graph.name,
      inputs,
      outputs,
      nodeCount: graph.nodes.length,
      layerCount: layers.length,
      totals: {
        macs: totals.macs,
        flops: totals.flops,
        params: totals.params,
        paramBytes: totals.paramBytes,
        inputBytes: inputs.reduce((n, t) => n + t.bytes, 0),
        outputBytes: outputs.reduce((n, t) => n + t.bytes, 0),
        exact: totals.exact,
      },
      unknownOperators: [...analysis.summary.unknownOperators],
      shapeErrors: analysis.summary.shapeErrors.map((e) => ({ node: e.node, message: e.message })),
    },
    layers,
    edges: layerView.edges.map((edge) => edgeView(graph, edge)),
    blocks: [...hierarchy.blocks],
    roots: hierarchy.roots,
  };
}

function layerCost(layer: Layer): LayerCostView {
  return {
    macs: layer.macs,
    flops: layer.flops,
    params: layer.params,
    paramBytes: layer.paramBytes,
    inputBytes: layer.inputBytes,
    outputBytes: layer.outputBytes,
  };
}

function tensorSummary(graph: Graph, values: ValueMap, name: string): TensorSummaryView {
  const facts = tensorFacts({ graph }, values, name);
  return {
    name,
    dtype: dtypeName(facts.dtype),
    shape: facts.shape,
    bytes: dtypeBytes(facts.dtype, countElements(facts.shape).count),
  };
}

function edgeView(graph: Graph, edge: LayerEdge): EdgeView {
  const nodeName = (index: number): string => graph.nodes[index]!.name;
  return {
    id: edge.kind === 'shape' ? `${edge.tensor}${SHAPE_EDGE_SUFFIX}` : edge.tensor,
    tensor: edge.tensor,
    kind: edge.kind,
    from: edge.from === null ? null : nodeName(edge.from),
    to: edge.to.map(nodeName),
    bytes: edge.bytes,
    exact: edge.exact,
    isGraphOutput: edge.isGraphOutput,
  };
}

/** The last component of a path, whichever separator it uses (no node:path: core stays portable). */
function fileName(filePath: string | undefined): string | undefined {
  if (!filePath) return undefined;
  return filePath.slice(Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\')) + 1);
}
