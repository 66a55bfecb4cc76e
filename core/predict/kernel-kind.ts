/**
 * The kernel kind of a node for the kernel-level predictor (nn-Meter's and LitePred's idea: one
 * regression per kernel kind on the kernel's own features, not one efficiency per operator
 * family). Convolutions split by what their kernel does: a dense k×k, a pointwise 1×1 (a GEMM in
 * disguise), a depthwise (memory-bound) and a grouped one.
 */
import type { Graph, GraphNode } from '../graph/types.js';
import { attributeInt } from '../onnx/attributes.js';
import type { KernelKind, OpClass } from '../profiles/types.js';

export function kernelKindOf(graph: Graph, node: GraphNode, opClass: OpClass): KernelKind {
  if (opClass === 'depthwiseConv') return 'convDepthwise';
  if (opClass !== 'conv') return opClass === 'matmul' ? 'matmul' : opClass;
  const group = attributeInt(node.attributes.get('group')) ?? 1;
  if (group > 1) return 'convGrouped';
  const weight = graph.tensors.get(node.inputs[node.opType === 'QLinearConv' ? 3 : 1] ?? '');
  const spatial = weight?.shape?.slice(2) ?? [];
  const pointwise = spatial.length > 0 && spatial.every((d) => d === 1);
  return pointwise && node.opType !== 'ConvTranspose' ? 'convPointwise' : 'convDense';
}
