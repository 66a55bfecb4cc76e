/**
 * Maximum flow / minimum s-t cut by Dinic's algorithm (level graph + blocking flows), on typed
 * arrays so that graphs of 10⁵ arcs solve in milliseconds. Capacities are non-negative floats;
 * `Infinity` marks an arc that must never be cut. Used by the min-cut partition solvers (DADS).
 */

export class FlowNetwork {
  private heads: Int32Array;
  private next: Int32Array;
  private to: Int32Array;
  private capacity: Float64Array;
  private arcCount = 0;

  constructor(
    readonly nodeCount: number,
    expectedArcs = 16,
  ) {
    this.heads = new Int32Array(nodeCount).fill(-1);
    const size = Math.max(2, expectedArcs * 2);
    this.next = new Int32Array(size);
    this.to = new Int32Array(size);
    this.capacity = new Float64Array(size);
  }

  /** Adds an arc from → to with the given capacity (and its zero-capacity residual twin). */
  addArc(from: number, to: number, capacity: number): void {
    if (!(capacity >= 0)) throw new RangeError(`arc ${from}→${to}: capacity must be ≥ 0, got ${capacity}`);
    if (capacity === 0 || from === to) return;
    if (this.arcCount + 2 > this.to.length) this.grow();
    this.push(from, to, capacity);
    this.push(to, from, 0);
  }

  private push(from: number, to: number, capacity: number): void {
    const arc = this.arcCount++;
    this.to[arc] = to;
    this.capacity[arc] = capacity;
    this.next[arc] = this.heads[from]!;
    this.heads[from] = arc;
  }

  private grow(): void {
    const size = this.to.length * 2;
    const grown = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.next = grown(this.next);
    this.to = grown(this.to);
    const capacity = new Float64Array(size);
    capacity.set(this.capacity);
    this.capacity = capacity;
  }

  /**
   * Pushes the maximum flow from `source` to `sink` and returns its value and the source side
   * of a minimum cut (`true` = reachable from the source in the residual graph). A value of
   * `Infinity` means every cut crosses an uncuttable arc.
   */
  minCut(source: number, sink: number): { value: number; sourceSide: Uint8Array } {
    const n = this.nodeCount;
    const level = new Int32Array(n);
    const cursor = new Int32Array(n);
    const queue = new Int32Array(n);
    const { heads, next, to, capacity } = this;
    let total = 0;
    // A residual within float dust of zero counts as saturated. The dust is relative to the arc's
    // own capacity: a graph-wide threshold would let one huge arc swallow small real residuals.
    const pairs = this.arcCount >> 1;
    const tolerance = new Float64Array(pairs);
    for (let pair = 0; pair < pairs; pair++) {
      const c = capacity[2 * pair]!;
      tolerance[pair] = c === Infinity ? 0 : 1e-12 * c;
    }
    const open = (a: number): boolean => capacity[a]! > tolerance[a >> 1]!;

    const buildLevels = (): boolean => {
      level.fill(-1);
      level[source] = 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = source;
      while (head < tail) {
        const v = queue[head++]!;
        // Nodes at the sink's depth or deeper cannot be on a shortest path: stop there.
        if (level[sink] !== -1 && level[v]! >= level[sink]!) break;
        for (let a = heads[v]!; a !== -1; a = next[a]!) {
          const w = to[a]!;
          if (level[w] === -1 && open(a)) {
            level[w] = level[v]! + 1;
            queue[tail++] = w;
          }
        }
      }
      return level[sink] !== -1;
    };

    // Iterative DFS for one augmenting path along the level graph, advancing per-node cursors.
    const pathArcs = new Int32Array(n);
    const augment = (): number => {
      let depth = 0;
      let v = source;
      for (;;) {
        if (v === sink) {
          let bottleneck = Infinity;
          for (let i = 0; i < depth; i++) bottleneck = Math.min(bottleneck, capacity[pathArcs[i]!]!);
          if (bottleneck === Infinity) return Infinity;
          for (let i = 0; i < depth; i++) {
            const a = pathArcs[i]!;
            capacity[a] = capacity[a]! - bottleneck;
            capacity[a ^ 1] = capacity[a ^ 1]! + bottleneck;
          }
          return bottleneck;
        }
        let advanced = false;
        for (let a = cursor[v]!; a !== -1; a = next[a]!) {
          const w = to[a]!;
          if (open(a) && level[w] === level[v]! + 1) {
            cursor[v] = a;
            pathArcs[depth++] = a;
            v = w;
            advanced = true;
            break;
          }
        }
        if (advanced) continue;
        // Dead end: retire v from this phase and step back.
        level[v] = -1;
        if (depth === 0) return 0;
        const a = pathArcs[--depth]!;
        v = to[a ^ 1]!;
        cursor[v] = next[cursor[v]!]!;
      }
    };

    while (buildLevels()) {
      cursor.set(heads);
      for (;;) {
        const pushed = augment();
        if (pushed === Infinity) return { value: Infinity, sourceSide: this.reachable(source, open) };
        if (pushed === 0) break;
        total += pushed;
      }
    }
    return { value: total, sourceSide: this.reachable(source, open) };
  }

  private reachable(source: number, open: (arc: number) => boolean): Uint8Array {
    const seen = new Uint8Array(this.nodeCount);
    const stack = [source];
    seen[source] = 1;
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (let a = this.heads[v]!; a !== -1; a = this.next[a]!) {
        const w = this.to[a]!;
        if (!seen[w] && open(a)) {
          seen[w] = 1;
          stack.push(w);
        }
      }
    }
    return seen;
  }
}
