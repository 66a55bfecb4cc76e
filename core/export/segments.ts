/**
 * From a node placement to the segments a split deployment runs: maximal groups of nodes on one
 * tier that can run together, each with the tensors it receives and the tensors it sends.
 */
import type { Analysis } from '../analyze.js';
import { CutlineError } from '../errors.js';
import type { NodeIndex, Shape } from '../graph/types.js';
import { constantClosure, constantNodes } from './constants.js';

/** A tensor crossing a segment's boundary, typed as shape inference knows it. */
export interface SegmentTensor {
  readonly name: string;
  /** ONNX element type (DataType); 0 when unknown. */
  readonly dtype: number;
  /** `null` when even the rank is unknown; symbolic dims stay symbols. */
  readonly shape: Shape | null;
}

export interface Segment {
  /** `<tier>-<stage>`, e.g. `device-0`, `cloud-1`, `device-2`: unique and safe as a file name. */
  readonly id: string;
  /** Index of the tier (0 = device). */
  readonly tier: number;
  readonly tierName: string;
  readonly stage: number;
  /** Node indices of the main graph in topological order, constant nodes it copies included. */
  readonly nodes: readonly NodeIndex[];
  /** Tensors made outside the segment that it reads: graph inputs and earlier segments' outputs. */
  readonly inputs: readonly SegmentTensor[];
  /** Tensors it makes that a later segment reads, or that are graph outputs. */
  readonly outputs: readonly SegmentTensor[];
}

/**
 * Splits the main graph into segments. In topological order every node gets a stage: the
 * largest over the nodes it reads from of their stage, plus one when they run on another tier
 * (graph inputs count as stage 0 on the device). Nodes of one tier and one stage form a segment;
 * segments come in order of stage, then tier, so every segment's inputs are graph inputs or
 * outputs of segments before it. A tier can appear several times: RoaD-RuNNer's device → cloud →
 * device gives `device-0`, `cloud-1`, `device-2`.
 *
 * Constant computations (constants.ts) take no stage: each segment gets its own copy of those it
 * reads; one that is itself a graph output stays where it was placed. Nodes whose results reach
 * no graph output are left out, as onnxruntime would drop them.
 *
 * @param nodeTiers tier index per node of the main graph (build-problem's `nodePlacement` shows
 *   how a layer placement expands to nodes).
 * @throws CutlineError BAD_PLACEMENT when `nodeTiers` does not give every node a known tier.
 */
export function splitSegments(
  analysis: Analysis,
  nodeTiers: ArrayLike<number>,
  tierNames: readonly string[],
): Segment[] {
  const { graph } = analysis;
  checkPlacement(analysis, nodeTiers, tierNames);
  const constant = constantNodes(graph);
  const live = liveNodes(analysis);
  const placed = (node: NodeIndex): boolean =>
    live[node] === 1 &&
    (constant[node] !== 1 || graph.nodes[node]!.outputs.some((t) => graph.tensors.get(t)?.isGraphOutput));

  const stage = new Int32Array(graph.nodes.length);
  const groups = new Map<string, { tier: number; stage: number; nodes: NodeIndex[] }>();
  for (const index of graph.order) {
    if (!placed(index)) continue;
    const node = graph.nodes[index]!;
    const tier = nodeTiers[index]!;
    let s = 0;
    for (const name of [...node.inputs, ...node.implicitInputs]) {
      const tensor = name ? graph.tensors.get(name) : undefined;
      if (tensor?.kind === 'input') s = Math.max(s, tier === 0 ? 0 : 1);
      // Constants are copied to where they are read, so they hold nothing back.
      if (tensor?.kind !== 'node-output' || constant[tensor.producer] === 1) continue;
      s = Math.max(s, stage[tensor.producer]! + (nodeTiers[tensor.producer] === tier ? 0 : 1));
    }
    stage[index] = s;
    const key = `${s}:${tier}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { tier, stage: s, nodes: [] }));
    group.nodes.push(index);
  }

  const ordered = [...groups.values()].sort((a, b) => a.stage - b.stage || a.tier - b.tier);
  const segmentOf = new Int32Array(graph.nodes.length).fill(-1);
  ordered.forEach((group, k) => group.nodes.forEach((n) => (segmentOf[n] = k)));
  const position = new Int32Array(graph.nodes.length);
  graph.order.forEach((node, i) => (position[node] = i));
  const fileNames = tierFileNames(tierNames);

  return ordered.map((group, k): Segment => {
    const nodes = [...group.nodes, ...constantClosure(graph, constant, group.nodes)];
    nodes.sort((a, b) => position[a]! - position[b]!);
    const made = new Set(nodes.flatMap((n) => graph.nodes[n]!.outputs));
    const inputs = new Set<string>();
    for (const n of nodes) {
      const node = graph.nodes[n]!;
      for (const name of [...node.inputs, ...node.implicitInputs]) {
        const kind = name ? graph.tensors.get(name)?.kind : undefined;
        if ((kind === 'input' || kind === 'node-output') && !made.has(name)) inputs.add(name);
      }
    }
    const outputs = group.nodes.flatMap((n) =>
      graph.nodes[n]!.outputs.filter((name) => {
        const tensor = name ? graph.tensors.get(name) : undefined;
        if (!tensor) return false;
        if (constant[n] === 1) return tensor.isGraphOutput; // readers elsewhere copy it
        return tensor.isGraphOutput || tensor.consumers.some((c) => segmentOf[c]! >= 0 && segmentOf[c] !== k);
      }),
    );
    return {
      id: `${fileNames[group.tier]}-${group.stage}`,
      tier: group.tier,
      tierName: tierNames[group.tier]!,
      stage: group.stage,
      nodes,
      inputs: [...inputs].map((name) => segmentTensor(analysis, name)),
      outputs: outputs.map((name) => segmentTensor(analysis, name)),
    };
  });
}

/** 1 for nodes whose results reach a graph output; the others compute nothing anyone reads. */
function liveNodes(analysis: Analysis): Uint8Array {
  const { graph } = analysis;
  const live = new Uint8Array(graph.nodes.length);
  for (let k = graph.order.length - 1; k >= 0; k--) {
    const index = graph.order[k]!;
    const reaches = graph.nodes[index]!.outputs.some((name) => {
      const tensor = name ? graph.tensors.get(name) : undefined;
      return tensor !== undefined && (tensor.isGraphOutput || tensor.consumers.some((c) => live[c] === 1));
    });
    if (reaches) live[index] = 1;
  }
  return live;
}

function segmentTensor(analysis: Analysis, name: string): SegmentTensor {
  const inferred = analysis.inference.values.get(name);
  const declared = analysis.graph.tensors.get(name);
  return {
    name,
    dtype: inferred?.dtype || declared?.dtype || 0,
    shape: inferred?.shape ?? declared?.shape ?? null,
  };
}

/** Tier names made safe for file names and kept distinct (`edge/1` and `edge:1` differ). */
function tierFileNames(tierNames: readonly string[]): string[] {
  const used = new Set<string>();
  return tierNames.map((name, t) => {
    let safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || `tier${t}`;
    if (used.has(safe)) safe = `${safe}_t${t}`;
    used.add(safe);
    return safe;
  });
}

function checkPlacement(
  analysis: Analysis,
  nodeTiers: ArrayLike<number>,
  tierNames: readonly string[],
): void {
  const count = analysis.graph.nodes.length;
  if (nodeTiers.length !== count) {
    throw new CutlineError(
      'BAD_PLACEMENT',
      `The node placement has ${nodeTiers.length} entries but the model has ${count} nodes.`,
    );
  }
  for (let n = 0; n < count; n++) {
    const tier = nodeTiers[n]!;
    if (!Number.isInteger(tier) || tier < 0 || tier >= tierNames.length) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `Node "${analysis.graph.nodes[n]!.name}" is placed on tier ${tier}, but the topology has only ${tierNames.join(', ')}.`,
      );
    }
  }
}
