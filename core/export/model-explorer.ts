/**
 * Cutline's per-node figures as Google Model Explorer node-data files, to view a design in Model
 * Explorer over the same ONNX file: costs, predicted time per tier, measured time and placement.
 *
 * Model Explorer keeps one value per node per file (a graph's `results`), so each figure is a file
 * of its own, loaded side by side in its "node data" panel. Keys are the node ids its ONNX adapter
 * (model-explorer-onnx) gives: the node's name in the file, or `<node_I>` (I its index in the
 * graph) when it has none; the graph id is the main graph's name, or `<main>` when it has none.
 * Cutline's own names for unnamed nodes (`<op>_<index>`) are not used: Model Explorer never shows them.
 */
import type { Analysis } from '../analyze.js';
import type { BuiltProblem } from '../partition/build-problem.js';
import type { Placement } from '../partition/placement.js';
import { isTierName, TIER_TITLES } from '../tiers.js';
import {
  modelNodeDataSchema,
  type GraphNodeData,
  type ModelNodeData,
  type NodeDataResult,
} from './model-explorer-schema.js';

export interface ModelExplorerInput {
  readonly analysis: Analysis;
  /** With a topology: each layer's predicted time on every tier. */
  readonly built?: BuiltProblem;
  /** With `built`: the design's placement, for each node's tier and each layer's time there. */
  readonly placement?: Placement;
  /** Cutline node name → measured time, ms (an imported onnxruntime profile). */
  readonly measuredMs?: ReadonlyMap<string, number>;
}

export interface NodeDataFile {
  /** Lower-case words joined by dashes, for the file name: `flops`, `predicted-ms-edge`, `tier`. */
  readonly figure: string;
  /** What the figure is, for a listing. */
  readonly title: string;
  /** Nodes with a value. */
  readonly nodes: number;
  readonly data: ModelNodeData;
}

/** Light to dark red: the heavier the node, the hotter. */
const HEAT: GraphNodeData['gradient'] = [
  { stop: 0, bgColor: '#fff5f0' },
  { stop: 0.5, bgColor: '#fb6a4a' },
  { stop: 1, bgColor: '#a50f15', textColor: '#ffffff' },
];

const TIER_COLORS: Readonly<Record<string, string>> = {
  device: '#c6dbef',
  edge: '#c7e9c0',
  cloud: '#fdd0a2',
};

/**
 * A time as the files give it: 4 significant digits. A profile's median or a roofline's quotient
 * carries float noise (1.5924999999999998) that only widens Model Explorer's columns; no
 * measurement or prediction here is good to more than a few digits.
 */
export function roundMs(ms: number): number {
  return ms === 0 ? 0 : Number(ms.toPrecision(4));
}

/** A count (FLOPs, MACs, parameters, bytes) as a whole number. */
const roundCount = (count: number): number => Math.round(count);

/** The main graph's id in Model Explorer's ONNX adapter. */
export function modelExplorerGraphId(analysis: Analysis): string {
  return analysis.model.proto.graph?.name || '<main>';
}

/** Model Explorer's id of each node of the main graph, by node index. */
export function modelExplorerNodeIds(analysis: Analysis): string[] {
  const proto = analysis.model.proto.graph?.node ?? [];
  return analysis.graph.nodes.map((node) => proto[node.index]?.name || `<node_${node.index}>`);
}

/**
 * One node-data file per figure Cutline has for the model: always the costs (FLOPs, MACs,
 * parameters, activation bytes: each node's own), and with a topology each layer's predicted time
 * per tier, with a placement each node's tier and each layer's predicted time on it, with a
 * measurement each node's measured time. A layer's predicted time is on its layer node; the
 * exporter plumbing folded into it has no value of its own (its cost is in the layer's time).
 */
export function modelExplorerNodeData(input: ModelExplorerInput): NodeDataFile[] {
  const { analysis, built, placement, measuredMs } = input;
  const ids = modelExplorerNodeIds(analysis);
  const graphId = modelExplorerGraphId(analysis);
  const numeric = (
    figure: string,
    title: string,
    round: (value: number) => number,
    valueOf: (index: number) => number | undefined,
  ): NodeDataFile => {
    const results = new Map<string, NodeDataResult>();
    analysis.graph.nodes.forEach((node) => {
      const value = valueOf(node.index);
      const id = ids[node.index]!;
      // A name used twice is one node id in Model Explorer: the first node keeps it.
      if (value === undefined || !Number.isFinite(value) || results.has(id)) return;
      results.set(id, { value: round(value) });
    });
    return file(figure, title, graphId, results, { gradient: HEAT });
  };
  const cost = (i: number) => analysis.costs[i];
  const files = [
    numeric('flops', 'FLOPs (a MAC counts 2)', roundCount, (i) => cost(i)?.flops),
    numeric('macs', 'Multiply-accumulates', roundCount, (i) => cost(i)?.macs),
    numeric('params', 'Parameters (weight elements read)', roundCount, (i) => cost(i)?.params),
    numeric('activation-bytes', 'Activation bytes (every output)', roundCount, (i) => cost(i)?.outputBytes),
  ];
  if (built) {
    const { problem, unitNodes } = built;
    const k = problem.tiers.length;
    const unitOfNode = new Map(unitNodes.map((node, u) => [node, u]));
    problem.tiers.forEach((tier, t) => {
      files.push(
        numeric(`predicted-ms-${tier}`, `Predicted time on ${tierTitle(tier)}, ms`, roundMs, (i) => {
          const u = unitOfNode.get(i);
          return u === undefined ? undefined : problem.computeMs[u * k + t];
        }),
      );
    });
    if (placement) {
      files.push(
        numeric('placed-ms', 'Predicted time on its tier, ms', roundMs, (i) => {
          const u = unitOfNode.get(i);
          return u === undefined ? undefined : problem.computeMs[u * k + placement[u]!];
        }),
        tierFile(input, ids, graphId),
      );
    }
  }
  if (measuredMs) {
    files.push(
      numeric('measured-ms', 'Measured time, ms', roundMs, (i) =>
        measuredMs.get(analysis.graph.nodes[i]!.name),
      ),
    );
  }
  return files;
}

/** Each node's tier as a label with its lane's colour; plumbing goes where its layer goes. */
function tierFile(input: ModelExplorerInput, ids: readonly string[], graphId: string): NodeDataFile {
  const { analysis, built, placement } = input;
  // The rule of nodePlacement (build-problem.ts), on a Map: its record keyed by node names would
  // take a node called `__proto__` as the record's prototype.
  const tierOfLayer = new Map(built!.unitNodes.map((node, u) => [node, placement![u]!]));
  const results = new Map<string, NodeDataResult>();
  for (const node of analysis.graph.nodes) {
    const owner = analysis.layers.owner.get(node.index);
    // Plumbing that feeds no layer runs on the device, as the bundle places it.
    const tier = built!.problem.tiers[owner === undefined ? 0 : (tierOfLayer.get(owner) ?? 0)]!;
    const id = ids[node.index]!;
    if (results.has(id)) continue;
    results.set(id, { value: tier, bgColor: TIER_COLORS[tier] ?? '#eeeeee' });
  }
  return file('tier', 'Tier the design places it on', graphId, results, {
    showExpandedSummaryOnGroupNode: true,
    showLabelCountColumnsInChildrenStatsTable: true,
  });
}

/**
 * Node names come from the file: built with defineProperty semantics (Object.fromEntries), so a
 * node called `__proto__` is a key like any other, not the object's prototype.
 */
function file(
  figure: string,
  title: string,
  graphId: string,
  results: ReadonlyMap<string, NodeDataResult>,
  style: Omit<GraphNodeData, 'results'>,
): NodeDataFile {
  const graph: GraphNodeData = { results: Object.fromEntries(results), ...style };
  return { figure, title, nodes: results.size, data: Object.fromEntries([[graphId, graph]]) };
}

const tierTitle = (tier: string): string => (isTierName(tier) ? TIER_TITLES[tier] : tier);

/** The file's text, checked against the schema first (a file Model Explorer cannot read is a bug). */
export function nodeDataText(data: ModelNodeData): string {
  const text = `${JSON.stringify(data, null, 2)}\n`;
  parseNodeDataText(text);
  return text;
}

/**
 * A node-data file's text read back and checked against Cutline's copy of the format.
 *
 * @throws Error naming the first field that does not follow it.
 */
export function parseNodeDataText(text: string): ModelNodeData {
  const checked = modelNodeDataSchema.safeParse(JSON.parse(text));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(
      `Not a Model Explorer node-data file: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  return checked.data;
}
