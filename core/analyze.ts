/**
 * One call from an ONNX file to everything Cutline knows statically about it: the graph, shapes,
 * per-node costs, the layer view and model totals. Used by `cutline analyze`, the studio and
 * the benchmarks.
 */
import { buildGraph } from './graph/build.js';
import type { Graph, Shape } from './graph/types.js';
import {
  assertAnalyzableOpset,
  readModelFile,
  openModelBytes,
  type OnnxModel,
  type OpenOptions,
  type OpenStage,
  type StageListener,
} from './onnx/read.js';
import { dtypeName } from './onnx/dtype.js';
import { inferShapes, type ShapeInference } from './shape/infer.js';
import { resolveInputValues, type InputValueText } from './shape/input-values.js';
import { analysisAssumptions, type AnalysisAssumptions } from './shape/assumptions.js';
import { shapeLimitsFor } from './shape/limits.js';
import { AnalysisClock } from './time-limit.js';
import { nodeCost, modelCostTotals, type NodeCost, type CostTotals } from './costs/index.js';
import { buildLayerView, type LayerView } from './layers/index.js';
import { CutlineError } from './errors.js';
import { quoteName, quoteNames } from './text/quote-name.js';

export interface TensorSummary {
  readonly name: string;
  readonly dtype: string;
  readonly shape: Shape | null;
}

export interface Analysis {
  readonly model: OnnxModel;
  readonly graph: Graph;
  readonly inference: ShapeInference;
  /** Per node index of the main graph. */
  readonly costs: readonly NodeCost[];
  readonly layers: LayerView;
  readonly totals: CostTotals;
  /** Unbound dimensions and undecided branches the figures rest on (approximate when any). */
  readonly assumptions: AnalysisAssumptions;
  readonly summary: {
    readonly graphName: string;
    readonly inputs: readonly TensorSummary[];
    readonly outputs: readonly TensorSummary[];
    readonly nodeCount: number;
    readonly layerCount: number;
    /** Operators with no shape rule (their outputs keep the shapes the file declares, if any). */
    readonly unknownOperators: readonly string[];
    /** Nodes whose inputs contradicted their operator's rules. */
    readonly shapeErrors: readonly { readonly node: string; readonly message: string }[];
  };
}

/** Stages of analysis after decoding, reported before each runs. */
export type AnalyzeStage = 'graph' | 'shapes' | 'costs' | 'layers';

export interface AnalyzeOptions {
  /** Input shapes bound by the user, replacing symbolic or unknown dimensions. */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  /**
   * Values the caller will send for some inputs (`--input-value sr=16000`): folded as constants,
   * so shapes and `If` branches that depend on them are the ones that will run.
   */
  readonly inputValues?: readonly InputValueText[];
  /** Called before each stage, for progress reporting. */
  readonly onStage?: StageListener<AnalyzeStage>;
  /**
   * Time the analysis may take once the model is open (ms), checked before each node's shapes
   * and costs: past it, an ANALYSIS_TIME_LIMIT error naming the node reached. Default: none.
   */
  readonly timeLimitMs?: number;
}

export function analyzeModel(model: OnnxModel, options: AnalyzeOptions = {}): Analysis {
  if (!model.proto.graph) throw new CutlineError('NOT_ONNX', 'The model has no graph.');
  assertAnalyzableOpset(model);
  const clock = options.timeLimitMs === undefined ? undefined : new AnalysisClock(options.timeLimitMs);
  const report = options.onStage ?? (() => undefined);
  report('graph', `Building the graph (${model.proto.graph.node?.length ?? 0} nodes)`);
  const graph = buildGraph(model.proto.graph);
  for (const name of Object.keys(options.inputShapes ?? {})) {
    if (!graph.inputs.includes(name)) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `The model has no input named ${quoteName(name)}; its inputs are ${quoteNames(graph.inputs)}.`,
      );
    }
  }
  const given = resolveInputValues(graph, options.inputValues ?? [], options.inputShapes);
  const inputShapes = { ...given.shapes, ...options.inputShapes };
  report('shapes', 'Inferring tensor shapes');
  const inference = inferShapes(graph, {
    opset: model.opset,
    limits: shapeLimitsFor(model.fileBytes),
    ...(clock ? { clock } : {}),
    inputShapes,
    inputValues: given.values,
  });
  report('costs', 'Counting compute, weights and activations');
  const costs = graph.nodes.map((node) => {
    clock?.check('counting costs', node);
    return nodeCost(graph, node, inference.values);
  });
  report('layers', 'Folding plumbing into layers');
  const layers = buildLayerView(graph, inference.values, costs);
  const totals = modelCostTotals(graph, costs);
  const boundShapes = new Map(graph.inputs.map((name) => [name, inference.values.get(name)?.shape ?? null]));
  const assumptions = analysisAssumptions(graph, boundShapes, inference.values);
  const summarize = (name: string): TensorSummary => {
    const info = inference.values.get(name);
    return { name, dtype: dtypeName(info?.dtype ?? 0), shape: info?.shape ?? null };
  };
  const unknownOperators = new Set<string>();
  const shapeErrors: { node: string; message: string }[] = [];
  inference.status.forEach((status, index) => {
    const node = graph.nodes[index]!;
    if (status.kind === 'unknown-op')
      unknownOperators.add(node.domain ? `${node.domain}.${node.opType}` : node.opType);
    if (status.kind === 'error') shapeErrors.push({ node: node.name, message: status.message });
  });
  return {
    model,
    graph,
    inference,
    costs,
    layers,
    totals,
    assumptions,
    summary: {
      graphName: graph.name,
      inputs: graph.inputs.map(summarize),
      outputs: graph.outputs.map(summarize),
      nodeCount: graph.nodes.length,
      layerCount: layers.layers.length,
      unknownOperators: [...unknownOperators].sort(),
      shapeErrors,
    },
  };
}

export function analyzeFile(
  filePath: string,
  options: AnalyzeOptions & { readonly onOpenStage?: StageListener<OpenStage> } = {},
): Analysis {
  return analyzeModel(readModelFile(filePath, options.onOpenStage), options);
}

export function analyzeBytes(bytes: Uint8Array, options: AnalyzeOptions & OpenOptions = {}): Analysis {
  return analyzeModel(openModelBytes(bytes, options), options);
}
