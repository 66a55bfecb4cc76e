/**
 * The multi-selection's pure rules: shift-click adds or removes one node, a selection box picks
 * the nodes wholly inside it, collapsing a block gathers the selection inside it onto the block.
 * The view slice applies them; the canvas only reports clicks and boxes.
 */
import type { PlacedNode } from '../../layout/layout-types.js';

export interface Selection {
  /** Every selected layer or block id, in the order they were picked. */
  readonly selection: readonly string[];
  /** The one the details panel shows (the last picked); null when nothing is selected. */
  readonly selected: string | null;
}

export const NOTHING_SELECTED: Selection = { selection: [], selected: null };

/** Just `id` selected (a plain click, a search hit, a walk with the arrows); nothing for null. */
export const only = (id: string | null): Selection =>
  id === null ? NOTHING_SELECTED : { selection: [id], selected: id };

/**
 * Shift-click: adds `id` (it becomes the one the details show) or removes it (the last one left
 * picked takes its place).
 */
export function toggled(current: Selection, id: string): Selection {
  if (!current.selection.includes(id)) return { selection: [...current.selection, id], selected: id };
  const selection = current.selection.filter((s) => s !== id);
  const selected =
    current.selected !== id && current.selected !== null ? current.selected : (selection.at(-1) ?? null);
  return { selection, selected };
}

/** Several ids at once (a box, Ctrl+A), without repeats; the first is the one the details show. */
export function many(ids: readonly string[]): Selection {
  const selection = [...new Set(ids)];
  return { selection, selected: selection[0] ?? null };
}

/** A rectangle in flow coordinates. */
export interface FlowRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Graph nodes wholly inside `rect` (React Flow's full selection mode), in layout order. */
export function nodesInRect(nodes: readonly PlacedNode[], rect: FlowRect): string[] {
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  return nodes
    .filter((n) => n.x >= rect.x && n.y >= rect.y && n.x + n.width <= right && n.y + n.height <= bottom)
    .map((n) => n.id);
}

/**
 * The selection once `blockId` collapses: ids inside it (`isInside`) give way to the block, so
 * what was selected stays selected and on screen.
 */
export function gatheredInto(
  current: Selection,
  blockId: string,
  isInside: (id: string) => boolean,
): Selection {
  if (!current.selection.some(isInside)) return current;
  const selection = [...new Set(current.selection.map((id) => (isInside(id) ? blockId : id)))];
  const selected = current.selected !== null && isInside(current.selected) ? blockId : current.selected;
  return { selection, selected };
}

let memo: { selection: readonly string[]; set: ReadonlySet<string> } | null = null;

/** The selection as a set, built once per selection (every node asks whether it is in it). */
export function selectionSet(selection: readonly string[]): ReadonlySet<string> {
  if (memo?.selection !== selection) memo = { selection, set: new Set(selection) };
  return memo.set;
}
