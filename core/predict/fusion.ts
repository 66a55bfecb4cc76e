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
 * reader and not be a graph output, as ORT does. Multi-node patterns (LayerNorm, Gelu, attention)
 * are left unfused: their nodes keep their own cost, which errs on the high side.
 */
import type { Graph, GraphNode, NodeIndex } from '../graph/types.js';

/** Activations ORT folds into a Conv (FusedConv) or a Gemm (FusedGemm) on the CPU. */
const FUSABLE_ACTIVATIONS = new Set(['Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'LeakyRelu', 'Tanh']);

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
  const anchors = Int32Array.from(graph.nodes, (n) => n.index);
  const groups = new Map<NodeIndex, Group>();
  for (const index of graph.order) {
    const node = graph.nodes[index]!;
    const joined = joinedGroup(graph, node, groups, anchors);
    if (joined) {
      anchors[index] = joined.anchor;
      continue;
    }
    if (isConv2dLike(node) || node.opType === 'MatMul' || node.opType === 'Gemm')
      groups.set(index, { anchor: index, activated: false, added: false });
  }
  return anchors;
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
      (conv || (anchorOp === 'MatMul' && otherIsWeight))
    ) {
      group.added = true;
      return group;
    }
    if (FUSABLE_ACTIVATIONS.has(op) && !group.activated && (conv || anchorOp === 'Gemm' || group.added)) {
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

function isConv2dLike(node: GraphNode): boolean {
  return node.opType === 'Conv' && node.domain === '';
}

function isScalarWeight(graph: Graph, name: string): boolean {
  const t = graph.tensors.get(name);
  return t?.kind === 'initializer' && (t.shape?.every((d) => d === 1) ?? false);
}
