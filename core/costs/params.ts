/**
 * Which inputs of a node are parameters (weights). The rule:
 *
 * 1. the file fixes the value: an initializer or a Constant node's output, in this graph or an
 *    enclosing one;
 * 2. the element type is weight-like: floating point or a quantised integer of 16 bits or fewer
 *    (int32 only as the bias of QLinearConv or the tensor DequantizeLinear expands, as quantised
 *    biases are stored); int64 and bool constants are shapes, axes and indices, never weights;
 * 3. the slot is not an operator argument: the float shape arguments (Resize scales and roi,
 *    Pad's constant value, Clip's bounds, …) in ARGUMENT_SLOTS below.
 *
 * Bytes and count differ on single-element operands (a Mul by 0.5, a Div by √d, LayerNorm's
 * eps, a Pow exponent): they pass the rule, so paramBytes (what a tier must hold, which the
 * partition's memory limit and bundle sizes use) includes them, but the parameter count does
 * not (countedElements), so a torchvision export counts what `sum(p.numel())` gave for the
 * source model.
 */
import { DataType, isFloatDtype } from '../onnx/dtype.js';
import type { GraphNode } from '../graph/types.js';
import type { ParamTensor } from './types.js';
import { isFixedByFile, type CostScope, type TensorFacts } from './scope.js';

/** Input slots holding operator arguments rather than weights, by operator. */
const ARGUMENT_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Resize: [1, 2, 3],
  Upsample: [1],
  Pad: [1, 2, 3],
  Clip: [1, 2],
  Range: [0, 1, 2],
  Dropout: [1, 2],
  NonMaxSuppression: [2, 3, 4],
  ConstantOfShape: [0],
  Reshape: [1],
  Expand: [1],
  Tile: [1],
  Slice: [1, 2, 3, 4],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  TopK: [1],
  CenterCropPad: [1],
  Loop: [0, 1],
  If: [0],
};

const QUANTISED_INTEGER: ReadonlySet<number> = new Set([
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT4,
  DataType.UINT4,
]);

function isWeightDtype(node: GraphNode, slot: number, dtype: number): boolean {
  if (isFloatDtype(dtype) || QUANTISED_INTEGER.has(dtype)) return true;
  if (dtype !== DataType.INT32) return false;
  return (node.opType === 'QLinearConv' && slot === 8) || (node.opType === 'DequantizeLinear' && slot === 0);
}

/** Whether input `slot` of `node` is a parameter by the rule above. */
export function isParameterInput(
  scope: CostScope,
  node: GraphNode,
  slot: number,
  facts: TensorFacts,
): boolean {
  const name = node.inputs[slot];
  if (!name || !isFixedByFile(scope, name)) return false;
  if (ARGUMENT_SLOTS[node.opType]?.includes(slot)) return false;
  return isWeightDtype(node, slot, facts.dtype);
}

/** Elements a weight adds to the parameter count: none for a single-element operand. */
export function countedElements(p: ParamTensor): number {
  return p.elements > 1 ? p.elements : 0;
}
