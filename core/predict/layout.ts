/**
 * The layout changes onnxruntime's CPU session adds around its blocked (NCHWc) kernels. With graph
 * optimisations at level `all` on an x86 CPU, convolutions run on tensors whose channels are cut
 * in blocks of 8 (AVX2) or 16 (AVX-512) (NchwcTransformer); a tensor that passes between a blocked
 * kernel and one that reads plain NCHW is copied into the other layout by a ReorderInput or
 * ReorderOutput kernel. RegNet's squeeze-and-excitation blocks, grouped convolutions of 8 channels
 * per group and UNet's skip connections spend 3–6% of their run in them here.
 *
 * Which kernels run blocked, as observed on onnxruntime 1.2x (the optimised graphs it writes):
 * - a 2-D Conv with a weight of rank 4, when it has one group, is depthwise, or its groups hold
 *   whole blocks of input and output channels, and its input channels are a multiple of 4; one
 *   with fewer input channels than a block (an RGB image) reads plain NCHW directly
 *   (`nchwcConv`);
 * - a pooling (Max, Average, GlobalAverage, GlobalMax) of a blocked input whose channels fill
 *   whole blocks;
 * - what fuses into a blocked Conv (fusion.ts) is part of its kernel.
 * Everything else reads and writes NCHW, so a blocked tensor read by it, or leaving the graph,
 * costs a ReorderOutput, and a plain tensor read by a blocked Conv costs a ReorderInput. Each is
 * charged once per tensor: a ReorderOutput to the node that wrote the tensor, a ReorderInput to
 * its first blocked reader.
 */
import type { Analysis } from '../analyze.js';
import type { GraphNode, NodeIndex, Shape } from '../graph/types.js';
import { attributeInt } from '../onnx/attributes.js';
import type { CutCopies } from './compute-time.js';
import { nchwcConv } from './compute-time.js';

/** Layout copies charged to one node: how many, and the bytes of the tensors they copy. */
export interface Reorders {
  readonly count: number;
  readonly bytes: number;
}

/** The blocks NCHWc uses: AVX2's 8 and AVX-512's 16 channels. */
export const LAYOUT_BLOCKS = [8, 16] as const;
export type LayoutBlock = (typeof LAYOUT_BLOCKS)[number];

const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);
/** Element-wise activations run on a blocked tensor as it is (the layout does not matter to them). */
const LAYOUT_FREE = new Set(['Relu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Clip']);

export type { CutCopies } from './compute-time.js';

/**
 * The reorders of `analysis`'s main graph on a CPU with `block`-channel blocks, by the node each
 * is charged to, with `anchors` the fusion anchors (fusion.ts).
 */
export function layoutReorders(
  analysis: Analysis,
  anchors: Int32Array,
  block: LayoutBlock,
): Map<NodeIndex, Reorders> {
  return layoutOf(analysis, anchors, block).reorders;
}

/** The reorders (see `layoutReorders`) and what a cut through each tensor would add (`CutCopies`). */
export function layoutOf(
  analysis: Analysis,
  anchors: Int32Array,
  block: LayoutBlock,
): { reorders: Map<NodeIndex, Reorders>; cuts: Map<string, CutCopies> } {
  const graph = analysis.graph;
  const shapeOf = (name: string | undefined): Shape | undefined =>
    analysis.inference.values.get(name ?? '')?.shape ?? graph.tensors.get(name ?? '')?.shape ?? undefined;
  const channels = (name: string | undefined): number | undefined => {
    const c = shapeOf(name)?.[1];
    return typeof c === 'number' ? c : undefined;
  };
  const bytesOf = (name: string): number => {
    const shape = shapeOf(name);
    if (!shape || shape.some((d) => typeof d !== 'number')) return 0;
    return 4 * (shape as number[]).reduce((a, b) => a * b, 1);
  };

  /** What a blocked Conv is for each anchor that runs one: does it read its input blocked? */
  const blockedConv = new Map<NodeIndex, { readsBlocked: boolean }>();
  for (const node of graph.nodes) {
    if (anchors[node.index] !== node.index || node.opType !== 'Conv' || node.domain !== '') continue;
    const conv = convLayout(analysis, node, block, channels, shapeOf);
    if (conv) blockedConv.set(node.index, conv);
  }
  // Tensors written blocked: a blocked Conv's group output (its anchor's members write in place),
  // then poolings of blocked tensors, in graph order.
  const blocked = new Set<string>();
  // A group's result is its last member's output in graph order.
  const groupOutput = new Map<NodeIndex, string>();
  for (const index of graph.order) {
    const anchor = anchors[index]!;
    const out = graph.nodes[index]!.outputs[0];
    if (blockedConv.has(anchor) && out) groupOutput.set(anchor, out);
  }
  for (const out of groupOutput.values()) blocked.add(out);
  const blockedOther = new Set<NodeIndex>();
  for (const index of graph.order) {
    const node = graph.nodes[index]!;
    if (anchors[index] !== index || node.domain !== '' || !blocked.has(node.inputs[0] ?? '')) continue;
    const c = channels(node.inputs[0]);
    const pool = POOLS.has(node.opType) && node.outputs.length === 1 && c !== undefined && c % block === 0;
    if (pool || LAYOUT_FREE.has(node.opType)) {
      blockedOther.add(index);
      blocked.add(node.outputs[0]!);
    }
  }

  const charged = new Map<NodeIndex, { count: number; bytes: number }>();
  const charge = (node: NodeIndex, tensor: string): void => {
    const entry = charged.get(node) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytesOf(tensor);
    charged.set(node, entry);
  };
  /** Does `reader` take `tensor` in the blocked layout? */
  const readsBlocked = (reader: GraphNode, tensor: string): boolean => {
    const anchor = anchors[reader.index]!;
    if (anchor !== reader.index) {
      // A fused member reads its anchor's result in the anchor's layout, or a residual in it.
      return blockedConv.has(anchor);
    }
    if (blockedOther.has(reader.index)) return reader.inputs[0] === tensor;
    const conv = blockedConv.get(reader.index);
    return conv !== undefined && reader.inputs[0] === tensor && conv.readsBlocked;
  };
  // Only tensors next to a blocked kernel can need a copy: those written blocked, and the inputs
  // of blocked kernels (a 10,000-node graph has ~20,000 tensors; this visits a few).
  // Blocked tensors the whole model already copies out (a plain reader, or a graph output).
  const copiedOut = new Set<string>();
  for (const name of blocked) {
    const tensor = graph.tensors.get(name)!;
    const plainReader = tensor.consumers.some((c) => !readsBlocked(graph.nodes[c]!, name));
    if (tensor.isGraphOutput || plainReader) {
      charge(anchors[tensor.producer]!, name);
      copiedOut.add(name);
    }
  }
  const copiedIn = new Set<string>();
  for (const index of [...blockedConv.keys(), ...blockedOther].sort((a, b) => a - b)) {
    const input = graph.nodes[index]!.inputs[0] ?? '';
    if (blocked.has(input) || copiedIn.has(input) || !readsBlocked(graph.nodes[index]!, input)) continue;
    copiedIn.add(input);
    // The first blocked reader in graph order pays.
    const first = graph.tensors
      .get(input)
      ?.consumers.find((c) => anchors[c] === c && readsBlocked(graph.nodes[c]!, input));
    charge(first ?? index, input);
  }

  // What a cut adds. Out: any result of a blocked kernel (a Conv group's members write blocked,
  // as does a blocked pooling) whose copy the whole model does not already make. In: a tensor a
  // blocked Conv reads blocked that the whole model hands it blocked.
  const cuts = new Map<string, CutCopies>();
  for (const index of graph.order) {
    const node = graph.nodes[index]!;
    const writesBlocked = blockedConv.has(anchors[index]!) || blockedOther.has(index);
    const out = node.outputs[0];
    if (!out) continue;
    const cutOut = writesBlocked && !copiedOut.has(out);
    const tensor = graph.tensors.get(out);
    const cutIn =
      blocked.has(out) &&
      (tensor?.consumers.some(
        (c) => blockedConv.get(c)?.readsBlocked === true && graph.nodes[c]!.inputs[0] === out,
      ) ??
        false);
    if (cutOut || cutIn) cuts.set(out, { out: cutOut, in: cutIn });
  }
  return { reorders: charged, cuts };
}

/** Whether onnxruntime runs `node` as a blocked Conv on `block`-channel blocks, and how it reads. */
function convLayout(
  analysis: Analysis,
  node: GraphNode,
  block: number,
  channels: (name: string | undefined) => number | undefined,
  shapeOf: (name: string | undefined) => Shape | undefined,
): { readsBlocked: boolean } | undefined {
  const weight = analysis.graph.tensors.get(node.inputs[1] ?? '');
  if (weight?.kind !== 'initializer' || shapeOf(node.inputs[1])?.length !== 4) return undefined;
  const cin = channels(node.inputs[0]);
  const cout = shapeOf(node.inputs[1])?.[0];
  if (cin === undefined || typeof cout !== 'number') return undefined;
  const groups = attributeInt(node.attributes.get('group')) ?? 1;
  const runs = nchwcConv(cin, cout, groups, block);
  return runs ? { readsBlocked: runs === 'blocked' } : undefined;
}
