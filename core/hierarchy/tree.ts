/**
 * The mutable block tree the hierarchy is shaped in before it is frozen into BlockViews. Each
 * block holds its children (layers and blocks) in topological order.
 */
import type { BlockView } from '../view/types.js';
import type { ScopeStep } from './scopes.js';
import { structuralGroups, type LayerTraits } from './structure.js';

export type TreeItem =
  { readonly type: 'layer'; readonly index: number } | { readonly type: 'block'; readonly block: TreeBlock };

export interface TreeBlock {
  id: string;
  name: string;
  kind: BlockView['kind'];
  /** Identifies the scope among its siblings (unused for sections). */
  key: string;
  items: TreeItem[];
}

/** Hands out ids unique among blocks and layers (a block id must not equal a layer id either). */
export class BlockIds {
  private readonly used: Set<string>;
  constructor(layerIds: Iterable<string>) {
    this.used = new Set(layerIds);
  }
  take(base: string): string {
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}#${k}`;
    this.used.add(id);
    return id;
  }
}

/**
 * Groups layers into scope blocks. A block is a *run*: consecutive layers (in topological order)
 * sharing a scope prefix. A scope that comes back after other layers (a module called twice,
 * such as ResNet's shared `relu`) opens a second block `…#2`. Runs are intervals of a
 * topological order, so a collapsed block can never sit on a cycle with the rest of the graph.
 *
 * @param paths scope path of each layer, in topological order.
 * @returns the root's children.
 */
export function buildScopeTree(paths: readonly (readonly ScopeStep[])[], ids: BlockIds): TreeItem[] {
  const root: TreeItem[] = [];
  const open: TreeBlock[] = [];
  paths.forEach((path, index) => {
    let depth = 0;
    while (depth < open.length && depth < path.length && open[depth]!.key === path[depth]!.key) depth++;
    open.length = depth;
    for (let d = depth; d < path.length; d++) {
      const step = path[d]!;
      const parent = open[d - 1];
      const block: TreeBlock = {
        id: ids.take(`${parent?.id ?? ''}/${step.name}`),
        name: step.name,
        kind: step.kind ?? 'scope',
        key: step.key,
        items: [],
      };
      (parent ? parent.items : root).push({ type: 'block', block });
      open.push(block);
    }
    const innermost = open[open.length - 1];
    (innermost ? innermost.items : root).push({ type: 'layer', index });
  });
  return root;
}

/**
 * Removes nesting that tells nothing: a block holding a single layer gives the layer back to
 * its parent, and a block holding a single block is replaced by that block, renamed
 * `outer/inner` (or just `inner` when it already spells the outer name, as `layer1.0` does).
 * A sub-graph block always stays: even with one layer it says which branch runs it.
 */
export function dissolveSingletons(items: readonly TreeItem[]): TreeItem[] {
  return items.map((item) => {
    if (item.type === 'layer') return item;
    const block = item.block;
    block.items = dissolveSingletons(block.items);
    if (block.items.length !== 1 || block.kind === 'subgraph') return item;
    const only = block.items[0]!;
    if (only.type === 'block') {
      const inner = only.block;
      if (!inner.name.startsWith(`${block.name}.`)) inner.name = `${block.name}/${inner.name}`;
    }
    return only;
  });
}

/**
 * Splits any list of more than `maxChildren` items into section blocks of consecutive items,
 * sections of sections when one level is not enough, so that every block (and the root) shows
 * at most `maxChildren` children. The cuts follow the graph's structure where it has one
 * (stages between changes of resolution, repeated motifs: structure.ts); otherwise sections
 * are as even as possible.
 *
 * @param traits op and output shape of each layer, by index; without them the cuts are even.
 */
export function splitIntoSections(
  items: readonly TreeItem[],
  parentId: string | null,
  maxChildren: number,
  ids: BlockIds,
  traits: readonly LayerTraits[] = [],
): TreeItem[] {
  for (const item of items) {
    if (item.type === 'block')
      item.block.items = splitIntoSections(item.block.items, item.block.id, maxChildren, ids, traits);
  }
  if (items.length <= maxChildren) return [...items];
  const base = parentId ?? '';
  const groups = structuralGroups(items, traits, maxChildren);
  if (groups) {
    const level = groups.map((group): TreeItem => {
      if (group.items.length === 1) return group.items[0]!;
      const id = ids.take(`${base}#${group.name.replace(/[^\w×]+/g, '-')}`);
      return sectionItem(id, group.name, splitIntoSections(group.items, id, maxChildren, ids, traits));
    });
    return level.length <= maxChildren ? level : rangesOf(level, base, maxChildren, ids);
  }
  return evenSections(items, base, maxChildren, ids);
}

/** Level-1 sections are numbered 1..total; a higher level names the range of them it spans. */
function evenSections(
  items: readonly TreeItem[],
  base: string,
  maxChildren: number,
  ids: BlockIds,
): TreeItem[] {
  let level: TreeItem[] = chunk(items, maxChildren).map((group, k, all) =>
    sectionItem(ids.take(`${base}#section-${k + 1}`), `section ${k + 1} of ${all.length}`, group),
  );
  const total = level.length;
  let spans = level.map(() => 1);
  while (level.length > maxChildren) {
    const groups = chunk(
      level.map((item, k) => ({ item, span: spans[k]! })),
      maxChildren,
    );
    let first = 1;
    level = [];
    spans = [];
    for (const group of groups) {
      const span = group.reduce((n, g) => n + g.span, 0);
      const last = first + span - 1;
      const name = `sections ${first}–${last} of ${total}`;
      const children = group.map((g) => g.item);
      level.push(sectionItem(ids.take(`${base}#sections-${first}-${last}`), name, children));
      spans.push(span);
      first = last + 1;
    }
  }
  return level;
}

/** Too many structural groups for one level: even ranges of them, named by their ends. */
function rangesOf(level: readonly TreeItem[], base: string, maxChildren: number, ids: BlockIds): TreeItem[] {
  let current = [...level];
  while (current.length > maxChildren) {
    current = chunk(current, maxChildren).map((group) => {
      const name = `${itemName(group[0]!)} … ${itemName(group[group.length - 1]!)}`;
      return sectionItem(ids.take(`${base}#${name.replace(/[^\w×]+/g, '-')}`), name, group);
    });
  }
  return current;
}

function itemName(item: TreeItem): string {
  return item.type === 'block' ? item.block.name : `layer ${item.index + 1}`;
}

function sectionItem(id: string, name: string, items: TreeItem[]): TreeItem {
  return { type: 'block', block: { id, name, kind: 'section', key: '', items } };
}

/** `items` in ⌈n / max⌉ consecutive groups whose sizes differ by at most one. */
function chunk<T>(items: readonly T[], max: number): T[][] {
  const groups = Math.ceil(items.length / max);
  const result: T[][] = [];
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.floor(items.length / groups) + (g < items.length % groups ? 1 : 0);
    result.push(items.slice(start, start + size));
    start += size;
  }
  return result;
}
