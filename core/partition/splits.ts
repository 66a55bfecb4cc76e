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
import { addCrossing, addSegment, metricLayout, unitPrefixSums, type MetricLayout } from './split-metrics.js';

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

/** Receives each candidate with its metrics at `metrics[at .. at + layout.size)`. */
export type SplitVisitor = (candidate: SplitCandidate, metrics: Float64Array, at: number) => void;

export interface SplitEnumeration {
  readonly layout: MetricLayout;
  /** Number of candidates visited. */
  count: number;
}

/**
 * Visits every candidate of the family whose cut positions lie in `positions` (ascending, within
 * 0..n; both 0 and n are always included).
 */
export function enumerateSplits(
  problem: PartitionProblem,
  kind: SplitKind,
  server: number,
  positions: readonly number[],
  visit: SplitVisitor,
): SplitEnumeration {
  const n = problem.units.length;
  const layout = metricLayout(problem.tiers.length);
  const prefix = unitPrefixSums(problem, layout);
  const cuts = [...new Set([0, ...positions, n])].filter((p) => p >= 0 && p <= n).sort((a, b) => a - b);
  // slot[j] = index of the first cut position ≥ j: turns j-intervals into cut-index intervals.
  const slot = new Int32Array(n + 2);
  for (let j = n + 1, c = cuts.length; j >= 0; j--) {
    while (c > 0 && cuts[c - 1]! >= j) c--;
    slot[j] = c;
  }
  const lastReader = problem.tensors.map((t) =>
    t.consumers.length ? t.consumers[t.consumers.length - 1]! : -1,
  );
  const result: SplitEnumeration = { layout, count: 0 };
  const size = layout.size;
  const rows = new Float64Array((cuts.length + 1) * size);

  /** Adds the crossing of tensor t to every cut index c with jFrom ≤ cuts[c] ≤ jTo. */
  const addRange = (
    jFrom: number,
    jTo: number,
    t: number,
    from: number,
    lowest: number,
    highest: number,
  ): void => {
    if (jTo < jFrom || (lowest === from && highest === from)) return;
    const first = slot[Math.max(jFrom, 0)]!;
    const end = slot[jTo + 1]!;
    if (end <= first) return;
    addCrossing(rows, first * size, problem, layout, t, from, lowest, highest, 1);
    addCrossing(rows, end * size, problem, layout, t, from, lowest, highest, -1);
  };
  const emit = (i: number, firstCut: number): void => {
    // Running sum over cut indices turns the difference rows into per-candidate crossings.
    for (let c = firstCut + 1; c < cuts.length; c++) {
      for (let m = 0; m < size; m++) rows[c * size + m]! += rows[(c - 1) * size + m]!;
    }
    for (let c = firstCut; c < cuts.length; c++) {
      const j = cuts[c]!;
      const at = c * size;
      addSegment(rows, at, prefix[0]!, layout, 0, i);
      if (kind === 'single') addSegment(rows, at, prefix[server]!, layout, i, n);
      else {
        addSegment(rows, at, prefix[server]!, layout, i, j);
        addSegment(rows, at, prefix[kind === 'return' ? 0 : 2]!, layout, j, n);
      }
      result.count++;
      visit({ kind, i, j: kind === 'single' ? n : j, server }, rows, at);
    }
  };

  if (kind === 'single') {
    rows.fill(0);
    // Here the cut index runs over i (the only cut); j is fixed at n.
    problem.tensors.forEach((tensor, t) => {
      const p = tensor.producer;
      const q = lastReader[t]!;
      // Produced on the device (p < i) and read on the server (q ≥ i).
      if (q > p) addRange(p + 1, q, t, 0, 0, server);
      // Produced on the server (p ≥ i), needed back on the device as a result.
      if (p >= 0 && tensor.isOutput) addRange(0, p, t, server, 0, server);
    });
    for (let c = 1; c < cuts.length; c++) {
      for (let m = 0; m < size; m++) rows[c * size + m]! += rows[(c - 1) * size + m]!;
    }
    cuts.forEach((i, c) => {
      const at = c * size;
      addSegment(rows, at, prefix[0]!, layout, 0, i);
      addSegment(rows, at, prefix[server]!, layout, i, n);
      result.count++;
      visit({ kind, i, j: n, server }, rows, at);
    });
    return result;
  }

  for (let ci = 0; ci < cuts.length; ci++) {
    const i = cuts[ci]!;
    rows.fill(0);
    problem.tensors.forEach((tensor, t) => {
      const p = tensor.producer;
      const q = lastReader[t]!;
      if (kind === 'return') {
        if (p < i) {
          // On the device; goes up once the middle segment reaches its first reader at or after i.
          const f = firstReaderFrom(tensor.consumers, i);
          if (f >= 0) addRange(f + 1, n, t, 0, 0, server);
        } else {
          // On the server while j > p; comes down if read after j or needed as a result.
          addRange(p + 1, tensor.isOutput ? n : q, t, server, 0, server);
        }
        return;
      }
      // tiered: device [0,i), edge [i,j), cloud [j,n)
      if (p < i) {
        if (q < i) return;
        addRange(i, q, t, 0, 0, 2); // a reader in the cloud (j ≤ q)
        addRange(q + 1, n, t, 0, 0, 1); // readers only on the edge
      } else {
        const low = tensor.isOutput ? 0 : 1;
        addRange(p + 1, q, t, 1, low, 2); // on the edge, read in the cloud
        addRange(Math.max(p + 1, q + 1), n, t, 1, low, 1); // on the edge, read there only
        addRange(i, p, t, 2, tensor.isOutput ? 0 : 2, 2); // in the cloud
      }
    });
    emit(i, ci);
  }
  return result;
}

function firstReaderFrom(consumers: Int32Array, from: number): number {
  let lo = 0;
  let hi = consumers.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (consumers[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < consumers.length ? consumers[lo]! : -1;
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
