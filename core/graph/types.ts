import type { AttributeProto, TensorProto } from '../onnx/codec.js';

/**
 * A dimension: a known size, a symbol (`batch`, `seq`, or a derived expression such as
 * `floor((H+2-3)/2)+1`), or `null` when nothing is known about it.
 */
export type Dim = number | string | null;
/** A tensor shape; `null` in its place means even the rank is unknown. */
export type Shape = readonly Dim[];

/** Index of a node within its graph's `nodes` array. */
export type NodeIndex = number;

export interface GraphNode {
  readonly index: NodeIndex;
  /** Unique within the graph: the exporter's name, or `<op>_<index>` when it had none or a duplicate. */
  readonly name: string;
  readonly opType: string;
  /** '' for the default ONNX domain. */
  readonly domain: string;
  /** Tensor names; '' marks an omitted optional input or output. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeProto>;
  /** Sub-graphs of control-flow operators (If, Loop, Scan), keyed by attribute name. */
  readonly subgraphs: ReadonlyMap<string, Graph>;
  /** Names from enclosing scopes that this node's sub-graphs read (they are real dependencies). */
  readonly implicitInputs: readonly string[];
}

export type TensorKind = 'input' | 'initializer' | 'node-output' | 'outer-scope';

export interface GraphTensor {
  readonly name: string;
  readonly kind: TensorKind;
  /** Element type as declared by the file (input, output, value_info or initializer); 0 if none. */
  readonly dtype: number;
  /** Shape as declared by the file; `null` when the file says nothing. */
  readonly shape: Shape | null;
  /** Producing node, or -1 for graph inputs, initializers and outer-scope names. */
  readonly producer: NodeIndex;
  readonly consumers: readonly NodeIndex[];
  readonly isGraphOutput: boolean;
  /** The weight's TensorProto when the tensor is an initializer (its bytes are views, never copies). */
  readonly initializer?: TensorProto;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly GraphNode[];
  readonly tensors: ReadonlyMap<string, GraphTensor>;
  /** Graph inputs that are not initializers: what a caller must feed. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Node indices in a topological order (stable: file order where the file is already sorted). */
  readonly order: readonly NodeIndex[];
  /** Nesting depth: 0 for the main graph. */
  readonly depth: number;
}
