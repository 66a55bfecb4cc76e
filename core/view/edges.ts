/** EdgeViews from the layer view's edges, for the main graph and for sub-graphs. */
import type { Graph } from '../graph/types.js';
import type { LayerEdge } from '../layers/types.js';
import type { EdgeView } from './types.js';

/**
 * Suffix of a shape edge's id. A tensor can leave a layer both as data (to the layers that
 * read it) and as its shape only (to layers that reach it through a folded Shape node): the
 * data edge takes the tensor name as its id, the shape edge `<tensor>#shape`.
 */
export const SHAPE_EDGE_SUFFIX = '#shape';

/**
 * The EdgeView of a layer edge of `graph`. `idPrefix` is prepended to the edge id and to the
 * layer ids at both ends: '' for the main graph, `<parent layer id>/<attribute>/` for a
 * sub-graph, whose tensor and node names may repeat those of other graphs.
 */
export function edgeView(graph: Graph, edge: LayerEdge, idPrefix = ''): EdgeView {
  const layerId = (index: number): string => `${idPrefix}${graph.nodes[index]!.name}`;
  return {
    id: `${idPrefix}${edge.tensor}${edge.kind === 'shape' ? SHAPE_EDGE_SUFFIX : ''}`,
    tensor: edge.tensor,
    kind: edge.kind,
    from: edge.from === null ? null : layerId(edge.from),
    to: edge.to.map(layerId),
    bytes: edge.bytes,
    exact: edge.exact,
    isGraphOutput: edge.isGraphOutput,
  };
}
