/**
 * Groups for a long list of items that name scopes do not group (PaddleOCR's exporter names
 * its 330 nodes `conv2d_12.tmp_0` and the like): cut it where the graph's structure changes
 * rather than into equal counts, so that each group is a part of the network a person knows.
 *
 * 1. Stages: a CNN works at one spatial resolution for a while, then halves it (a stride-2
 *    convolution, a pooling) or doubles it (an upsampling in a decoder or an FPN). Runs of
 *    items whose main output has the same height × width are its stages, named
 *    `stage 3 · 80×80`. Items without a spatial output (a Flatten, a Gemm, a Shape) stay with
 *    the run they follow; runs shorter than MIN_STAGE_ITEMS (a lone upsample between two
 *    stages) join the run before them, so the stages are the network's, not its seams'.
 * 2. Repeated motifs, for a list at one resolution (a stage of 37 layers, a transformer's flat
 *    list): the smallest period p at which the op sequence repeats (most items equal the one p
 *    later), cut so each repeat ends at its merge (the residual Add, a Concat), named
 *    `block 2 of 5` inside a group named after the motif's count.
 * Returns null when neither applies; the caller then cuts even sections.
 */
import type { Shape } from '../graph/types.js';
import { scaleName } from './dim-scale.js';
import type { TreeItem } from './tree.js';

/** What the structure is read from, per layer index (the hierarchy's input order). */
export interface LayerTraits {
  readonly op?: string;
  /** The shape of the layer's first output, when known. */
  readonly shape?: Shape | null;
}

export interface ItemGroup {
  readonly name: string;
  readonly items: readonly TreeItem[];
}

/** A run shorter than this is a seam between stages (an upsample, a resize), not a stage. */
export const MIN_STAGE_ITEMS = 3;
/** The share of items equal to the item one period later for a list to count as repeating. */
const MOTIF_MATCH = 0.8;
/** Ops that end a repeat: the merge of a residual or of branches; a gate when there is none. */
const MERGE_OPS: ReadonlySet<string> = new Set(['Add', 'Sum', 'Concat']);
const GATE_OPS: ReadonlySet<string> = new Set(['Mul']);

/**
 * `80×80` for an NCHW (or NCDHW) shape with every spatial size known or named, `H/16×W/16` for
 * sizes derived from the input's symbols (dim-scale.ts); else null.
 */
export function spatialKey(shape: Shape | null | undefined): string | null {
  if (!shape || (shape.length !== 4 && shape.length !== 5)) return null;
  const spatial = shape.slice(2);
  if (spatial.some((d) => d === null)) return null;
  return spatial
    .map((d) => (typeof d === 'number' ? String(d) : (scaleName(String(d)) ?? String(d))))
    .join('×');
}

/** Groups for `items` by stages, else by motifs; null when the structure says nothing. */
export function structuralGroups(
  items: readonly TreeItem[],
  traits: readonly LayerTraits[],
  maxChildren: number,
): ItemGroup[] | null {
  return stageGroups(items, traits) ?? motifGroups(items, traits, maxChildren);
}

/** The spatial key of an item: a layer's own, a block's last layer's that has one. */
function itemKey(item: TreeItem, traits: readonly LayerTraits[]): string | null {
  if (item.type === 'layer') return spatialKey(traits[item.index]?.shape);
  for (let i = item.block.items.length - 1; i >= 0; i--) {
    const key = itemKey(item.block.items[i]!, traits);
    if (key !== null) return key;
  }
  return null;
}

function stageGroups(items: readonly TreeItem[], traits: readonly LayerTraits[]): ItemGroup[] | null {
  const runs: { key: string | null; items: TreeItem[] }[] = [];
  for (const item of items) {
    const key = itemKey(item, traits);
    const run = runs[runs.length - 1];
    if (run && (key === null || run.key === null || key === run.key)) {
      run.items.push(item);
      run.key ??= key;
    } else runs.push({ key, items: [item] });
  }
  // Seams join the run before them (the first run, the run after it).
  const stages: typeof runs = [];
  for (const run of runs) {
    const previous = stages[stages.length - 1];
    if (previous && run.items.length < MIN_STAGE_ITEMS) previous.items.push(...run.items);
    else if (previous && previous.key === run.key) previous.items.push(...run.items);
    else stages.push({ key: run.key, items: [...run.items] });
  }
  const first = stages[0];
  if (first && first.items.length < MIN_STAGE_ITEMS && stages.length > 1) {
    stages[1]!.items.unshift(...first.items);
    stages.shift();
  }
  if (stages.length < 2) return null;
  return stages.map((stage, k) => ({
    name: stage.key === null ? `stage ${k + 1}` : `stage ${k + 1} · ${stage.key}`,
    items: stage.items,
  }));
}

/** What a repeat compares: a layer's op, a block's name without its `#k`. */
function signature(item: TreeItem, traits: readonly LayerTraits[]): string {
  if (item.type === 'layer') return traits[item.index]?.op ?? '?';
  return `block:${item.block.name.replace(/#\d+$/, '')}`;
}

function motifGroups(
  items: readonly TreeItem[],
  traits: readonly LayerTraits[],
  maxChildren: number,
): ItemGroup[] | null {
  const n = items.length;
  const signatures = items.map((item) => signature(item, traits));
  // Unknown ops, or one op throughout (a run of identical layers), show no motif.
  if (signatures.includes('?') || new Set(signatures).size < 2) return null;
  let period = 0;
  for (let p = 2; p <= Math.min(maxChildren, Math.floor(n / 3)); p++) {
    if (new Set(signatures.slice(0, p)).size < 2) continue;
    let same = 0;
    for (let i = 0; i + p < n; i++) if (signatures[i] === signatures[i + p]) same++;
    if (same >= MOTIF_MATCH * (n - p)) {
      period = p;
      break;
    }
  }
  if (period === 0) return null;
  // Cut after the merge of a repeat, so each group is whole (a residual with its Add): the
  // first merge op that recurs one period later sets the phase.
  // A residual's Add ends its block; a Mul is often a gate inside one (squeeze-excitation), so
  // it is a block's end only where there is no Add, Sum or Concat.
  // With several merges in a repeat (a transformer layer's two residual Adds), the last one
  // in the first repeat ends it.
  const recurs = (ops: ReadonlySet<string>, i: number): boolean =>
    ops.has(signatures[i]!) && signatures[i + period] === signatures[i];
  const mergeAt = (ops: ReadonlySet<string>): number => {
    let first = 0;
    while (first + period < n && !recurs(ops, first)) first++;
    if (first + period >= n) return -1;
    let last = first;
    for (let i = first + 1; i < first + period && i + period < n; i++) if (recurs(ops, i)) last = i;
    return last;
  };
  const merge = [MERGE_OPS, GATE_OPS].map(mergeAt).find((i) => i >= 0) ?? -1;
  const phase = (merge + 1) % period;
  const repeats: TreeItem[][] = [];
  for (let start = phase; start < n; start += period) repeats.push(items.slice(start, start + period));
  // A short tail (the head after the last repeat) joins the last repeat.
  const last = repeats[repeats.length - 1]!;
  if (repeats.length > 1 && last.length < period) repeats[repeats.length - 2]!.push(...repeats.pop()!);
  if (repeats.length < 2) return null;
  const groups = repeats.map((group, k) => ({ name: `block ${k + 1} of ${repeats.length}`, items: group }));
  return phase > 0 ? [{ name: 'lead-in', items: items.slice(0, phase) }, ...groups] : groups;
}
