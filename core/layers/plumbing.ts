/**
 * Exporter plumbing: nodes that compute nothing from the data. A tensor is static when it is an
 * initializer, a Constant output, the output of Shape or Size (they read only metadata), or an
 * output of a node all of whose inputs are static. A node is plumbing when it is Constant,
 * Shape or Size, or all its non-empty inputs (and values its sub-graphs read) are static.
 * Random generators and operators of other domains (unknown semantics) are never plumbing.
 */
import type { Graph, GraphNode, NodeIndex } from '../graph/types.js';

/** Operators that read only the shape of their input. */
export const METADATA_OPS: ReadonlySet<string> = new Set(['Shape', 'Size']);

/** Operators that produce fresh data from nothing static: never plumbing. */
const DATA_SOURCES: ReadonlySet<string> = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

export interface Plumbing {
  readonly staticTensors: ReadonlySet<string>;
  readonly plumbing: ReadonlySet<NodeIndex>;
}

function isPlumbingNode(node: GraphNode, staticTensors: ReadonlySet<string>): boolean {
  if (node.domain !== '' || DATA_SOURCES.has(node.opType)) return false;
  if (node.opType === 'Constant' || METADATA_OPS.has(node.opType)) return true;
  return [...node.inputs, ...node.implicitInputs].every((name) => !name || staticTensors.has(name));
}

/** Static tensors and plumbing nodes of `graph`, found in one pass in topological order. */
export function findPlumbing(graph: Graph): Plumbing {
  const staticTensors = new Set<string>();
  for (const t of graph.tensors.values()) if (t.kind === 'initializer') staticTensors.add(t.name);
  const plumbing = new Set<NodeIndex>();
  for (const index of graph.order) {
    const node = graph.nodes[index];
    if (!node || !isPlumbingNode(node, staticTensors)) continue;
    plumbing.add(index);
    for (const output of node.outputs) if (output) staticTensors.add(output);
  }
  return { staticTensors, plumbing };
}
