/** Lookups over a ModelView the renderer needs at every click: built once per opened model. */
import type { BlockView, EdgeView, LayerView, ModelView } from '../../../core/view/types.js';

export interface ModelIndex {
  readonly layers: ReadonlyMap<string, LayerView>;
  readonly blocks: ReadonlyMap<string, BlockView>;
  /** Edges by tensor name. */
  readonly edges: ReadonlyMap<string, EdgeView>;
  /** Edges a layer reads and writes. */
  readonly edgesIn: ReadonlyMap<string, readonly EdgeView[]>;
  readonly edgesOut: ReadonlyMap<string, readonly EdgeView[]>;
}

export function indexModel(view: ModelView): ModelIndex {
  const edgesIn = new Map<string, EdgeView[]>();
  const edgesOut = new Map<string, EdgeView[]>();
  const push = (map: Map<string, EdgeView[]>, key: string, edge: EdgeView): void => {
    const list = map.get(key);
    if (list) list.push(edge);
    else map.set(key, [edge]);
  };
  for (const edge of view.edges) {
    if (edge.from !== null) push(edgesOut, edge.from, edge);
    for (const to of edge.to) push(edgesIn, to, edge);
  }
  return {
    layers: new Map(view.layers.map((l) => [l.id, l])),
    blocks: new Map(view.blocks.map((b) => [b.id, b])),
    edges: new Map(view.edges.map((e) => [e.id, e])),
    edgesIn,
    edgesOut,
  };
}

/** The blocks containing a layer or block, outermost first. */
export function ancestorBlocks(index: ModelIndex, id: string): string[] {
  const chain: string[] = [];
  let parent = index.layers.get(id)?.block ?? index.blocks.get(id)?.parent ?? null;
  while (parent !== null) {
    chain.push(parent);
    parent = index.blocks.get(parent)?.parent ?? null;
  }
  return chain.reverse();
}

/** Topological position of the first layer inside a block, at any depth. */
export function firstLayerOrder(index: ModelIndex, blockId: string): number {
  const block = index.blocks.get(blockId);
  if (!block) return Infinity;
  let first = Infinity;
  for (const layer of block.layers) first = Math.min(first, index.layers.get(layer)?.order ?? Infinity);
  for (const child of block.blocks) first = Math.min(first, firstLayerOrder(index, child));
  return first;
}

/** The child (layer or block) a block's contents start with. */
export function firstChild(index: ModelIndex, blockId: string): string | null {
  const block = index.blocks.get(blockId);
  if (!block) return null;
  const layer = block.layers[0];
  const child = block.blocks[0];
  if (layer === undefined) return child ?? null;
  if (child === undefined) return layer;
  return (index.layers.get(layer)?.order ?? Infinity) <= firstLayerOrder(index, child) ? layer : child;
}
