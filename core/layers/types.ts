/** The layer view: the graph as a user thinks of it, with exporter plumbing folded away. */
import type { NodeIndex, Shape } from '../graph/types.js';
import type { CostExactness, ParamTensor } from '../costs/types.js';
import type { DataDependence } from '../costs/data-dependent.js';

export interface Layer {
  /** The layer node's name. */
  readonly name: string;
  readonly op: string;
  /** The node the layer stands for. */
  readonly node: NodeIndex;
  readonly outputShapes: readonly (Shape | null)[];
  /** Element type of the first output; 0 when unknown. */
  readonly dtype: number;
  /** The node's compute plus that of its hidden plumbing. */
  readonly macs: number;
  readonly flops: number;
  /** Weights of the node and its hidden plumbing, each tensor once. */
  readonly params: number;
  readonly paramBytes: number;
  readonly paramTensors: readonly ParamTensor[];
  /** Bytes of the data tensors entering the layer (the `edges` that reach it). */
  readonly inputBytes: number;
  /** Bytes of every output of the layer node. */
  readonly outputBytes: number;
  readonly exact: CostExactness;
  /** Present when the layer's node or a plumbing node folded into it is data-dependent (its figures are lower bounds). */
  readonly dataDependent?: DataDependence;
  /** Plumbing nodes folded into this layer (those whose first layer consumer it is), in topological order. */
  readonly hidden: readonly NodeIndex[];
}

/**
 * A tensor that flows between layers. `kind: 'data'` carries the tensor itself; `kind: 'shape'`
 * means the consumers only read its shape (through a Shape or Size node folded into them), so
 * only the shape vector (8 bytes per dimension) has to reach them.
 */
export interface LayerEdge {
  readonly tensor: string;
  readonly kind: 'data' | 'shape';
  /** Producing layer's node; null for a graph input (or a value from an enclosing graph). */
  readonly from: NodeIndex | null;
  /** Consuming layers' nodes, in topological order (a tensor crosses a cut once, however many read it). */
  readonly to: readonly NodeIndex[];
  readonly isGraphOutput: boolean;
  readonly bytes: number;
  readonly exact: boolean;
}

export interface LayerView {
  /** In topological order. */
  readonly layers: readonly Layer[];
  readonly edges: readonly LayerEdge[];
  /** For every node shown or hidden: the node of the layer that shows it. */
  readonly owner: ReadonlyMap<NodeIndex, NodeIndex>;
  /** Tensors fixed without looking at the data (weights, constants, shape arithmetic). */
  readonly staticTensors: ReadonlySet<string>;
  /** Every plumbing node (hidden, detached, or shown because it makes a graph output). */
  readonly plumbing: ReadonlySet<NodeIndex>;
  /** Plumbing nodes whose results reach no layer and no graph output (dead code in the file). */
  readonly detached: readonly NodeIndex[];
}
