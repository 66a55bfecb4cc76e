/**
 * Opens the sub-graphs of control-flow layers (If, Loop, Scan) into view-only layers, so the
 * studio can show what a node runs. The control-flow layer stays the unit of placement and
 * already carries its bodies' cost (costs/control-flow.ts); these layers are for reading.
 */
import type { GraphNode } from '../graph/types.js';
import type { Layer } from '../layers/types.js';
import type { ShapeInference } from '../shape/infer.js';
import { nodeCostInScope } from '../costs/index.js';
import type { CostScope, ValueMap } from '../costs/scope.js';
import { scopesFromName, type ScopeStep } from '../hierarchy/index.js';
import { buildLayerView } from '../layers/index.js';
import { edgeView } from './edges.js';
import type { EdgeView } from './types.js';

/** A layer of the view with what it takes to describe it, in the graph that holds its node. */
export interface LayerSource {
  /** The view id: the node name, prefixed `<parent id>/<attribute>/` inside a sub-graph. */
  readonly id: string;
  readonly layer: Layer;
  readonly node: GraphNode;
  /** The layer's graph and the graphs enclosing it, for tensor look-ups. */
  readonly scope: CostScope;
  readonly values: ValueMap;
  /** Scope path for the block hierarchy, outermost first. */
  readonly scopes: readonly ScopeStep[];
  /** The control-flow layer whose sub-graph holds this one; absent in the main graph. */
  readonly within?: string;
}

export interface OpenedSubgraphs {
  /** The parent's scope path, extended by a step for the node itself when it has sub-graph layers. */
  readonly parentScopes: readonly ScopeStep[];
  /** Every layer of every sub-graph, nested ones too, depth first in attribute order. */
  readonly layers: readonly LayerSource[];
  /** Edges between layers of the same sub-graph. */
  readonly edges: readonly EdgeView[];
}

/**
 * The view-only layers of `parent`'s sub-graphs, built with the same functions as the main
 * graph's: costs by `nodeCostInScope` (one run of the body: no trip count), plumbing folded by
 * `buildLayerView`, shapes from the body's own inference results over its enclosing graphs'.
 *
 * Each layer's scope path is the parent's, then a step for the control-flow node (its block
 * holds the node's layer and its sub-graph blocks), then a `subgraph` step named after the
 * attribute (`then_branch`, `else_branch`, `body`), then the layer's own name scopes. Edges from
 * the body's inputs or from enclosing graphs are left out: they enter through the parent layer.
 */
export function openSubgraphs(
  parent: LayerSource,
  valuesByGraph: ShapeInference['valuesByGraph'],
): OpenedSubgraphs {
  const layers: LayerSource[] = [];
  const edges: EdgeView[] = [];
  if (parent.node.subgraphs.size === 0) return { parentScopes: parent.scopes, layers, edges };
  // Keys start with a NUL so they can never equal a scope read from a node name.
  const nodeStep: ScopeStep = { key: `\u0000${parent.id}`, name: lastComponent(parent.id) };
  for (const [attribute, body] of parent.node.subgraphs) {
    const scope: CostScope = { graph: body, parent: parent.scope };
    const values = bodyValues(parent.values, valuesByGraph.get(body));
    const costs = body.nodes.map((node) => nodeCostInScope(scope, node, values));
    const view = buildLayerView(body, values, costs);
    const prefix = `${parent.id}/${attribute}/`;
    const steps: ScopeStep[] = [
      ...parent.scopes,
      nodeStep,
      { key: `\u0000${prefix}`, name: attribute, kind: 'subgraph' },
    ];
    for (const layer of view.layers) {
      const source: LayerSource = {
        id: `${prefix}${layer.name}`,
        layer,
        node: body.nodes[layer.node]!,
        scope,
        values,
        scopes: [...steps, ...scopesFromName(layer.name)],
        within: parent.id,
      };
      const inner = openSubgraphs(source, valuesByGraph);
      layers.push({ ...source, scopes: inner.parentScopes }, ...inner.layers);
      edges.push(...inner.edges);
    }
    for (const edge of view.edges) if (edge.from !== null) edges.push(edgeView(body, edge, prefix));
  }
  return { parentScopes: layers.length > 0 ? [...parent.scopes, nodeStep] : parent.scopes, layers, edges };
}

/** The body's inferred values over its enclosing graphs' (a body may reuse an outer name). */
function bodyValues(outer: ValueMap, own: ValueMap | undefined): ValueMap {
  if (!own || own.size === 0) return outer;
  const merged = new Map(outer);
  for (const [name, info] of own) merged.set(name, info);
  return merged;
}

function lastComponent(id: string): string {
  return (
    id
      .split('/')
      .filter((part) => part.length > 0)
      .pop() ?? id
  );
}
