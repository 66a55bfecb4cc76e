/**
 * The operator family a node belongs to. Devices reach very different fractions of their peak
 * FLOP/s on a dense convolution, a depthwise one and an element-wise add, so efficiency and
 * launch overhead are looked up per family (see `DeviceProfile.efficiency`).
 */
import type { Graph, GraphNode } from '../graph/types.js';
import { attributeInt } from '../onnx/attributes.js';
import { DATA_MOVEMENT_OPS } from '../costs/ops/data-movement.js';
import type { OpClass } from '../profiles/types.js';

const CONV = new Set(['Conv', 'ConvInteger', 'QLinearConv', 'ConvTranspose', 'FusedConv']);

/** Weight input slot of each convolution, where it is not slot 1. */
const CONV_WEIGHT_SLOT: Readonly<Record<string, number>> = { QLinearConv: 3 };

const MATMUL = new Set([
  'Gemm',
  'MatMul',
  'MatMulInteger',
  'QLinearMatMul',
  'FusedMatMul',
  'Einsum',
  'RNN',
  'GRU',
  'LSTM',
  'Attention',
  'MultiHeadAttention',
]);

const ACTIVATION = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'ThresholdedRelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Gelu',
  'FastGelu',
  'BiasGelu',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'Mish',
  'Shrink',
  'Clip',
  'Softmax',
  'LogSoftmax',
  'Hardmax',
]);

const ELEMENTWISE = new Set([
  'Add',
  'Affine',
  'ImageScaler',
  'Scale',
  'Sub',
  'Mul',
  'Div',
  'Mod',
  'Pow',
  'Neg',
  'Abs',
  'Reciprocal',
  'Sqrt',
  'Exp',
  'Log',
  'Erf',
  'Sin',
  'Cos',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sum',
  'Max',
  'Min',
  'Mean',
  'Where',
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'And',
  'Or',
  'Xor',
  'Not',
  'IsNaN',
  'IsInf',
  'BitShift',
  'BitwiseAnd',
  'BitwiseOr',
  'BitwiseXor',
  'BitwiseNot',
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
]);

const NORMALIZATION = new Set([
  'BatchNormalization',
  'LayerNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'MeanVarianceNormalization',
  'RMSNormalization',
  'SimplifiedLayerNormalization',
  'SkipLayerNormalization',
  'LpNormalization',
  'LRN',
]);

const REDUCTION = new Set(['ArgMax', 'ArgMin', 'CumSum', 'TopK']);

const DATA_MOVEMENT = new Set([...DATA_MOVEMENT_OPS, 'Resize', 'Upsample']);

/**
 * The class of a node's operator, by op type (any domain, so contrib fusions such as
 * `com.microsoft.FusedConv` land with their plain counterparts). A grouped Conv whose groups
 * equal its input channels (weights `[M, 1, …]`) is depthwise: it has the arithmetic of an
 * element-wise op but the memory pattern of a convolution, so devices run it far below peak.
 * MaxUnpool is data movement despite its name (it scatters, it does not pool).
 */
export function opClassOf(graph: Graph, node: GraphNode): OpClass {
  const op = node.opType;
  if (CONV.has(op)) return isDepthwise(graph, node) ? 'depthwiseConv' : 'conv';
  if (MATMUL.has(op)) return 'matmul';
  if (ACTIVATION.has(op)) return 'activation';
  if (ELEMENTWISE.has(op)) return 'elementwise';
  if (NORMALIZATION.has(op)) return 'normalization';
  if (DATA_MOVEMENT.has(op)) return 'dataMovement';
  if (op.endsWith('Pool')) return 'pooling';
  if (op.startsWith('Reduce') || REDUCTION.has(op)) return 'reduction';
  return 'other';
}

/**
 * `group > 1` and equal to the input channels. The channels come from the weight's second
 * dimension (C/group, so 1 means depthwise) when the weight's shape is known, else from the
 * input's declared channel dimension. ConvTranspose weights are `[C, M/group, …]`, so only the
 * input side applies there.
 */
function isDepthwise(graph: Graph, node: GraphNode): boolean {
  const group = attributeInt(node.attributes.get('group')) ?? 1;
  if (group <= 1) return false;
  const inputChannels = graph.tensors.get(node.inputs[0] ?? '')?.shape?.[1];
  if (typeof inputChannels === 'number') return inputChannels === group;
  if (node.opType === 'ConvTranspose') return false;
  const weight = graph.tensors.get(node.inputs[CONV_WEIGHT_SLOT[node.opType] ?? 1] ?? '');
  return weight?.shape?.[1] === 1;
}
