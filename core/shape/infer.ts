/**
 * Shape inference over a graph: applies each operator's ShapeRule in topological order,
 * folding small constant tensors on the way, and records per node whether its rule ran, the
 * operator is unknown, or its inputs were inconsistent. Never throws for a node: the worst
 * outcome is an unknown shape.
 */
import {
  attributeFloat,
  attributeFloats,
  attributeInt,
  attributeInts,
  attributeString,
  attributeTensor,
} from '../onnx/attributes.js';
import type { TensorProto } from '../onnx/codec.js';
import { readTensorValues } from '../onnx/tensor-data.js';
import { isFloatDtype } from '../onnx/dtype.js';
import type { Dim, Graph, GraphNode, Shape } from '../graph/types.js';
import { shapeRuleFor } from './registry.js';
import {
  FLOOR_LIMITS,
  ShapeLimitError,
  shapeLimitFailure,
  withShapeLimits,
  type ShapeLimits,
} from './limits.js';
import type { AnalysisClock } from '../time-limit.js';
import {
  MAX_KNOWN_ELEMENTS,
  ShapeError,
  type InferContext,
  type KnownValue,
  type ValueInfo,
} from './types.js';

export type NodeStatus =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unknown-op' }
  | { readonly kind: 'error'; readonly message: string };

export interface ShapeInference {
  /** Every tensor of the graph and of its sub-graphs (sub-graph names that clash keep the first). */
  readonly values: ReadonlyMap<string, ValueInfo>;
  /** Per node index of the main graph. */
  readonly status: readonly NodeStatus[];
  /** Per node index, for every graph including sub-graphs. */
  readonly statusByGraph: ReadonlyMap<Graph, readonly NodeStatus[]>;
  readonly valuesByGraph: ReadonlyMap<Graph, ReadonlyMap<string, ValueInfo>>;
}

export interface InferOptions {
  /** ai.onnx opset of the model. */
  readonly opset: number;
  /** Shapes the user binds to graph inputs (replacing symbolic or unknown dims). */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  /** Known values for graph inputs (small integer tensors), e.g. from test data. */
  readonly inputValues?: Readonly<Record<string, KnownValue>>;
  /**
   * Whether shapes the file declares for node outputs (value_info, graph outputs) fill what the
   * rules leave unknown. Default true; the conformance test turns it off to measure the rules.
   */
  readonly useDeclaredShapes?: boolean;
  /** Bounds on ranks and piece counts (default the floors; analyzeModel scales them to the file). */
  readonly limits?: ShapeLimits;
  /** Checked before each node: past it, an ANALYSIS_TIME_LIMIT error naming the node. */
  readonly clock?: AnalysisClock;
}

class Scope {
  readonly values = new Map<string, ValueInfo>();
  constructor(readonly parent?: Scope) {}
  get(name: string): ValueInfo | undefined {
    return this.values.get(name) ?? this.parent?.get(name);
  }
}

/**
 * Floating-point tensors larger than this are weights, never shape arguments (Resize scales,
 * a ConstantOfShape fill, Range bounds are a handful of elements): their values are not read.
 */
const MAX_KNOWN_FLOAT_ELEMENTS = 64;

/** The values of a small integer tensor, or of a tiny float one (see MAX_KNOWN_FLOAT_ELEMENTS). */
export function tensorProtoValue(tensor: TensorProto): KnownValue | undefined {
  const limit = isFloatDtype(tensor.dataType ?? 0) ? MAX_KNOWN_FLOAT_ELEMENTS : MAX_KNOWN_ELEMENTS;
  const data = readTensorValues(tensor, limit);
  return data ? { dims: (tensor.dims ?? []).map(Number), data } : undefined;
}

export function inferShapes(graph: Graph, options: InferOptions): ShapeInference {
  const statusByGraph = new Map<Graph, NodeStatus[]>();
  const valuesByGraph = new Map<Graph, ReadonlyMap<string, ValueInfo>>();
  const useDeclared = options.useDeclaredShapes ?? true;
  let symbolCount = 0;
  const freshSymbol = (hint: string): string => `${hint}_${++symbolCount}`;

  const run = (g: Graph, scope: Scope, bound: ReadonlyMap<string, ValueInfo | undefined>): void => {
    for (const t of g.tensors.values()) {
      if (t.kind === 'initializer' && t.initializer) {
        const value = tensorProtoValue(t.initializer);
        scope.values.set(t.name, { dtype: t.dtype, shape: t.shape, ...(value ? { value } : {}) });
      } else if (t.kind === 'input') {
        const given = bound.get(t.name);
        scope.values.set(t.name, given ?? { dtype: t.dtype, shape: t.shape });
      }
    }
    const status: NodeStatus[] = new Array<NodeStatus>(g.nodes.length);
    statusByGraph.set(g, status);
    valuesByGraph.set(g, scope.values);
    for (const index of g.order) {
      const node = g.nodes[index]!;
      status[index] = inferNode(g, node, scope);
    }
  };

  const inferNode = (g: Graph, node: GraphNode, scope: Scope): NodeStatus => {
    options.clock?.check('inferring shapes', node);
    const rule = shapeRuleFor(node.domain, node.opType);
    const produced = new Map<number, ValueInfo>();
    let result: NodeStatus = { kind: 'ok' };
    if (!rule) {
      result = { kind: 'unknown-op' };
    } else {
      try {
        rule(makeContext(node, scope, produced));
      } catch (error) {
        if (error instanceof ShapeLimitError) throw shapeLimitFailure(error, node.name, node.opType);
        if (!(error instanceof ShapeError) && !(error instanceof RangeError) && !(error instanceof TypeError))
          throw error;
        result = { kind: 'error', message: error.message };
      }
    }
    // What is computed from an approximate shape or value is approximate too.
    const inexact = node.inputs.some((name) => name !== '' && scope.get(name)?.inexact === true);
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const declared = useDeclared ? g.tensors.get(name) : undefined;
      const info = mergeDeclared(produced.get(i), declared?.dtype ?? 0, declared?.shape ?? null);
      scope.values.set(name, inexact && !info.inexact ? { ...info, inexact: true } : info);
    });
    return result;
  };

  const makeContext = (node: GraphNode, scope: Scope, produced: Map<number, ValueInfo>): InferContext => {
    const input = (i: number): ValueInfo | undefined => {
      const name = node.inputs[i];
      return name ? scope.get(name) : undefined;
    };
    const attrInt = ((name: string, fallback?: number) =>
      attributeInt(node.attributes.get(name)) ?? fallback) as InferContext['attrInt'];
    const attrString = ((name: string, fallback?: string) =>
      attributeString(node.attributes.get(name)) ?? fallback) as InferContext['attrString'];
    return {
      node,
      opset: options.opset,
      inputCount: node.inputs.length,
      outputCount: node.outputs.length,
      input,
      requireInput: (i) => {
        const v = input(i);
        if (!v) throw new ShapeError(`${node.opType} node ${node.name} needs input ${i}`);
        return v;
      },
      attr: (name) => node.attributes.get(name),
      attrInt,
      attrInts: (name) => attributeInts(node.attributes.get(name)),
      attrFloat: (name, fallback) => attributeFloat(node.attributes.get(name)) ?? fallback,
      attrFloats: (name) => attributeFloats(node.attributes.get(name)),
      attrString,
      attrTensor: (name) => attributeTensor(node.attributes.get(name)),
      setOutput: (i, info) => {
        if (i < node.outputs.length && node.outputs[i]) produced.set(i, info);
      },
      freshSymbol,
      tensorValue: tensorProtoValue,
      inferSubgraph: (attrName, inputs) => {
        const sub = node.subgraphs.get(attrName);
        if (!sub) throw new ShapeError(`${node.opType} node ${node.name} has no sub-graph "${attrName}"`);
        const bound = new Map<string, ValueInfo | undefined>();
        sub.inputs.forEach((name, k) => {
          const given = inputs[k];
          const declared = sub.tensors.get(name);
          bound.set(
            name,
            given ? mergeDeclared(given, declared?.dtype ?? 0, declared?.shape ?? null) : undefined,
          );
        });
        const child = new Scope(scope);
        run(sub, child, bound);
        return sub.outputs.map((name) => child.get(name));
      },
    };
  };

  const root = new Scope();
  const bound = new Map<string, ValueInfo | undefined>();
  for (const name of graph.inputs) {
    const declared = graph.tensors.get(name);
    const shape = options.inputShapes?.[name] ?? declared?.shape ?? null;
    const value = options.inputValues?.[name];
    bound.set(name, { dtype: declared?.dtype ?? 0, shape, ...(value ? { value } : {}) });
  }
  withShapeLimits(options.limits ?? FLOOR_LIMITS, () => run(graph, root, bound));

  let values: Map<string, ValueInfo> = root.values;
  if (valuesByGraph.size > 1) {
    values = new Map(root.values);
    for (const scopeValues of valuesByGraph.values()) {
      for (const [name, info] of scopeValues) if (!values.has(name)) values.set(name, info);
    }
  }
  return { values, status: statusByGraph.get(graph) ?? [], statusByGraph, valuesByGraph };
}

/**
 * Combines what a rule inferred with what the file declares: the rule wins where it knows a
 * dimension; a declared number fills a dimension the rule left unknown or symbolic.
 */
function mergeDeclared(inferred: ValueInfo | undefined, dtype: number, shape: Shape | null): ValueInfo {
  if (!inferred) return { dtype, shape };
  const outDtype = inferred.dtype || dtype;
  let outShape = inferred.shape;
  if (outShape === null) outShape = shape;
  else if (shape !== null && shape.length === outShape.length) {
    outShape = outShape.map((d: Dim, i): Dim =>
      typeof d === 'number' ? d : typeof shape[i] === 'number' ? shape[i]! : (d ?? shape[i] ?? null),
    );
  }
  if (outDtype === inferred.dtype && outShape === inferred.shape) return inferred;
  return { ...inferred, dtype: outDtype, shape: outShape };
}
