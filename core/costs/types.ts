/** Static cost of one node: compute, weights and activation traffic. */

/**
 * Whether each figure of a cost is exact. `false` means an estimate: a shape it needed was
 * symbolic or unknown (symbolic dimensions are then counted as 1, unknown ranks as 0 elements),
 * or the operator's formula is an approximation (transcendental functions, Einsum, control
 * flow with an unknown trip count, operators Cutline has no formula for).
 */
export interface CostExactness {
  readonly compute: boolean;
  readonly params: boolean;
  readonly activations: boolean;
}

/** One weight tensor counted in a node's parameters. */
export interface ParamTensor {
  readonly name: string;
  readonly elements: number;
  readonly bytes: number;
}

export interface NodeCost {
  /** Multiply-accumulates of matrix-like work (Conv, Gemm, MatMul, recurrent gates); 0 for element-wise ops. */
  readonly macs: number;
  /** Floating-point operations of any kind (a MAC counts 2). */
  readonly flops: number;
  /** Elements of the weight tensors of more than one element this node reads (see `paramTensors`). */
  readonly params: number;
  readonly paramBytes: number;
  /** Bytes of the inputs that are not parameters (activations, shape arguments). */
  readonly inputBytes: number;
  /** Bytes of every output. */
  readonly outputBytes: number;
  /** The weights behind `params`, by tensor name, so model totals count a shared weight once. */
  readonly paramTensors: readonly ParamTensor[];
  readonly exact: CostExactness;
}

/** Model-level sums of node costs; shared weights counted once. */
export interface CostTotals {
  readonly macs: number;
  readonly flops: number;
  readonly params: number;
  readonly paramBytes: number;
  /** Sum of every node's output bytes: all intermediate tensors produced once each. */
  readonly activationBytes: number;
  /** True when every node's compute and parameter figures are exact. */
  readonly exact: boolean;
  readonly exactness: CostExactness;
}

/** Work a compute rule reports; exactness is tracked by the rule's context. */
export interface ComputeCost {
  readonly macs: number;
  readonly flops: number;
}

export const ZERO_COMPUTE: ComputeCost = { macs: 0, flops: 0 };
