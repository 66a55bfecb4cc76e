/** Which blocks a freshly opened model shows expanded, so a large model opens readable. */

/** The part of a ModelView (or Hierarchy) expansion looks at. */
export interface ExpandableTree {
  readonly blocks: readonly {
    readonly id: string;
    readonly blocks: readonly string[];
    readonly layers: readonly string[];
  }[];
  readonly roots: { readonly blocks: readonly string[]; readonly layers: readonly string[] };
}

/** About what one screen holds and still reads: a person scans ~50 boxes, not 1,000. */
export const READABLE_ITEM_BUDGET = 60;

/**
 * Expands the hierarchy level by level, outermost first, while the number of visible items
 * (layers and collapsed blocks) stays within `budget`. Expanding a block replaces its one item
 * with its children: `visible' = visible − 1 + children`. A level is expanded whole or not at
 * all, so sibling blocks (the 12 layers of an encoder) always show at the same depth.
 *
 * @returns the expanded block ids, outermost first.
 */
export function initialExpansion(tree: ExpandableTree, budget: number = READABLE_ITEM_BUDGET): string[] {
  const byId = new Map(tree.blocks.map((b) => [b.id, b]));
  const expanded: string[] = [];
  let visible = tree.roots.blocks.length + tree.roots.layers.length;
  let level = tree.roots.blocks;
  while (level.length > 0) {
    let added = 0;
    const next: string[] = [];
    for (const id of level) {
      const block = byId.get(id);
      if (!block) continue;
      added += block.blocks.length + block.layers.length - 1;
      next.push(...block.blocks);
    }
    if (visible + added > budget) break;
    visible += added;
    expanded.push(...level);
    level = next;
  }
  return expanded;
}

/** Items on screen (layers and collapsed blocks) when the blocks in `expanded` are open. */
export function visibleItemCount(tree: ExpandableTree, expanded: ReadonlySet<string>): number {
  const byId = new Map(tree.blocks.map((b) => [b.id, b]));
  let count = tree.roots.layers.length;
  const stack = [...tree.roots.blocks];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const block = byId.get(id);
    if (!block || !expanded.has(id)) {
      count++;
      continue;
    }
    count += block.layers.length;
    stack.push(...block.blocks);
  }
  return count;
}
