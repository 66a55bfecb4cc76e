/**
 * A segment's outputs that its own nodes also read are handed to the graph through an Identity
 * copy. onnxruntime 1.30's extended optimizations (session levels 'extended' and 'all', which
 * verification and the tiers use) fuse some node pairs without checking that the first node's
 * result is also a graph output: on the kv-decoder-mini sample cut after its first RMSNorm's Pow,
 * the device segment sends the position ids (Range) to the edge and feeds them to the position
 * embedding's Gather itself, and `session.run` dies with SIGSEGV; the same segment with the
 * Range result written to an inner name and copied out by Identity runs, at every level. A copy of
 * a cut tensor costs nothing next to sending it over a link.
 */
import type { Graph, NodeIndex } from '../graph/types.js';
import type { NodeProto } from '../onnx/codec.js';

/** Suffix of the inner name a copied output's producer writes. */
const INNER_SUFFIX = '/cutline-inner';
/** Suffix of the name of an Identity node added to copy an output. */
const COPY_SUFFIX = '/cutline-output-copy';

/** Whether a node of a segment model is one of the copies added here (not a node of the model). */
export const isOutputCopy = (node: NodeProto): boolean =>
  node.opType === 'Identity' && (node.name ?? '').endsWith(COPY_SUFFIX);

/**
 * `nodes` (the segment's, in order) with each output in `outputs` that a node of the segment
 * also reads explicitly renamed to an inner name, plus one Identity per renamed output at the
 * end. An output read implicitly (by a sub-graph of If/Loop/Scan, which names outer values
 * itself) is left as it is: renaming it would mean rewriting the sub-graph. Changed nodes are
 * copies; the source model's nodes are not modified.
 */
export function withOutputCopies(
  graph: Graph,
  segmentNodes: readonly NodeIndex[],
  nodes: readonly NodeProto[],
  outputs: readonly string[],
): NodeProto[] {
  const readExplicitly = new Set<string>();
  const readImplicitly = new Set<string>();
  for (const n of segmentNodes) {
    for (const name of graph.nodes[n]!.inputs) if (name) readExplicitly.add(name);
    for (const name of graph.nodes[n]!.implicitInputs) readImplicitly.add(name);
  }
  const inner = new Map<string, string>();
  for (const name of outputs) {
    if (!readExplicitly.has(name) || readImplicitly.has(name)) continue;
    let candidate = `${name}${INNER_SUFFIX}`;
    while (graph.tensors.has(candidate)) candidate += '_';
    inner.set(name, candidate);
  }
  if (inner.size === 0) return [...nodes];
  const rename = (names: readonly string[] | null | undefined): string[] =>
    (names ?? []).map((name) => inner.get(name) ?? name);
  const renamed = nodes.map((node) =>
    [...(node.input ?? []), ...(node.output ?? [])].some((name) => inner.has(name))
      ? { ...node, input: rename(node.input), output: rename(node.output) }
      : node,
  );
  const copies = [...inner].map(([name, from]): NodeProto => ({
    opType: 'Identity',
    name: `${name}/cutline-output-copy`,
    input: [from],
    output: [name],
  }));
  return [...renamed, ...copies];
}
