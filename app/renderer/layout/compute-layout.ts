/**
 * What the layout worker computes: the visible graph for the expanded blocks (core/view),
 * laid out by core/layout top to bottom in one lane per tier of the design's topology, with each
 * edge's bytes kept for its label.
 */
import { layoutGraph } from '../../../core/layout/index.js';
import { itemTier, visibleGraph } from '../../../core/view/visible.js';
import type { ModelView, Tier } from '../../../core/view/types.js';
import type { LaidOutGraph, PlacedEdge } from './layout-types.js';

/** Node boxes; the node components' CSS fills them, so React Flow never has to measure. */
export const LAYER_SIZE = { width: 240, height: 92 } as const;
export const BLOCK_SIZE = { width: 260, height: 100 } as const;

export function computeLayout(
  view: ModelView,
  expanded: ReadonlySet<string>,
  placement: Readonly<Record<string, Tier>>,
  tiers: readonly Tier[],
  progress: (fraction: number) => void,
): LaidOutGraph {
  const visible = visibleGraph(view, expanded);
  progress(0.05);
  const kinds = new Map(visible.items.map((item) => [item.id, item.kind]));
  const layout = layoutGraph(
    {
      nodes: visible.items.map((item) => ({
        id: item.id,
        tier: itemTier(item, placement),
        ...(item.kind === 'layer' ? LAYER_SIZE : BLOCK_SIZE),
      })),
      edges: visible.edges,
      tiers,
    },
    // The worker is terminated to cancel; progress maps the layout's 0 … 1 onto 0.05 … 1.
    { onProgress: (fraction) => progress(0.05 + 0.95 * fraction) },
  );
  if (!layout) throw new Error('The layout stopped before it finished.');
  const bends = new Map(layout.edges.map((edge) => [edge.id, edge.bends]));
  const edges: PlacedEdge[] = visible.edges
    .filter((edge) => edge.source !== edge.target)
    .map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      tensors: edge.tensors,
      bytes: edge.bytes,
      exact: edge.exact,
      kind: edge.kind,
      bends: bends.get(edge.id) ?? [],
    }));
  return {
    nodes: layout.nodes.map((node) => ({
      id: node.id,
      kind: kinds.get(node.id) ?? 'layer',
      tier: node.tier,
      x: node.x,
      y: node.y,
      width: node.width,
      height: node.height,
    })),
    edges,
    lanes: layout.lanes,
  };
}
