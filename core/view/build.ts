/** Builds the studio's serializable ModelView from an Analysis. */
import type { Analysis } from '../analyze.js';
import type { Layer } from '../layers/types.js';
import { ifBranchTaken } from '../costs/control-flow.js';
import { countElements, tensorFacts, type CostScope, type ValueMap } from '../costs/scope.js';
import { attributeDisplay } from '../onnx/attributes.js';
import { dtypeBytes, dtypeName } from '../onnx/dtype.js';
import { buildHierarchy, layerScopes, type HierarchyOptions } from '../hierarchy/index.js';
import { edgeView } from './edges.js';
import { openSubgraphs, type LayerSource } from './subgraphs.js';
import type { EdgeView, LayerCostView, LayerView, ModelView, TensorSummaryView } from './types.js';

export { SHAPE_EDGE_SUFFIX } from './edges.js';

/**
 * The ModelView of an analysed model: layers in topological order with their tensors,
 * attributes, costs and innermost block; the edges between layers; the block hierarchy
 * (core/hierarchy); and the model summary. Plain JSON throughout (no Maps, no typed arrays).
 * Tensor bytes are `elements × dtype size`, symbolic dimensions counted as 1.
 *
 * A control-flow layer (If, Loop, Scan) is followed by the view-only layers of its sub-graphs
 * (`within` set, see subgraphs.ts), grouped in a block for the node with one `subgraph` block per
 * attribute. Summary totals and `layerCount` are the main graph's: the control-flow layer's cost
 * already includes its bodies'.
 */
export function buildModelView(analysis: Analysis, options: HierarchyOptions = {}): ModelView {
  const { graph, model, layers: layerView, totals } = analysis;
  const values = analysis.inference.values;
  // A tensor is summarised once per graph, however many layers read it (the view shares the
  // object); names are only unique within one graph.
  const summaries = new Map<CostScope['graph'], Map<string, TensorSummaryView>>();
  const tensorOf =
    (scope: CostScope, scopeValues: ValueMap) =>
    (name: string): TensorSummaryView => {
      let byName = summaries.get(scope.graph);
      if (!byName) summaries.set(scope.graph, (byName = new Map()));
      let summary = byName.get(name);
      if (!summary) {
        summary = tensorSummary(scope, scopeValues, name);
        byName.set(name, summary);
      }
      return summary;
    };
  const protoNodes = model.proto.graph?.node ?? [];
  const mainScope: CostScope = { graph };
  const sources: LayerSource[] = [];
  const edges: EdgeView[] = layerView.edges.map((edge) => edgeView(graph, edge));
  for (const layer of layerView.layers) {
    const source: LayerSource = {
      id: layer.name,
      layer,
      node: graph.nodes[layer.node]!,
      scope: mainScope,
      values,
      scopes: layerScopes(layer.name, protoNodes[layer.node]?.metadataProps ?? []),
    };
    const opened = openSubgraphs(source, analysis.inference.valuesByGraph);
    sources.push({ ...source, scopes: opened.parentScopes }, ...opened.layers);
    edges.push(...opened.edges);
  }
  const costs = sources.map((source) => layerCost(source.layer));
  const hierarchy = buildHierarchy(
    sources.map((source, i) => ({
      id: source.id,
      scopes: source.scopes,
      cost: costs[i]!,
      op: source.layer.op,
      shape: source.layer.outputShapes[0] ?? null,
      ...(source.within === undefined ? {} : { within: source.within }),
    })),
    options,
  );
  const layers = sources.map((source, order): LayerView => {
    const { layer, node } = source;
    const tensor = tensorOf(source.scope, source.values);
    const attributes: { name: string; value: string }[] = [];
    node.attributes.forEach((attr, name) => attributes.push({ name, value: attributeDisplay(attr) }));
    return {
      id: source.id,
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
      ...(source.within === undefined ? {} : { within: source.within }),
      ...branchTakenOf(source),
    };
  });
  const mainTensor = tensorOf(mainScope, values);
  const inputs = graph.inputs.map(mainTensor);
  const outputs = graph.outputs.map(mainTensor);
  return {
    summary: {
      name: fileName(model.path) ?? graph.name,
      fileBytes: model.fileBytes,
      irVersion: model.irVersion,
      opset: model.opset,
      producer: model.producer,
      graphName: graph.name,
      inputs,
      declaredInputShapes: Object.fromEntries(
        graph.inputs.map((name) => [name, graph.tensors.get(name)?.shape ?? null]),
      ),
      outputs,
      nodeCount: graph.nodes.length,
      layerCount: layerView.layers.length,
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
      undecidedBranches: [...analysis.assumptions.undecidedBranches],
    },
    layers,
    edges,
    blocks: [...hierarchy.blocks],
    roots: hierarchy.roots,
  };
}

/** An If's branch when its condition is known, so the studio can show the other as not run. */
function branchTakenOf(source: LayerSource): Pick<LayerView, 'branchTaken'> {
  if (source.node.opType !== 'If') return {};
  const taken = ifBranchTaken(source.scope, source.node, source.values);
  return taken === undefined ? {} : { branchTaken: taken };
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

function tensorSummary(scope: CostScope, values: ValueMap, name: string): TensorSummaryView {
  const facts = tensorFacts(scope, values, name);
  return {
    name,
    dtype: dtypeName(facts.dtype),
    shape: facts.shape,
    bytes: dtypeBytes(facts.dtype, countElements(facts.shape).count),
  };
}

/** The last component of a path, whichever separator it uses (no node:path: core stays portable). */
function fileName(filePath: string | undefined): string | undefined {
  if (!filePath) return undefined;
  return filePath.slice(Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\')) + 1);
}
