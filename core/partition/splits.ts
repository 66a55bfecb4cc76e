/**
 * Split families on the units' topological order, enumerated exhaustively with incremental
 * figures (O(tensors) per first cut instead of a full evaluation per candidate):
 *
 * - `single` (Neurosurgeon): units [0, i) on the device, [i, n) on server tier s.
 * - `return` (RoaD-RuNNer): [0, i) device, [i, j) server s, [j, n) back on the device.
 * - `tiered` (three tiers, JointDNN-like chain): [0, i) device, [i, j) edge, [j, n) cloud.
 *
 * Cut positions may be restricted to a subset (`positions`), e.g. block boundaries (RoaD-RuNNer
 * treats residual blocks as atomic units) when a model has too many units for all pairs.
 */
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';
import { addCrossing, crossingLayout, SplitFigures, unitPrefixes } from './split-metrics.js';

export type SplitKind = 'single' | 'return' | 'tiered';

export interface SplitCandidate {
  readonly kind: SplitKind;
  /** First unit off the device. */
  readonly i: number;
  /** First unit of the third segment (n for `single`). */
  readonly j: number;
  /** Tier of the middle segment (`single`, `return`); the edge for `tiered`. */
  readonly server: number;
}

export function splitPlacement(problem: PartitionProblem, candidate: SplitCandidate): Placement {
  const n = problem.units.length;
  const placement = new Uint8Array(n);
  const { kind, i, j, server } = candidate;
  for (let u = i; u < n; u++) {
    if (u < j) placement[u] = server;
    else placement[u] = kind === 'return' ? 0 : kind === 'tiered' ? 2 : server;
  }
  return placement;
}

/** Receives each candidate with its figures (valid only during the call). */
export type SplitVisitor = (candidate: SplitCandidate, figures: SplitFigures) => void;

/**
 * Visits every candidate of the family whose cut positions lie in `positions` (0 and n are always
 * included) and returns how many it visited.
 *
 * Crossing costs are kept in a difference array over the second cut's positions. Sweeping the
 * first cut i from the end to the start, a tensor only changes role when i passes its producer
 * (it moves to the middle segment) or a reader (its first reader after i changes), so each tensor
 * is touched O(readers) times in all, and each i costs one prefix pass over the cut positions.
 */
export function enumerateSplits(
  problem: PartitionProblem,
  kind: SplitKind,
  server: number,
  positions: readonly number[],
  visit: SplitVisitor,
): number {
  const n = problem.units.length;
  const layout = crossingLayout(problem.tiers.length);
  const size = layout.size;
  const figures = new SplitFigures(unitPrefixes(problem), layout, n);
  figures.middle = server;
  figures.last = kind === 'single' ? server : kind === 'return' ? 0 : 2;
  const cuts = [...new Set([0, ...positions, n])].filter((p) => p >= 0 && p <= n).sort((a, b) => a - b);
  // slot[j] = index of the first cut position ≥ j: turns j-intervals into cut-index intervals.
  const slot = new Int32Array(n + 2);
  for (let j = n + 1, c = cuts.length; j >= 0; j--) {
    while (c > 0 && cuts[c - 1]! >= j) c--;
    slot[j] = c;
  }
  const tensors = problem.tensors;
  const lastReader = tensors.map((t) => (t.consumers.length ? t.consumers[t.consumers.length - 1]! : -1));
  const diff = new Float64Array((cuts.length + 1) * size);
  const rows = new Float64Array((cuts.length + 1) * size);
  figures.rows = rows;
  let count = 0;

  /** ± the crossing of tensor t to every cut index c with jFrom ≤ cuts[c] ≤ jTo. */
  const range = (
    sign: number,
    jFrom: number,
    jTo: number,
    t: number,
    from: number,
    lowest: number,
    highest: number,
  ): void => {
    if (jTo < jFrom || (lowest === from && highest === from)) return;
    const first = slot[Math.max(jFrom, 0)]!;
    const end = slot[Math.min(jTo, n) + 1]!;
    if (end <= first) return;
    addCrossing(diff, first * size, problem, layout, t, from, lowest, highest, sign);
    addCrossing(diff, end * size, problem, layout, t, from, lowest, highest, -sign);
  };

  if (kind === 'single') {
    // One cut: the index runs over i, and every contribution is fixed.
    tensors.forEach((tensor, t) => {
      const p = tensor.producer;
      const q = lastReader[t]!;
      if (q > p) range(1, p + 1, q, t, 0, 0, server); // made on the device, read on the server
      if (p >= 0 && tensor.isOutput) range(1, 0, p, t, server, 0, server); // a result made on the server
    });
    prefixPass(0);
    cuts.forEach((i, c) => {
      figures.i = i;
      figures.j = n;
      figures.at = c * size;
      count++;
      visit({ kind, i, j: n, server }, figures);
    });
    return count;
  }

  /**
   * The contribution of tensor t while the first cut is at i, as ± ranges over j ≥ i. Tensors
   * made before i matter only when read at or after i (`reader` = the first such read).
   */
  const contribute = (sign: number, t: number, i: number, reader: number): void => {
    const tensor = tensors[t]!;
    const p = tensor.producer;
    const q = lastReader[t]!;
    if (kind === 'return') {
      if (p < i)
        range(sign, reader + 1, n, t, 0, 0, server); // up once the middle reaches a reader
      else range(sign, p + 1, tensor.isOutput ? n : q, t, server, 0, server); // down if read after j
      return;
    }
    // tiered: device [0,i), edge [i,j), cloud [j,n)
    if (p < i) {
      range(sign, 0, q, t, 0, 0, 2); // a reader in the cloud
      range(sign, q + 1, n, t, 0, 0, 1); // readers on the edge only
    } else {
      const low = tensor.isOutput ? 0 : 1;
      range(sign, p + 1, q, t, 1, low, 2); // on the edge, read in the cloud
      range(sign, Math.max(p + 1, q + 1), n, t, 1, low, 1); // on the edge, read there only
      range(sign, 0, p, t, 2, tensor.isOutput ? 0 : 2, 2); // in the cloud
    }
  };

  // Events as i descends: at x, tensors made at x join the middle segment; a tensor made before
  // x with a reader at x gets that reader as its first read after i (or becomes live).
  const madeAt: number[][] = Array.from({ length: n }, () => []);
  const readAt: number[][] = Array.from({ length: n }, () => []);
  tensors.forEach((tensor, t) => {
    if (tensor.producer >= 0) madeAt[tensor.producer]!.push(t);
    for (const c of tensor.consumers) readAt[c]!.push(t);
  });
  // State per tensor: -2 not counted, -1 in the middle/last segments, else its first reader ≥ i.
  const state = new Int32Array(tensors.length).fill(-2);
  let x = n;
  for (let ci = cuts.length - 1; ci >= 0; ci--) {
    const i = cuts[ci]!;
    for (; x > i;) {
      x--;
      for (const t of madeAt[x]!) {
        if (state[t]! >= 0) contribute(-1, t, x + 1, state[t]!);
        state[t] = -1;
        contribute(1, t, x, -1);
      }
      for (const t of readAt[x]!) {
        if (tensors[t]!.producer >= x) continue;
        if (state[t]! >= 0) contribute(-1, t, x + 1, state[t]!);
        state[t] = x;
        contribute(1, t, x, x);
      }
    }
    prefixPass(ci);
    figures.i = i;
    for (let c = ci; c < cuts.length; c++) {
      figures.j = cuts[c]!;
      figures.at = c * size;
      count++;
      visit({ kind, i, j: cuts[c]!, server }, figures);
    }
  }
  return count;

  /** rows[c] = Σ diff[0..c] for c ≥ from. */
  function prefixPass(from: number): void {
    for (let m = 0; m < size; m++) {
      let running = 0;
      for (let c = 0; c < from; c++) running += diff[c * size + m]!;
      for (let c = from; c < cuts.length; c++) {
        running += diff[c * size + m]!;
        rows[c * size + m] = running;
      }
    }
  }
}

/**
 * Cut positions where only the previous unit's outputs are live (a block boundary); falls back to
 * evenly spaced positions among them when there are more than `limit`.
 */
export function blockBoundaries(
  problem: PartitionProblem,
  limit: number,
): { positions: number[]; complete: boolean } {
  const n = problem.units.length;
  const live = new Int32Array(n + 2);
  problem.tensors.forEach((tensor) => {
    const q = tensor.consumers.length ? tensor.consumers[tensor.consumers.length - 1]! : -1;
    // Crossing positions (p, q] other than p + 1 make position non-boundary.
    if (q > tensor.producer + 1) {
      live[tensor.producer + 2]!++;
      live[q + 1]!--;
    }
  });
  const boundaries: number[] = [];
  let running = 0;
  for (let i = 0; i <= n; i++) {
    running += live[i]!;
    if (running === 0) boundaries.push(i);
  }
  if (boundaries.length <= limit) return { positions: boundaries, complete: boundaries.length === n + 1 };
  const step = boundaries.length / limit;
  const picked = Array.from({ length: limit }, (_, k) => boundaries[Math.floor(k * step)]!);
  return { positions: picked, complete: false };
}
