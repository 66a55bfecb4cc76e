/**
 * The work of a node or a layer as the predictors see it: the roofline's FLOPs and bytes, and the
 * kernel-level features (kind, fused or not, activation and weight bytes) of the kernel
 * onnxruntime runs for it with graph optimisations on.
 */
import type { Analysis } from '../analyze.js';
import type { Graph, GraphNode, NodeIndex } from '../graph/types.js';
import type { Layer } from '../layers/types.js';
import type { ComputeWork } from './compute-time.js';
import { fusionOf, type Fusion } from './fusion.js';
import { LAYOUT_BLOCKS, layoutOf, type CutCopies, type LayoutBlock, type Reorders } from './layout.js';
import { kernelKindOf } from './kernel-kind.js';
import { opClassOf } from './op-class.js';
import { attributeInt } from '../onnx/attributes.js';

export { predictComputeMs, type ComputeWork, type KernelWork } from './compute-time.js';

// One pass over the graph per analysis, not per node: nodeWork and layerWork are called per node.
const fusionCache = new WeakMap<Graph, Fusion>();
interface GraphLayout {
  /** The layout copies charged to each node, by block. */
  readonly reorders: Map<NodeIndex, Partial<Record<LayoutBlock, Reorders>>>;
  /** What a cut through a tensor adds, by tensor and block. */
  readonly cuts: Map<string, Partial<Record<LayoutBlock, CutCopies>>>;
}

const layoutCache = new WeakMap<Graph, GraphLayout>();

/** The layout copies of `analysis` on 8- and 16-channel blocks (layout.ts), once per graph. */
function graphLayout(analysis: Analysis): GraphLayout {
  let layout = layoutCache.get(analysis.graph);
  if (!layout) {
    layout = { reorders: new Map(), cuts: new Map() };
    const anchors = graphFusion(analysis.graph).anchors;
    for (const block of LAYOUT_BLOCKS) {
      const { reorders, cuts } = layoutOf(analysis, anchors, block);
      for (const [node, r] of reorders)
        layout.reorders.set(node, { ...layout.reorders.get(node), [block]: r });
      for (const [tensor, c] of cuts) layout.cuts.set(tensor, { ...layout.cuts.get(tensor), [block]: c });
    }
    layoutCache.set(analysis.graph, layout);
  }
  return layout;
}

/** What a cut through `tensor` adds in layout copies, by channel block (layout.ts), if anything. */
export function cutCopiesOf(
  analysis: Analysis,
  tensor: string,
): Partial<Record<LayoutBlock, CutCopies>> | undefined {
  return graphLayout(analysis).cuts.get(tensor);
}

function graphFusion(graph: Graph): Fusion {
  let fusion = fusionCache.get(graph);
  if (!fusion) {
    fusion = fusionOf(graph);
    fusionCache.set(graph, fusion);
  }
  return fusion;
}

/** The fusion anchors of `graph` (see `fusionAnchors`), computed once per graph. */
export function graphFusionAnchors(graph: Graph): Int32Array {
  return graphFusion(graph).anchors;
}

function work(
  analysis: Analysis,
  node: GraphNode,
  flops: number,
  activationBytes: number,
  weightBytes: number,
): ComputeWork {
  const graph = analysis.graph;
  const opClass = opClassOf(graph, node);
  const fusion = graphFusion(graph);
  const pattern = fusion.patterns.get(node.index);
  const kind = pattern?.kind ?? kernelKindOf(graph, node, opClass);
  const layout = graphLayout(analysis).reorders.get(node.index);
  return {
    opClass,
    flops,
    bytesMoved: activationBytes + weightBytes,
    kernel: {
      kind,
      fused: fusion.anchors[node.index] !== node.index,
      ...(pattern ? patternKernel(analysis, pattern.members, node.index) : { activationBytes, weightBytes }),
      ...(kind.startsWith('conv') ? convChannels(analysis, node) : {}),
      ...(layout ? { layout } : {}),
    },
  };
}

/**
 * The one kernel a fused GELU or LayerNorm runs (fusion-patterns.ts): every member's arithmetic,
 * the pattern's input read once and its output written once (the anchor's output: both are the
 * same size), and the scale and shift.
 */
function patternKernel(
  analysis: Analysis,
  members: readonly NodeIndex[],
  anchor: NodeIndex,
): { flops: number; activationBytes: number; weightBytes: number } {
  let flops = 0;
  let weightBytes = 0;
  for (const m of members) {
    flops += analysis.costs[m]?.flops ?? 0;
    weightBytes += analysis.costs[m]?.paramBytes ?? 0;
  }
  return { flops, activationBytes: 2 * (analysis.costs[anchor]?.outputBytes ?? 0), weightBytes };
}

/** A convolution's channels and groups, where the shapes say them. */
function convChannels(
  analysis: Analysis,
  node: GraphNode,
): { channelsIn?: number; channelsOut?: number; groups?: number } {
  const groups = attributeInt(node.attributes.get('group')) ?? 1;
  const shapeOf = (name: string | undefined) =>
    analysis.inference.values.get(name ?? '')?.shape ?? analysis.graph.tensors.get(name ?? '')?.shape;
  const channelsIn = shapeOf(node.inputs[0])?.[1];
  const weight = shapeOf(node.inputs[node.opType === 'QLinearConv' ? 3 : 1]);
  // ConvTranspose weights are [C, M/group, …]; every other conv's are [M, C/group, …].
  const channelsOut = node.opType === 'ConvTranspose' ? (weight?.[1] ?? null) : weight?.[0];
  const out =
    typeof channelsOut === 'number'
      ? node.opType === 'ConvTranspose'
        ? channelsOut * groups
        : channelsOut
      : undefined;
  return {
    groups,
    ...(typeof channelsIn === 'number' ? { channelsIn } : {}),
    ...(out !== undefined ? { channelsOut: out } : {}),
  };
}

/** The work of one node of the main graph, from its static cost. */
export function nodeWork(analysis: Analysis, node: NodeIndex): ComputeWork {
  const graphNode = analysis.graph.nodes[node];
  const cost = analysis.costs[node];
  if (!graphNode || !cost) throw new RangeError(`No node ${node} in the analysed graph.`);
  return work(analysis, graphNode, cost.flops, cost.inputBytes + cost.outputBytes, cost.paramBytes);
}

/**
 * The work of one layer as a kernel of its own: what it costs when a placement cuts it off the
 * kernel it is fused into (a ReLU on another tier than its Conv), by its own kind and bytes.
 */
export function layerWorkAlone(analysis: Analysis, layer: Layer): ComputeWork {
  const graph = analysis.graph;
  const node = graph.nodes[layer.node];
  if (!node) throw new RangeError(`No node ${layer.node} in the analysed graph.`);
  const opClass = opClassOf(graph, node);
  const kind = kernelKindOf(graph, node, opClass);
  const activationBytes = layer.inputBytes + layer.outputBytes;
  return {
    opClass,
    flops: layer.flops,
    bytesMoved: activationBytes + layer.paramBytes,
    kernel: {
      kind,
      fused: false,
      activationBytes,
      weightBytes: layer.paramBytes,
      ...(kind.startsWith('conv') ? convChannels(analysis, node) : {}),
    },
  };
}

/**
 * The work of one layer (its node plus folded plumbing). The class is that of the layer's node:
 * the plumbing it hides is reshapes and casts whose cost the node's class already dominates.
 */
export function layerWork(analysis: Analysis, layer: Layer): ComputeWork {
  const graphNode = analysis.graph.nodes[layer.node];
  if (!graphNode) throw new RangeError(`No node ${layer.node} in the analysed graph.`);
  return work(analysis, graphNode, layer.flops, layer.inputBytes + layer.outputBytes, layer.paramBytes);
}
