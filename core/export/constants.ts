/**
 * Nodes whose results are fixed before any input arrives: `Constant` nodes and deterministic
 * operators that read only weights and other such results (shape vectors an exporter builds from
 * constants). A split copies them into every segment that reads them instead of shipping their
 * results across a cut: recomputing a constant costs nothing, sending it costs a round trip.
 */
import type { Graph, NodeIndex } from '../graph/types.js';

/** Operators whose output differs from run to run even on the same inputs: never copied. */
const NONDETERMINISTIC = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
  'Dropout',
]);

/**
 * One flag per node of `graph`: 1 when the node is a constant computation. Only standard-domain
 * operators without sub-graphs qualify, so copying one never changes what a model computes.
 */
export function constantNodes(graph: Graph): Uint8Array {
  const constant = new Uint8Array(graph.nodes.length);
  for (const index of graph.order) {
    const node = graph.nodes[index]!;
    if (node.domain !== '' || node.subgraphs.size > 0 || NONDETERMINISTIC.has(node.opType)) continue;
    const fixed = node.inputs.every((name) => {
      if (name === '') return true;
      const tensor = graph.tensors.get(name);
      if (tensor?.kind === 'initializer') return true;
      return tensor?.kind === 'node-output' && constant[tensor.producer] === 1;
    });
    if (fixed) constant[index] = 1;
  }
  return constant;
}

/**
 * The constant nodes `nodes` read, directly or through other constant nodes (inputs and names
 * their sub-graphs read from the enclosing graph alike).
 */
export function constantClosure(
  graph: Graph,
  constant: Uint8Array,
  nodes: Iterable<NodeIndex>,
): Set<NodeIndex> {
  const found = new Set<NodeIndex>();
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = graph.nodes[stack.pop()!]!;
    for (const name of [...node.inputs, ...node.implicitInputs]) {
      const producer = name ? (graph.tensors.get(name)?.producer ?? -1) : -1;
      if (producer < 0 || constant[producer] !== 1 || found.has(producer)) continue;
      found.add(producer);
      stack.push(producer);
    }
  }
  return found;
}
