/**
 * Generated layout inputs shaped like DNN graphs: a main chain of residual blocks (a branch of
 * 3–6 layers plus the skip connection into an Add), now and then an inception-like fork of 2–4
 * short parallel branches joined by a Concat, and plain runs of layers. Seeded, so every run
 * lays out the same graph. Used by the layout tests and the layout benchmark.
 */
import type { LayoutEdge, LayoutInput, LayoutNode } from '../../core/layout/index.js';
import type { Tier } from '../../core/view/types.js';

export const LAYER_BOX = { width: 220, height: 96 } as const;

export interface DnnLikeGraphOptions {
  readonly seed?: number;
  /**
   * Lane of each node: 'device' puts all on the device; 'split' cuts the chain in three
   * (first half device, next 30% edge, the rest cloud), as a partition would; 'random' scatters
   * nodes over the lanes (a stress case: most edges cross lanes).
   */
  readonly tiers?: 'device' | 'split' | 'random';
  /** Every this many nodes also read the first node (as layers reading an attention mask do); 0 for none. */
  readonly broadcastEvery?: number;
}

/** mulberry32: a small seeded generator with a full 2³² period. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A DNN-like graph of exactly `nodeCount` nodes, listed in topological order. */
export function dnnLikeGraph(nodeCount: number, options: DnnLikeGraphOptions = {}): LayoutInput {
  const random = seeded(options.seed ?? 1);
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const tiers = options.tiers ?? 'device';
  // A stream of its own, so the graph's shape does not depend on how tiers are drawn.
  const tierRandom = seeded((options.seed ?? 1) + 0x9e3779b9);
  const tierOf = (index: number): Tier => {
    if (tiers === 'random') return (['device', 'edge', 'cloud'] as const)[Math.floor(tierRandom() * 3)]!;
    if (tiers === 'split')
      return index < nodeCount * 0.5 ? 'device' : index < nodeCount * 0.8 ? 'edge' : 'cloud';
    return 'device';
  };
  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  const full = (): boolean => nodes.length >= nodeCount;
  /** Appends a node reading `inputs`; returns its id, or undefined once the graph is full. */
  const add = (op: string, inputs: readonly string[]): string | undefined => {
    if (full()) return undefined;
    const id = `n${nodes.length}/${op}`;
    nodes.push({ id, tier: tierOf(nodes.length), ...LAYER_BOX });
    for (const input of inputs) edges.push({ id: `${input}->${id}`, source: input, target: id });
    const every = options.broadcastEvery ?? 0;
    const first = nodes[0]!.id;
    if (every > 0 && nodes.length > 1 && (nodes.length - 1) % every === 0 && !inputs.includes(first))
      edges.push({ id: `${first}->${id}`, source: first, target: id });
    return id;
  };
  /** A chain of `length` layers after `from`; returns its last node (or `from` when full). */
  const chain = (from: string, length: number, op: string): string => {
    let last = from;
    for (let i = 0; i < length; i++) last = add(op, [last]) ?? last;
    return last;
  };

  let current = add('Input', [])!;
  while (!full()) {
    const kind = random();
    if (kind < 0.7) {
      const branch = chain(current, between(3, 6), 'Conv');
      current = add('Add', branch === current ? [current] : [branch, current]) ?? branch;
    } else if (kind < 0.85) {
      const ends = Array.from({ length: between(2, 4) }, () => chain(current, between(1, 3), 'Conv'));
      current = add('Concat', [...new Set(ends)]) ?? ends[ends.length - 1]!;
    } else {
      current = chain(current, between(1, 3), 'Relu');
    }
  }
  return { nodes, edges };
}
