/** Builds the block hierarchy the studio folds a model's layers into. */
import type { Shape } from '../graph/types.js';
import type { BlockView, LayerCostView } from '../view/types.js';
import type { ScopeStep } from './scopes.js';
import { BlockIds, buildScopeTree, dissolveSingletons, splitIntoSections, type TreeItem } from './tree.js';

/** A person reads about this many boxes side by side; more go into sections. */
export const MAX_BLOCK_CHILDREN = 40;

export interface HierarchyLayer {
  /** The layer id (node name). */
  readonly id: string;
  /** Outermost first; see `layerScopes`. */
  readonly scopes: readonly ScopeStep[];
  readonly cost: LayerCostView;
  /** The control-flow layer whose sub-graph holds this one (see `LayerView.within`). */
  readonly within?: string;
  /** The layer's op type; with `shape`, what a long scope-less list is grouped by (structure.ts). */
  readonly op?: string;
  /** The shape of the layer's first output, when known. */
  readonly shape?: Shape | null;
}

export interface HierarchyOptions {
  /** Most children (layers and blocks) a block or the top level may show; default 40. */
  readonly maxChildren?: number;
}

export interface Hierarchy {
  /** Every block, each before its children, children in order. */
  readonly blocks: readonly BlockView[];
  /** Innermost block of each input layer (by index); null at top level. */
  readonly layerBlock: readonly (string | null)[];
  readonly roots: { readonly blocks: readonly string[]; readonly layers: readonly string[] };
}

type MutableCost = { -readonly [K in keyof LayerCostView]: number };

function addCost(sum: MutableCost, add: LayerCostView): void {
  sum.macs += add.macs;
  sum.flops += add.flops;
  sum.params += add.params;
  sum.paramBytes += add.paramBytes;
  sum.inputBytes += add.inputBytes;
  sum.outputBytes += add.outputBytes;
}

/**
 * Blocks from the layers' scope paths, in three steps:
 * 1. scope runs: consecutive layers sharing a scope prefix form a block (tree.ts explains why a
 *    scope that reappears later makes a second block);
 * 2. single-child blocks dissolve (one layer) or collapse into their child (one block);
 * 3. a block (or the top level) with more than `maxChildren` children is split into sections:
 *    at the graph's stages (runs at one spatial resolution, `stage 3 · 80×80`) or repeats of a
 *    motif (`block 2 of 5`) when the layers' ops and shapes show them (structure.ts), else
 *    into even sections.
 *
 * Costs roll up as plain sums over a block's top-level layers at any depth
 * (`block.cost.macs = Σ layer.cost.macs`, and so on for each figure), where a layer is top-level
 * in a block unless its `within` layer is inside the block too. A weight shared by layers in
 * different blocks is counted in each; model totals count it once.
 *
 * Control flow: an If, Loop or Scan node is one layer whose cost already includes its bodies'
 * (costs/control-flow.ts). core/view opens its sub-graphs into view-only layers (marked
 * `within`) whose scope paths end in a step for the node and a `subgraph` step per attribute, so
 * they form a block for the node holding its layer and one sub-graph block per body. The rule
 * above keeps the node's block from counting a body twice, while the body's own block sums one
 * run of the body. `layerCount` counts every layer inside, view-only ones included.
 *
 * @param layers in topological order.
 */
export function buildHierarchy(layers: readonly HierarchyLayer[], options: HierarchyOptions = {}): Hierarchy {
  const maxChildren = Math.max(2, options.maxChildren ?? MAX_BLOCK_CHILDREN);
  const ids = new BlockIds(layers.map((l) => l.id));
  const tree = buildScopeTree(
    layers.map((l) => l.scopes),
    ids,
  );
  const top = splitIntoSections(dissolveSingletons(tree), null, maxChildren, ids, layers);

  // Slots keep parents before children; a block's slot is filled once its children are frozen.
  const slots: (BlockView | undefined)[] = [];
  const layerBlock: (string | null)[] = layers.map(() => null);
  /** Freezes `items` under `parent`; returns their ids and the indices of every layer inside. */
  const freeze = (
    items: readonly TreeItem[],
    parent: string | null,
  ): { blocks: string[]; layers: string[]; inside: number[] } => {
    const childBlocks: string[] = [];
    const childLayers: string[] = [];
    const inside: number[] = [];
    for (const item of items) {
      if (item.type === 'layer') {
        childLayers.push(layers[item.index]!.id);
        layerBlock[item.index] = parent;
        inside.push(item.index);
        continue;
      }
      const block = item.block;
      childBlocks.push(block.id);
      const slot = slots.length;
      slots.push(undefined);
      const children = freeze(block.items, block.id);
      for (const index of children.inside) inside.push(index);
      slots[slot] = {
        id: block.id,
        name: block.name,
        kind: block.kind,
        parent,
        blocks: children.blocks,
        layers: children.layers,
        cost: topLevelCost(layers, children.inside),
        layerCount: children.inside.length,
      };
    }
    return { blocks: childBlocks, layers: childLayers, inside };
  };
  const { blocks: rootBlocks, layers: rootLayers } = freeze(top, null);
  return { blocks: slots.map((b) => b!), layerBlock, roots: { blocks: rootBlocks, layers: rootLayers } };
}

/** Σ cost over the layers at `inside` whose control-flow parent is not among them. */
function topLevelCost(layers: readonly HierarchyLayer[], inside: readonly number[]): LayerCostView {
  const cost: MutableCost = { macs: 0, flops: 0, params: 0, paramBytes: 0, inputBytes: 0, outputBytes: 0 };
  // Most blocks hold no sub-graph layers: only build the id set when one does.
  let ids: Set<string> | undefined;
  for (const index of inside) {
    const layer = layers[index]!;
    if (layer.within !== undefined) {
      ids ??= new Set(inside.map((i) => layers[i]!.id));
      if (ids.has(layer.within)) continue;
    }
    addCost(cost, layer.cost);
  }
  return cost;
}
