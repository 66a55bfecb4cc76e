import type { Graph, NodeIndex } from './types.js';

/** Nodes whose outputs this node reads (each once, in input order). */
export function predecessors(graph: Graph, node: NodeIndex): NodeIndex[] {
  const n = graph.nodes[node];
  if (!n) return [];
  const result = new Set<NodeIndex>();
  for (const input of [...n.inputs, ...n.implicitInputs]) {
    const producer = input ? (graph.tensors.get(input)?.producer ?? -1) : -1;
    if (producer >= 0) result.add(producer);
  }
  return [...result];
}

/** Nodes that read this node's outputs (each once). */
export function successors(graph: Graph, node: NodeIndex): NodeIndex[] {
  const n = graph.nodes[node];
  if (!n) return [];
  const result = new Set<NodeIndex>();
  for (const output of n.outputs) {
    if (output) for (const c of graph.tensors.get(output)?.consumers ?? []) result.add(c);
  }
  return [...result];
}

/** Finds a node by its (unique) name. */
export function nodeByName(graph: Graph, name: string): NodeIndex | undefined {
  return graph.nodes.find((n) => n.name === name)?.index;
}
