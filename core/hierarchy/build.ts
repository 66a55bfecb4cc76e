/** Builds the block hierarchy the studio folds a model's layers into. */
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
 * 3. a block (or the top level) with more than `maxChildren` children is split into sections.
 *
 * Costs roll up as plain sums over every layer inside a block, at any depth
 * (`block.cost.macs = Σ layer.cost.macs`, and so on for each figure). A weight shared by layers
 * in different blocks is counted in each; model totals count it once.
 *
 * Control flow: an If, Loop or Scan node is one layer whose cost already includes its bodies'
 * (costs/control-flow.ts). Its sub-graphs are not opened into layers, because no part of a body
 * can run on another tier than the node itself; BlockView's `subgraph` kind stays unused.
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
  const top = splitIntoSections(dissolveSingletons(tree), null, maxChildren, ids);

  const layerCost = new Map(layers.map((l) => [l.id, l.cost]));
  // Slots keep parents before children; a block's slot is filled once its children are frozen.
  const slots: (BlockView | undefined)[] = [];
  const slotOf = new Map<string, number>();
  const layerBlock: (string | null)[] = layers.map(() => null);
  const freeze = (
    items: readonly TreeItem[],
    parent: string | null,
  ): { blocks: string[]; layers: string[] } => {
    const childBlocks: string[] = [];
    const childLayers: string[] = [];
    for (const item of items) {
      if (item.type === 'layer') {
        childLayers.push(layers[item.index]!.id);
        layerBlock[item.index] = parent;
        continue;
      }
      const block = item.block;
      childBlocks.push(block.id);
      slotOf.set(block.id, slots.length);
      slots.push(undefined);
      const children = freeze(block.items, block.id);
      const cost: MutableCost = {
        macs: 0,
        flops: 0,
        params: 0,
        paramBytes: 0,
        inputBytes: 0,
        outputBytes: 0,
      };
      let layerCount = children.layers.length;
      for (const id of children.layers) addCost(cost, layerCost.get(id)!);
      for (const id of children.blocks) {
        const child = slots[slotOf.get(id)!]!;
        addCost(cost, child.cost);
        layerCount += child.layerCount;
      }
      slots[slotOf.get(block.id)!] = {
        id: block.id,
        name: block.name,
        kind: block.kind,
        parent,
        blocks: children.blocks,
        layers: children.layers,
        cost,
        layerCount,
      };
    }
    return { blocks: childBlocks, layers: childLayers };
  };
  const roots = freeze(top, null);
  return { blocks: slots.map((b) => b!), layerBlock, roots };
}
