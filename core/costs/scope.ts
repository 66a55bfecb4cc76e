/**
 * What the cost rules know about a tensor, looked up through nested graph scopes: shape
 * inference first, then what the file declares (initializer dims, value_info, Constant
 * attributes). Sub-graph bodies read weights of their enclosing graphs, hence the scope chain.
 */
import type { Graph, GraphNode, GraphTensor, Shape } from '../graph/types.js';
import { attributeFloats, attributeInts, attributeTensor } from '../onnx/attributes.js';
import { DataType } from '../onnx/dtype.js';
import { readTensorValues } from '../onnx/tensor-data.js';
import type { ValueInfo } from '../shape/types.js';

export interface CostScope {
  readonly graph: Graph;
  readonly parent?: CostScope;
}

export interface TensorFacts {
  /** 0 when unknown. */
  readonly dtype: number;
  readonly shape: Shape | null;
  /** The shape derives from an assumed bound (see ValueInfo.inexact): figures from it are estimates. */
  readonly inexact?: true;
}

export type ValueMap = ReadonlyMap<string, ValueInfo>;

/** The tensor record of the scope that defines `name` (skipping outer-scope references). */
export function definingTensor(
  scope: CostScope,
  name: string,
): { graph: Graph; tensor: GraphTensor } | undefined {
  for (let s: CostScope | undefined = scope; s; s = s.parent) {
    const tensor = s.graph.tensors.get(name);
    if (tensor && tensor.kind !== 'outer-scope') return { graph: s.graph, tensor };
  }
  return undefined;
}

/** The node producing `name` in the scope that defines it. */
export function producerNode(scope: CostScope, name: string): GraphNode | undefined {
  const found = definingTensor(scope, name);
  if (!found || found.tensor.producer < 0) return undefined;
  return found.graph.nodes[found.tensor.producer];
}

/** True when the file fixes the tensor's value: an initializer or the output of a Constant node. */
export function isFixedByFile(scope: CostScope, name: string): boolean {
  const found = definingTensor(scope, name);
  if (!found) return false;
  if (found.tensor.kind === 'initializer') return true;
  return producerNode(scope, name)?.opType === 'Constant';
}

function constantFacts(node: GraphNode): TensorFacts | undefined {
  const tensor = attributeTensor(node.attributes.get('value'));
  if (tensor) return { dtype: tensor.dataType ?? 0, shape: (tensor.dims ?? []).map(Number) };
  if (node.attributes.has('value_float')) return { dtype: DataType.FLOAT, shape: [] };
  if (node.attributes.has('value_int')) return { dtype: DataType.INT64, shape: [] };
  const floats = attributeFloats(node.attributes.get('value_floats'));
  if (node.attributes.has('value_floats')) return { dtype: DataType.FLOAT, shape: [floats?.length ?? 0] };
  const ints = attributeInts(node.attributes.get('value_ints'));
  if (node.attributes.has('value_ints')) return { dtype: DataType.INT64, shape: [ints?.length ?? 0] };
  return undefined;
}

/** Element type and shape of a tensor; inferred facts win, declared ones fill the gaps. */
export function tensorFacts(scope: CostScope, values: ValueMap, name: string): TensorFacts {
  const inferred = values.get(name);
  if (inferred && inferred.dtype !== 0 && inferred.shape !== null) return inferred;
  const declared = definingTensor(scope, name)?.tensor;
  const producer = producerNode(scope, name);
  const fromConstant = producer?.opType === 'Constant' ? constantFacts(producer) : undefined;
  return {
    dtype: inferred?.dtype || declared?.dtype || fromConstant?.dtype || 0,
    shape: inferred?.shape ?? declared?.shape ?? fromConstant?.shape ?? null,
    ...(inferred?.inexact ? { inexact: true as const } : {}),
  };
}

/** Values of a small tensor when known (folded by shape inference, or an initializer). */
export function knownValues(scope: CostScope, values: ValueMap, name: string): readonly number[] | undefined {
  const inferred = values.get(name)?.value;
  if (inferred) return inferred.data;
  const init = definingTensor(scope, name)?.tensor.initializer;
  return init ? readTensorValues(init, 64) : undefined;
}

/** An element count with whether it is exact. */
export interface Count {
  readonly count: number;
  readonly exact: boolean;
}

/**
 * Elements of a shape. Symbolic or unknown dimensions count as 1 (the figure is then a lower
 * bound for batch-like axes) and an unknown rank as 0 elements; both make the count inexact.
 */
export function countElements(shape: Shape | null): Count {
  if (shape === null) return { count: 0, exact: false };
  let count = 1;
  let exact = true;
  for (const d of shape) {
    if (typeof d === 'number') count *= d;
    else exact = false;
  }
  return { count, exact };
}
