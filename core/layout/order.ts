/**
 * Slots within each (lane, rank): waypoint nodes for short same-lane edges (one trunk per
 * source), then barycentre sweeps (Sugiyama, Tagawa and Toda 1981) that pull each node toward
 * its neighbours in the adjacent rank to reduce crossings. A slot is a position across the
 * flow: with ranks going down, slot 0 is the leftmost place of a lane at a rank.
 */
import { adjacency, type EdgeArrays } from './rank.js';

export interface OrderingInput {
  readonly nodeCount: number;
  readonly laneCount: number;
  readonly laneOf: Uint8Array;
  readonly rank: Int32Array;
  readonly rankCount: number;
  /** Nodes in topological order: the initial slot order. */
  readonly order: Int32Array;
  readonly forward: EdgeArrays;
  readonly maxRoutedSpan: number;
  readonly sweeps: number;
  /** Called before each sweep; false stops the ordering. */
  readonly proceed: (sweep: number) => boolean;
}

export interface Ordering {
  /** Of every node: real ones are 0..nodeCount − 1, waypoints after them. */
  readonly rankOf: Int32Array;
  readonly laneOf: Uint8Array;
  /** Slot of every node (real or waypoint) within its (lane, rank). */
  readonly slot: Int32Array;
  /** Slots used by each (lane, rank): index `lane × rankCount + rank`. */
  readonly slotsUsed: Int32Array;
  /**
   * Waypoints of edge e, in order along the forward edge: `waypointCount[e]` nodes from
   * `waypointStart[e]` (edges from one source share the start of one trunk).
   */
  readonly waypointStart: Int32Array;
  readonly waypointCount: Int32Array;
}

/** @returns null when `proceed` stopped it. */
export function orderRows(input: OrderingInput): Ordering | null {
  const { nodeCount, laneCount, rankCount, forward, maxRoutedSpan } = input;
  const edgeCount = forward.source.length;
  const routed = (e: number): boolean => {
    const s = forward.source[e]!;
    const t = forward.target[e]!;
    return input.laneOf[s] === input.laneOf[t] && input.rank[t]! - input.rank[s]! <= maxRoutedSpan;
  };
  // One trunk of waypoints per source, as long as its longest routed edge: every routed edge
  // of the source runs along a prefix of it, so a tensor read by many layers ahead (a skip
  // connection, a LayerNorm feeding q, k and v) takes one slot, not one per reader.
  const trunkLength = new Int32Array(nodeCount);
  for (let e = 0; e < edgeCount; e++) {
    if (!routed(e)) continue;
    const s = forward.source[e]!;
    trunkLength[s] = Math.max(trunkLength[s]!, input.rank[forward.target[e]!]! - input.rank[s]! - 1);
  }
  const trunkStart = new Int32Array(nodeCount);
  let total = nodeCount;
  for (let v = 0; v < nodeCount; v++) {
    trunkStart[v] = total;
    total += trunkLength[v]!;
  }
  const rankOf = new Int32Array(total);
  rankOf.set(input.rank);
  const laneOf = new Uint8Array(total);
  laneOf.set(input.laneOf);
  const segFrom: number[] = [];
  const segTo: number[] = [];
  for (let v = 0; v < nodeCount; v++) {
    let previous = v;
    for (let k = 0; k < trunkLength[v]!; k++) {
      const w = trunkStart[v]! + k;
      rankOf[w] = input.rank[v]! + k + 1;
      laneOf[w] = input.laneOf[v]!;
      segFrom.push(previous);
      segTo.push(w);
      previous = w;
    }
  }
  const waypointStart = new Int32Array(edgeCount);
  const waypointCount = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    if (!routed(e)) continue;
    const s = forward.source[e]!;
    const t = forward.target[e]!;
    const count = input.rank[t]! - input.rank[s]! - 1;
    waypointStart[e] = trunkStart[s]!;
    waypointCount[e] = count;
    segFrom.push(count > 0 ? trunkStart[s]! + count - 1 : s);
    segTo.push(t);
  }

  // Buckets (lane, rank) as slices of one array; real nodes first in topological order, so
  // that a waypoint tied with a real node goes beside it and chains stay in slot 0.
  const bucketCount = laneCount * rankCount;
  const bucketOf = (v: number): number => laneOf[v]! * rankCount + rankOf[v]!;
  const bucketStart = new Int32Array(bucketCount + 1);
  for (let v = 0; v < total; v++) bucketStart[bucketOf(v) + 1]!++;
  for (let b = 0; b < bucketCount; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const fill = bucketStart.slice(0, bucketCount);
  const slots = new Int32Array(total);
  const slotOf = new Int32Array(total);
  const place = (v: number): void => {
    const b = bucketOf(v);
    slotOf[v] = fill[b]! - bucketStart[b]!;
    slots[fill[b]!++] = v;
  };
  for (const v of input.order) place(v);
  for (let w = nodeCount; w < total; w++) place(w);

  const segmentFrom = Int32Array.from(segFrom);
  const segmentTo = Int32Array.from(segTo);
  const up = adjacency(total, segmentTo);
  const down = adjacency(total, segmentFrom);
  const key = new Float64Array(total);
  const sortBucket = (b: number, neighbours: typeof up, ends: Int32Array): void => {
    const from = bucketStart[b]!;
    const to = bucketStart[b + 1]!;
    if (to - from < 2) return;
    for (let i = from; i < to; i++) {
      const v = slots[i]!;
      const first = neighbours.start[v]!;
      const last = neighbours.start[v + 1]!;
      if (first === last) {
        key[v] = slotOf[v]!;
        continue;
      }
      let sum = 0;
      for (let j = first; j < last; j++) sum += slotOf[ends[neighbours.list[j]!]!]!;
      key[v] = sum / (last - first);
    }
    sortSlice(slots, from, to, key, slotOf);
    for (let i = from; i < to; i++) slotOf[slots[i]!] = i - from;
  };
  for (let sweep = 0; sweep < input.sweeps; sweep++) {
    if (!input.proceed(sweep)) return null;
    const downward = sweep % 2 === 0;
    for (let step = 1; step < rankCount; step++) {
      const r = downward ? step : rankCount - 1 - step;
      for (let lane = 0; lane < laneCount; lane++) {
        if (downward) sortBucket(lane * rankCount + r, up, segmentFrom);
        else sortBucket(lane * rankCount + r, down, segmentTo);
      }
    }
  }
  const slotsUsed = new Int32Array(bucketCount);
  for (let b = 0; b < bucketCount; b++) slotsUsed[b] = bucketStart[b + 1]! - bucketStart[b]!;
  return { rankOf, laneOf, slot: slotOf, slotsUsed, waypointStart, waypointCount };
}

/** Sorts `slots[from..to)` by key, ties by current slot (so the sort is stable and deterministic). */
function sortSlice(slots: Int32Array, from: number, to: number, key: Float64Array, slotOf: Int32Array): void {
  const before = (a: number, b: number): boolean =>
    key[a]! < key[b]! || (key[a] === key[b] && slotOf[a]! < slotOf[b]!);
  if (to - from <= 16) {
    for (let i = from + 1; i < to; i++) {
      const v = slots[i]!;
      let j = i - 1;
      while (j >= from && before(v, slots[j]!)) {
        slots[j + 1] = slots[j]!;
        j--;
      }
      slots[j + 1] = v;
    }
    return;
  }
  const part = Array.from(slots.subarray(from, to));
  part.sort((a, b) => key[a]! - key[b]! || slotOf[a]! - slotOf[b]!);
  slots.set(part, from);
}
