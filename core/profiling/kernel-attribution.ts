/**
 * Which original node each kernel of an optimised onnxruntime session belongs to. With graph
 * optimisations on, ORT renames what it rewrites: a fused Conv keeps its anchor's name, an NCHWc
 * kernel is named after the tensor it writes plus `_nchwc`, a MatMul that took its bias is
 * `<MatMul's name>/MatMulAddFusion` (some fusions add a trailing `/`), and a kernel that replaced a
 * pattern under a name of its own (`BiasGelu_token_3`, `Gelu`) is found through the optimised
 * graph onnxruntime wrote: it writes the tensor the pattern's last node wrote. Layout changes
 * (`ReorderInput`, `ReorderOutput`) and constant plumbing belong to no node of the model. Each
 * kernel's time goes to the fusion anchor (`fusionAnchors`) of the node it came from; what belongs
 * to no node is a boundary cost of the run.
 */
import type { Graph, NodeIndex } from '../graph/types.js';
import type { TraceRun } from './trace.js';

const NCHWC_SUFFIX = '_nchwc';

/**
 * The version of the attribution rules and fusion patterns: timings kept by a calibration
 * (kernel-table.ts) were attributed by the rules of their day and are re-timed when it changes.
 * 2: fused GELU and LayerNorm patterns, trailing-slash names, kernels found through the optimised graph.
 */
export const KERNEL_ATTRIBUTION_VERSION = 2;

/** A node of the graph onnxruntime optimised: its kernel's name keys it. */
export interface OptimizedNode {
  readonly opType: string;
  readonly outputs: readonly string[];
  /** Names of the optimised nodes reading its outputs. */
  readonly readers?: readonly string[];
}

/** Layout changes onnxruntime inserts: boundary cost, never a node's. */
const LAYOUT_OPS = new Set(['ReorderInput', 'ReorderOutput']);

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
  optimized?: ReadonlyMap<string, OptimizedNode>,
  depth = 0,
): NodeIndex {
  const rewritten = optimized?.get(kernel);
  if (rewritten && LAYOUT_OPS.has(rewritten.opType)) return -1;
  const named = nodeByName.get(kernel);
  if (named !== undefined) return named;
  const tensor = kernel.endsWith(NCHWC_SUFFIX) ? kernel.slice(0, -NCHWC_SUFFIX.length) : kernel;
  const producer = graph.tensors.get(tensor)?.producer ?? -1;
  if (producer >= 0) return producer;
  // A rewrite that keeps its anchor's name as a prefix: `<MatMul's name>/MatMulAddFusion`, or
  // `<Mul's name>/LayerNormFusion/`.
  const trimmed = kernel.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const prefixed = slash > 0 ? nodeByName.get(trimmed.slice(0, slash)) : undefined;
  if (prefixed !== undefined) return prefixed;
  // A kernel under a name of its own writes a tensor of the original graph, or feeds one that
  // does (the Reshape MatMulAddFusion puts before its Gemm belongs to the Gemm).
  for (const output of rewritten?.outputs ?? []) {
    const writer = graph.tensors.get(output)?.producer ?? -1;
    if (writer >= 0) return writer;
  }
  if (depth < 2)
    for (const reader of rewritten?.readers ?? []) {
      const node = kernelNode(graph, nodeByName, reader, optimized, depth + 1);
      if (node >= 0) return node;
    }
  return -1;
}

/** One run's kernels, attributed to the anchors in `anchors` (indexed like `graph.nodes`). */
export function attributeRun(
  graph: Graph,
  anchors: Int32Array,
  run: TraceRun,
  optimized?: ReadonlyMap<string, OptimizedNode>,
): AttributedRun {
  const nodeByName = new Map(graph.nodes.map((n) => [n.name, n.index]));
  const anchorMs = new Map<NodeIndex, number>();
  let boundaryMs = 0;
  for (const [name, kernel] of run.kernels) {
    const node = kernelNode(graph, nodeByName, name, optimized);
    if (node < 0) {
      boundaryMs += kernel.ms;
      continue;
    }
    const anchor = anchors[node]!;
    anchorMs.set(anchor, (anchorMs.get(anchor) ?? 0) + kernel.ms);
  }
  return { anchorMs, boundaryMs, kernels: run.kernels.size };
}
