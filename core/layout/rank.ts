/** Ranks (levels down the flow) of the layered layout: cycle breaking and longest-path layering. */

/** Edges as parallel arrays of node indices. */
export interface EdgeArrays {
  readonly source: Int32Array;
  readonly target: Int32Array;
}

/** Compressed adjacency: the edges of node v are `list[start[v]] .. list[start[v + 1] - 1]`. */
export interface Adjacency {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/** Adjacency of `from[e] → to[e]` over `nodeCount` nodes, listing edge indices, in edge order. */
export function adjacency(nodeCount: number, from: Int32Array): Adjacency {
  const start = new Int32Array(nodeCount + 1);
  for (const v of from) start[v + 1]!++;
  for (let v = 0; v < nodeCount; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, nodeCount);
  const list = new Int32Array(from.length);
  from.forEach((v, e) => {
    list[fill[v]!++] = e;
  });
  return { start, list };
}

export interface Ranking {
  /** Position of each node in the topological order used. */
  readonly position: Int32Array;
  /** Nodes in that order. */
  readonly order: Int32Array;
  /** Edges pointing forward in that order (a reversed edge's ends are swapped). */
  readonly forward: EdgeArrays;
  readonly reversed: Uint8Array;
  readonly rank: Int32Array;
  readonly rankCount: number;
}

/**
 * A topological order that keeps the input order wherever it already is one (Kahn's algorithm
 * always taking the lowest-indexed ready node); on a cycle it takes the lowest-indexed node
 * left, and the edges it then runs against are reversed. O((V + E) log V); O(V + E) when the
 * input order is already topological, the usual case.
 */
function topologicalPositions(nodeCount: number, edges: EdgeArrays): Int32Array {
  const position = new Int32Array(nodeCount);
  let sorted = true;
  for (let e = 0; e < edges.source.length && sorted; e++) sorted = edges.source[e]! < edges.target[e]!;
  if (sorted) {
    for (let v = 0; v < nodeCount; v++) position[v] = v;
    return position;
  }
  const out = adjacency(nodeCount, edges.source);
  const inDegree = new Int32Array(nodeCount);
  for (const t of edges.target) inDegree[t]!++;
  const done = new Uint8Array(nodeCount);
  const ready = new MinHeap();
  for (let v = 0; v < nodeCount; v++) if (inDegree[v] === 0) ready.push(v);
  let next = 0;
  let scan = 0;
  while (next < nodeCount) {
    let v = ready.pop();
    while (v !== undefined && done[v]) v = ready.pop();
    if (v === undefined) {
      while (done[scan]) scan++;
      v = scan; // a cycle: break it at the earliest node left
    }
    done[v] = 1;
    position[v] = next++;
    for (let i = out.start[v]!; i < out.start[v + 1]!; i++) {
      const t = edges.target[out.list[i]!]!;
      if (!done[t] && --inDegree[t]! === 0) ready.push(t);
    }
  }
  return position;
}

/**
 * Ranks nodes by the longest path from the sources: `rank(v) = max(rank(u) + 1)` over the
 * forward edges u → v, 0 for a source. Then each source that feeds something moves down to
 * just before its earliest consumer (`rank(s) = min(rank(w)) − 1`), so a layer reading only a
 * graph input does not sit in the first rank with a long edge to where it is used.
 */
export function rankNodes(nodeCount: number, edges: EdgeArrays): Ranking {
  const position = topologicalPositions(nodeCount, edges);
  const order = new Int32Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) order[position[v]!] = v;
  const edgeCount = edges.source.length;
  const source = new Int32Array(edgeCount);
  const target = new Int32Array(edgeCount);
  const reversed = new Uint8Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const s = edges.source[e]!;
    const t = edges.target[e]!;
    const back = position[s]! > position[t]!;
    reversed[e] = back ? 1 : 0;
    source[e] = back ? t : s;
    target[e] = back ? s : t;
  }
  const out = adjacency(nodeCount, source);
  const inDegree = new Int32Array(nodeCount);
  for (const t of target) inDegree[t]!++;
  const rank = new Int32Array(nodeCount);
  for (const v of order) {
    for (let i = out.start[v]!; i < out.start[v + 1]!; i++) {
      const t = target[out.list[i]!]!;
      if (rank[t]! <= rank[v]!) rank[t] = rank[v]! + 1;
    }
  }
  for (let p = nodeCount - 1; p >= 0; p--) {
    const v = order[p]!;
    if (inDegree[v] !== 0 || out.start[v] === out.start[v + 1]) continue;
    let earliest = Infinity;
    for (let i = out.start[v]!; i < out.start[v + 1]!; i++)
      earliest = Math.min(earliest, rank[target[out.list[i]!]!]!);
    rank[v] = earliest - 1;
  }
  let rankCount = 0;
  for (const r of rank) rankCount = Math.max(rankCount, r + 1);
  return { position, order, forward: { source, target }, reversed, rank, rankCount };
}

/** A binary min-heap of non-negative integers. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]! < items[left]! ? right : left;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
