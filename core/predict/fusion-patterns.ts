/**
 * Multi-node patterns onnxruntime's CPU graph optimisations (level `all`, as a tier serves its
 * segment) replace with one kernel: GELU written out with Erf (GeluFusion, and BiasGelu when a
 * bias Add feeds it) and LayerNorm written out as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div
 * with its scale and shift (LayerNormFusion). Older exporters and hand-built transformers write
 * both out; onnxruntime then runs one kernel where the graph holds five to nine nodes, so costing
 * each node alone (each with a launch, each reading and writing the whole tensor) misjudges them.
 *
 * A pattern's nodes all fold into its last node, the anchor, which stands for the fused kernel:
 * an activation (GELU) or a normalisation (LayerNorm) reading the pattern's input once and
 * writing its output once. Matching is structural and strict: every intermediate result has
 * exactly one reader inside the pattern (the centred tensor of a LayerNorm two) and is not a
 * graph output, and the constants are scalars, as onnxruntime's own fusions require.
 */
import type { Graph, GraphNode, NodeIndex } from '../graph/types.js';
import type { KernelKind } from '../profiles/types.js';

export interface FusedPattern {
  /** The node standing for the fused kernel: the pattern's last node. */
  readonly anchor: NodeIndex;
  /** What onnxruntime runs for it. */
  readonly kind: Extract<KernelKind, 'activation' | 'normalization'>;
  /** Every node of the pattern, the anchor included. */
  readonly members: readonly NodeIndex[];
}

/** The GELU and LayerNorm patterns of `graph`, by anchor; no node is in two. */
export function fusedPatterns(graph: Graph): Map<NodeIndex, FusedPattern> {
  const patterns = new Map<NodeIndex, FusedPattern>();
  const taken = new Set<NodeIndex>();
  const add = (pattern: FusedPattern | undefined): void => {
    if (!pattern || pattern.members.some((m) => taken.has(m))) return;
    for (const m of pattern.members) taken.add(m);
    patterns.set(pattern.anchor, pattern);
  };
  for (const index of graph.order) {
    const node = graph.nodes[index]!;
    if (node.domain !== '') continue;
    if (node.opType === 'Erf') add(geluAt(graph, node));
    else if (node.opType === 'Div') add(layerNormAt(graph, node));
  }
  return patterns;
}

/** The node producing `tensor`, if any. */
function producerOf(graph: Graph, tensor: string | undefined): GraphNode | undefined {
  const producer = tensor ? (graph.tensors.get(tensor)?.producer ?? -1) : -1;
  return producer >= 0 ? graph.nodes[producer] : undefined;
}

/** The sole reader of `node`'s first output, when it has one and the output is not a graph output. */
function soleReader(graph: Graph, node: GraphNode): GraphNode | undefined {
  const t = graph.tensors.get(node.outputs[0] ?? '');
  if (!t || t.isGraphOutput || t.consumers.length !== 1) return undefined;
  return graph.nodes[t.consumers[0]!];
}

/** A one-element constant: an initializer or a Constant node's output. */
function isScalarConstant(graph: Graph, tensor: string | undefined): boolean {
  const t = tensor ? graph.tensors.get(tensor) : undefined;
  if (!t) return false;
  const constant =
    t.kind === 'initializer' || (t.producer >= 0 && graph.nodes[t.producer]!.opType === 'Constant');
  if (!constant) return false;
  return t.shape === null ? t.producer >= 0 : t.shape.every((d) => d === 1);
}

/** A one-dimensional weight (LayerNorm's scale or shift) or a scalar. */
function isWeight(graph: Graph, tensor: string | undefined): boolean {
  const t = tensor ? graph.tensors.get(tensor) : undefined;
  return (t?.kind === 'initializer' && (t.shape?.length ?? 0) <= 1) || isScalarConstant(graph, tensor);
}

/** `node`'s input other than `tensor` (binary ops). */
function otherInput(node: GraphNode, tensor: string): string | undefined {
  if (node.inputs[0] === tensor) return node.inputs[1];
  if (node.inputs[1] === tensor) return node.inputs[0];
  return undefined;
}

const isOp = (node: GraphNode | undefined, op: string): node is GraphNode =>
  node !== undefined && node.opType === op && node.domain === '';

/**
 * GELU around the Erf node `erf`: x / c (or x · c) → Erf → + 1, then x · that · 0.5 in any of the
 * orders exporters write ((x · a) · 0.5, (x · 0.5) · a, x · (a · 0.5)).
 */
function geluAt(graph: Graph, erf: GraphNode): FusedPattern | undefined {
  const scale = producerOf(graph, erf.inputs[0]);
  if (!scale || (!isOp(scale, 'Div') && !isOp(scale, 'Mul'))) return undefined;
  if (soleReader(graph, scale) !== erf || !isScalarConstant(graph, scale.inputs[1])) return undefined;
  const x = scale.inputs[0]!;
  const plusOne = soleReader(graph, erf);
  if (!isOp(plusOne, 'Add') || !isScalarConstant(graph, otherInput(plusOne, erf.outputs[0]!)))
    return undefined;
  const head = [scale.index, erf.index, plusOne.index];
  const next = soleReader(graph, plusOne);
  if (!isOp(next, 'Mul')) return undefined;
  const other = otherInput(next, plusOne.outputs[0]!);
  if (other === x) {
    // (x · a) · 0.5
    const half = soleReader(graph, next);
    if (!isOp(half, 'Mul') || !isScalarConstant(graph, otherInput(half, next.outputs[0]!))) return undefined;
    return { anchor: half.index, kind: 'activation', members: [...head, next.index, half.index] };
  }
  if (isScalarConstant(graph, other)) {
    // x · (a · 0.5)
    const times = soleReader(graph, next);
    if (!isOp(times, 'Mul') || otherInput(times, next.outputs[0]!) !== x) return undefined;
    return { anchor: times.index, kind: 'activation', members: [...head, next.index, times.index] };
  }
  // (x · 0.5) · a
  const halfX = producerOf(graph, other);
  if (!isOp(halfX, 'Mul') || soleReader(graph, halfX) !== next) return undefined;
  if (otherInput(halfX, x) === undefined || !isScalarConstant(graph, otherInput(halfX, x))) return undefined;
  return { anchor: next.index, kind: 'activation', members: [...head, halfX.index, next.index] };
}

/**
 * LayerNorm around its Div: d = x − ReduceMean(x); d / Sqrt(ReduceMean(Pow(d, 2)) + ε), then an
 * optional · γ and + β.
 */
function layerNormAt(graph: Graph, div: GraphNode): FusedPattern | undefined {
  const centred = producerOf(graph, div.inputs[0]);
  const root = producerOf(graph, div.inputs[1]);
  if (!isOp(centred, 'Sub') || !isOp(root, 'Sqrt') || soleReader(graph, root) !== div) return undefined;
  const mean = producerOf(graph, centred.inputs[1]);
  if (!isOp(mean, 'ReduceMean') || mean.inputs[0] !== centred.inputs[0]) return undefined;
  if (soleReader(graph, mean) !== centred) return undefined;
  const shifted = producerOf(graph, root.inputs[0]);
  if (!isOp(shifted, 'Add') || soleReader(graph, shifted) !== root) return undefined;
  const variance = producerOf(graph, shifted.inputs[0]) ?? producerOf(graph, shifted.inputs[1]);
  if (!isOp(variance, 'ReduceMean') || soleReader(graph, variance) !== shifted) return undefined;
  if (!isScalarConstant(graph, otherInput(shifted, variance.outputs[0]!))) return undefined;
  const squared = producerOf(graph, variance.inputs[0]);
  if (!isOp(squared, 'Pow') || squared.inputs[0] !== centred.outputs[0]) return undefined;
  if (soleReader(graph, squared) !== variance || !isScalarConstant(graph, squared.inputs[1]))
    return undefined;
  // The centred tensor is read twice: by Pow and by Div, and by nothing else.
  const centredTensor = graph.tensors.get(centred.outputs[0]!);
  if (!centredTensor || centredTensor.isGraphOutput || centredTensor.consumers.length !== 2) return undefined;
  const members = [
    mean.index,
    centred.index,
    squared.index,
    variance.index,
    shifted.index,
    root.index,
    div.index,
  ];
  let last = div;
  const scaled = soleReader(graph, last);
  if (isOp(scaled, 'Mul') && isWeight(graph, otherInput(scaled, last.outputs[0]!))) {
    members.push(scaled.index);
    last = scaled;
  }
  const shiftedOut = soleReader(graph, last);
  if (isOp(shiftedOut, 'Add') && isWeight(graph, otherInput(shiftedOut, last.outputs[0]!))) {
    members.push(shiftedOut.index);
    last = shiftedOut;
  }
  return { anchor: last.index, kind: 'normalization', members };
}
