/**
 * The graph on screen for a given set of expanded blocks: which layers and collapsed blocks are
 * visible, and the edges between them with the layer edges they stand for merged. What the
 * layout worker lays out.
 */
import type { ModelView, Tier } from './types.js';
import { TIERS } from './types.js';
import { tierOf } from '../tiers.js';

export interface VisibleItem {
  /** A layer id or a collapsed block's id. */
  readonly id: string;
  readonly kind: 'layer' | 'block';
  /** Every layer the item shows (just itself for a layer), in topological order. */
  readonly layers: readonly string[];
}

/** Every layer edge from one visible item to another, merged. */
export interface VisibleEdge {
  /** `<source>→<target>`. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** EdgeView ids merged into this edge. */
  readonly tensors: readonly string[];
  /** Sum over `tensors`: what would cross the network if a cut fell here. */
  readonly bytes: number;
  readonly exact: boolean;
  /** 'shape' when every merged tensor reaches the target only through its shape. */
  readonly kind: 'data' | 'shape';
}

export interface VisibleGraph {
  /** In topological order of their first layers. */
  readonly items: readonly VisibleItem[];
  readonly edges: readonly VisibleEdge[];
  /** The visible item showing each layer. */
  readonly owner: ReadonlyMap<string, string>;
}

/**
 * Walks the hierarchy from the roots, opening the blocks in `expanded` (a block inside a
 * collapsed one stays hidden whatever `expanded` says). Edges from graph inputs have no visible
 * source and are left out; edges inside one collapsed block vanish.
 */
export function visibleGraph(view: ModelView, expanded: ReadonlySet<string>): VisibleGraph {
  const blocks = new Map(view.blocks.map((b) => [b.id, b]));
  const layerOrder = new Map(view.layers.map((l) => [l.id, l.order]));
  const firstOrder = new Map<string, number>();
  const first = (blockId: string): number => {
    const known = firstOrder.get(blockId);
    if (known !== undefined) return known;
    const block = blocks.get(blockId);
    let min = Infinity;
    for (const id of block?.layers ?? []) min = Math.min(min, layerOrder.get(id) ?? Infinity);
    for (const id of block?.blocks ?? []) min = Math.min(min, first(id));
    firstOrder.set(blockId, min);
    return min;
  };
  const layersInside = (blockId: string, into: string[]): string[] => {
    const block = blocks.get(blockId);
    if (!block) return into;
    const children = inOrder(block.blocks, block.layers);
    for (const child of children) {
      if (child.kind === 'layer') into.push(child.id);
      else layersInside(child.id, into);
    }
    return into;
  };
  const inOrder = (
    blockIds: readonly string[],
    layerIds: readonly string[],
  ): { id: string; kind: 'layer' | 'block'; at: number }[] =>
    [
      ...blockIds.map((id) => ({ id, kind: 'block' as const, at: first(id) })),
      ...layerIds.map((id) => ({ id, kind: 'layer' as const, at: layerOrder.get(id) ?? Infinity })),
    ].sort((a, b) => a.at - b.at);

  const items: VisibleItem[] = [];
  const owner = new Map<string, string>();
  const walk = (blockIds: readonly string[], layerIds: readonly string[]): void => {
    for (const child of inOrder(blockIds, layerIds)) {
      if (child.kind === 'layer') {
        items.push({ id: child.id, kind: 'layer', layers: [child.id] });
        owner.set(child.id, child.id);
      } else if (expanded.has(child.id)) {
        const block = blocks.get(child.id);
        if (block) walk(block.blocks, block.layers);
      } else {
        const inside = layersInside(child.id, []);
        items.push({ id: child.id, kind: 'block', layers: inside });
        for (const id of inside) owner.set(id, child.id);
      }
    }
  };
  walk(view.roots.blocks, view.roots.layers);
  return { items, edges: mergeEdges(view, owner), owner };
}

function mergeEdges(view: ModelView, owner: ReadonlyMap<string, string>): VisibleEdge[] {
  const merged = new Map<
    string,
    { source: string; target: string; tensors: string[]; bytes: number; exact: boolean; data: boolean }
  >();
  for (const edge of view.edges) {
    if (edge.from === null) continue;
    const source = owner.get(edge.from);
    if (source === undefined) continue;
    const targets = new Set<string>();
    for (const to of edge.to) {
      const target = owner.get(to);
      if (target !== undefined && target !== source) targets.add(target);
    }
    for (const target of targets) {
      const key = `${source}\u2192${target}`;
      let entry = merged.get(key);
      if (!entry) {
        entry = { source, target, tensors: [], bytes: 0, exact: true, data: false };
        merged.set(key, entry);
      }
      entry.tensors.push(edge.id);
      entry.bytes += edge.bytes;
      entry.exact &&= edge.exact;
      entry.data ||= edge.kind === 'data';
    }
  }
  return [...merged].map(([id, e]) => ({
    id,
    source: e.source,
    target: e.target,
    tensors: e.tensors,
    bytes: e.bytes,
    exact: e.exact,
    kind: e.data ? 'data' : 'shape',
  }));
}

/**
 * The lane a visible item is drawn in: a layer's own tier (device when unplaced); for a
 * collapsed block, the tier most of its layers are on, ties going to the tier nearer the device.
 */
export function itemTier(item: VisibleItem, placement: Readonly<Record<string, Tier>>): Tier {
  if (item.kind === 'layer') return tierOf(placement, item.id);
  const counts = new Map<Tier, number>();
  for (const id of item.layers) {
    const tier = tierOf(placement, id);
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
  }
  let best: Tier = 'device';
  for (const tier of TIERS) if ((counts.get(tier) ?? 0) > (counts.get(best) ?? 0)) best = tier;
  return best;
}
