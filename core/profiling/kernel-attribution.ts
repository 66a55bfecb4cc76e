/**
 * Which original node each kernel of an optimised onnxruntime session belongs to. With graph
 * optimisations on, ORT renames what it rewrites: a fused Conv keeps its anchor's name, an NCHWc
 * kernel is named after the tensor it writes plus `_nchwc`, a MatMul that took its bias is
 * `<MatMul's name>/MatMulAddFusion`, and layout changes at the boundaries
 * (`ReorderInput`, `ReorderOutput`) or constant plumbing belong to no node of the model. Each
 * kernel's time goes to the fusion anchor (`fusionAnchors`) of the node it came from; what belongs
 * to no node is a boundary cost of the run.
 */
import type { Graph, NodeIndex } from '../graph/types.js';
import type { TraceRun } from './trace.js';

const NCHWC_SUFFIX = '_nchwc';

export interface AttributedRun {
  /** Kernel time per fusion anchor, ms. */
  readonly anchorMs: ReadonlyMap<NodeIndex, number>;
  /** Kernels of no node of the model (reorders, plumbing ORT added), ms. */
  readonly boundaryMs: number;
  /** Kernels that ran, attributed or not. */
  readonly kernels: number;
}

/** The original node a kernel of the optimised session came from, or -1. */
export function kernelNode(
  graph: Graph,
  nodeByName: ReadonlyMap<string, NodeIndex>,
  kernel: string,
): NodeIndex {
  const named = nodeByName.get(kernel);
  if (named !== undefined) return named;
  const tensor = kernel.endsWith(NCHWC_SUFFIX) ? kernel.slice(0, -NCHWC_SUFFIX.length) : kernel;
  const producer = graph.tensors.get(tensor)?.producer ?? -1;
  if (producer >= 0) return producer;
  // A rewrite that keeps its anchor's name as a prefix: `<MatMul's name>/MatMulAddFusion`.
  const slash = kernel.lastIndexOf('/');
  return slash > 0 ? (nodeByName.get(kernel.slice(0, slash)) ?? -1) : -1;
}

/** One run's kernels, attributed to the anchors in `anchors` (indexed like `graph.nodes`). */
export function attributeRun(graph: Graph, anchors: Int32Array, run: TraceRun): AttributedRun {
  const nodeByName = new Map(graph.nodes.map((n) => [n.name, n.index]));
  const anchorMs = new Map<NodeIndex, number>();
  let boundaryMs = 0;
  for (const [name, kernel] of run.kernels) {
    const node = kernelNode(graph, nodeByName, name);
    if (node < 0) {
      boundaryMs += kernel.ms;
      continue;
    }
    const anchor = anchors[node]!;
    anchorMs.set(anchor, (anchorMs.get(anchor) ?? 0) + kernel.ms);
  }
  return { anchorMs, boundaryMs, kernels: run.kernels.size };
}
