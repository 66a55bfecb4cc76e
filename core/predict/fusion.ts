/**
 * Which nodes onnxruntime fuses into which on a CPU with graph optimisations on (level `all`, as a
 * tier serves its segment: core/bundle/tier-serving.ts). A fused-away node runs no kernel of its
 * own: its work is done inside its anchor's kernel (a Conv that folded its BatchNormalization, took
 * its activation as FusedConv, or, in the NCHWc layout, took a residual Add as its Sum input), so a
 * per-node predictor must charge the anchor and not the node.
 *
 * The rules follow ORT's transformers: ConvBNFusion, ConvAddFusion, ConvActivationFusion,
 * NchwcTransformer (Add → Conv's Sum, then activation), MatMulAddFusion (MatMul + bias → Gemm),
 * GemmActivationFusion and MatMulScaleFusion. Each needs the anchor's output to have exactly one
 * reader and not be a graph output, as ORT does. GELU and LayerNorm written out node by node fold
 * into their last node (fusion-patterns.ts); attention stays as its MatMuls, Softmax and reshapes,
 * as onnxruntime's CPU session runs a hand-written attention without its contrib Attention op.
 */
import type { Graph, GraphNode, NodeIndex } from '../graph/types.js';
import { fusedPatterns, type FusedPattern } from './fusion-patterns.js';

/** Activations ORT folds into a Conv (FusedConv) or a Gemm (FusedGemm) on the CPU. */
const FUSABLE_ACTIVATIONS = new Set(['Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'LeakyRelu', 'Tanh']);
/** onnxruntime 1.2x–1.30 also folds HardSwish into a Conv (MobileNetV3's blocks), not into a Gemm. */
const CONV_ONLY_ACTIVATIONS = new Set(['HardSwish']);
/** Kernels whose results onnxruntime keeps in the blocked (NCHWc) layout a Conv can sum into. */
const BLOCKED_WRITERS = new Set(['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);

interface Group {
  readonly anchor: NodeIndex;
  /** An activation has been folded in: nothing more can follow it. */
  activated: boolean;
  /** An Add was folded in (bias or NCHWc sum). */
  added: boolean;
}

/**
 * The anchor of every node of `graph` (indexed like `graph.nodes`): the node whose kernel runs its
 * work. A node that keeps its own kernel is its own anchor.
 */
export function fusionAnchors(graph: Graph): Int32Array {
  return fusionOf(graph).anchors;
}

export interface Fusion {
  /** The anchor of every node (see `fusionAnchors`). */
  readonly anchors: Int32Array;
  /** The multi-node patterns, by anchor. */
  readonly patterns: ReadonlyMap<NodeIndex, FusedPattern>;
}

/** The anchors of `graph` and the multi-node patterns behind some of them. */
export function fusionOf(graph: Graph): Fusion {
  const anchors = Int32Array.from(graph.nodes, (n) => n.index);
  const patterns = fusedPatterns(graph);
  const inPattern = new Set<NodeIndex>();
  for (const pattern of patterns.values())
    for (const member of pattern.members) {
      anchors[member] = pattern.anchor;
      inPattern.add(member);
    }
  const groups = new Map<NodeIndex, Group>();
  for (const index of graph.order) {
    if (inPattern.has(index)) continue;
    const node = graph.nodes[index]!;
    const joined = joinedGroup(graph, node, groups, anchors);
    if (joined) {
      anchors[index] = joined.anchor;
      continue;
    }
    if (isConv2dLike(node) || node.opType === 'MatMul' || node.opType === 'Gemm')
      groups.set(index, { anchor: index, activated: false, added: false });
  }
  return { anchors, patterns };
}

/** The group `node` folds into, updated, or undefined when it keeps its own kernel. */
function joinedGroup(
  graph: Graph,
  node: GraphNode,
  groups: Map<NodeIndex, Group>,
  anchors: Int32Array,
): Group | undefined {
  const op = node.opType;
  const slots = op === 'Add' || op === 'Mul' || op === 'Div' ? [0, 1] : [0];
  for (const slot of slots) {
    const group = soleReaderGroup(graph, node.inputs[slot], groups, anchors);
    if (!group) continue;
    const anchorOp = graph.nodes[group.anchor]!.opType;
    const other = node.inputs[1 - slot] ?? '';
    const otherIsWeight = graph.tensors.get(other)?.kind === 'initializer';
    const conv = anchorOp === 'Conv';
    if (op === 'BatchNormalization' && conv && !group.activated && !group.added) return group;
    if (
      op === 'Add' &&
      !group.activated &&
      !group.added &&
      ((conv && (otherIsWeight || writesBlocked(graph, other, anchors))) ||
        (anchorOp === 'MatMul' && otherIsWeight))
    ) {
      group.added = true;
      return group;
    }
    const activation = FUSABLE_ACTIVATIONS.has(op) || (conv && CONV_ONLY_ACTIVATIONS.has(op));
    if (activation && !group.activated && (conv || anchorOp === 'Gemm' || group.added)) {
      group.activated = true;
      return group;
    }
    if (
      (op === 'Mul' || op === 'Div') &&
      slot === 0 &&
      anchorOp === 'MatMul' &&
      !group.added &&
      isScalarWeight(graph, other)
    )
      return group;
  }
  return undefined;
}

/** The fusion group producing `tensor` when this node is its only reader. */
function soleReaderGroup(
  graph: Graph,
  tensor: string | undefined,
  groups: ReadonlyMap<NodeIndex, Group>,
  anchors: Int32Array,
): Group | undefined {
  const t = tensor ? graph.tensors.get(tensor) : undefined;
  if (!t || t.producer < 0 || t.isGraphOutput || t.consumers.length !== 1) return undefined;
  return groups.get(anchors[t.producer]!);
}

/**
 * Whether `tensor` comes out of a kernel onnxruntime runs blocked: a residual Add folds into a
 * Conv (as its Sum input) only then; a plain input (the graph's, or an unfused Add's) makes ORT
 * run the Add on its own between layout copies.
 */
function writesBlocked(graph: Graph, tensor: string, anchors: Int32Array): boolean {
  const producer = graph.tensors.get(tensor)?.producer ?? -1;
  if (producer < 0) return false;
  return BLOCKED_WRITERS.has(graph.nodes[anchors[producer]!]!.opType);
}

function isConv2dLike(node: GraphNode): boolean {
  return node.opType === 'Conv' && node.domain === '';
}

function isScalarWeight(graph: Graph, name: string): boolean {
  const t = graph.tensors.get(name);
  return t?.kind === 'initializer' && (t.shape?.every((d) => d === 1) ?? false);
}
