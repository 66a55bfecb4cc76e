import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { GraphNode, GraphTensor, NodeIndex } from './types.js';

type Producers = ReadonlyMap<string, Pick<GraphTensor, 'producer'>>;

/**
 * A topological order of the nodes. Files are nearly always sorted already (ONNX requires it),
 * so the file order is checked first in one pass; otherwise Kahn's algorithm with a min-heap
 * keeps the order as close to the file's as dependencies allow. A cycle is an error naming the
 * nodes on it.
 */
export function topologicalOrder(
  nodes: readonly GraphNode[],
  tensors: Producers,
  graphName: string,
): NodeIndex[] {
  const producersOf = (node: GraphNode): NodeIndex[] => {
    const result: NodeIndex[] = [];
    for (const input of [...node.inputs, ...node.implicitInputs]) {
      const producer = input ? (tensors.get(input)?.producer ?? -1) : -1;
      if (producer >= 0) result.push(producer);
    }
    return result;
  };
  if (nodes.every((node) => producersOf(node).every((p) => p < node.index))) return nodes.map((n) => n.index);

  const indegree = new Int32Array(nodes.length);
  const successors: NodeIndex[][] = nodes.map(() => []);
  for (const node of nodes) {
    for (const p of new Set(producersOf(node))) {
      indegree[node.index]!++;
      successors[p]!.push(node.index);
    }
  }
  const heap = new MinHeap();
  nodes.forEach((n) => indegree[n.index] === 0 && heap.push(n.index));
  const order: NodeIndex[] = [];
  while (heap.size > 0) {
    const n = heap.pop();
    order.push(n);
    for (const s of successors[n]!) if (--indegree[s]! === 0) heap.push(s);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.filter((n) => indegree[n.index]! > 0).map((n) => quoteName(n.name));
    const shown = stuck.slice(0, 5).join(', ') + (stuck.length > 5 ? `, … (${stuck.length} nodes)` : '');
    throw new CutlineError(
      'GRAPH_CYCLE',
      `Graph ${quoteName(graphName)} has a cycle through ${shown}. ONNX graphs must be acyclic; export the model again.`,
    );
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= value) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = value;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
