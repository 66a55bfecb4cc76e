/**
 * A layer kind: the operator with its attributes and the shapes and types it reads and writes.
 * Two nodes of one kind do the same work, so one device times them alike; RoaD-RuNNer's
 * devices × layers matrix has a column per kind, which lets a kind timed in one model predict it in
 * another (the transformer's repeated blocks, a ResNet's repeated stages).
 */
import type { Analysis } from '../analyze.js';
import { attributeDisplay } from '../onnx/attributes.js';

/** A readable key, e.g. `Conv(kernel_shape=[3, 3], …) float[1,16,32,32] float[16,16,3,3] → float[1,16,32,32]`. */
export function layerKind(analysis: Analysis, nodeIndex: number): string {
  const node = analysis.graph.nodes[nodeIndex];
  if (!node) throw new RangeError(`No node ${nodeIndex} in the analysed graph.`);
  const tensor = (name: string): string => {
    if (name === '') return '-';
    const info = analysis.inference.values.get(name);
    return `${info?.dtype ?? 0}[${(info?.shape ?? ['?']).join(',')}]`;
  };
  const attributes = [...node.attributes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${attributeDisplay(value)}`)
    .join(', ');
  const op = node.domain ? `${node.domain}.${node.opType}` : node.opType;
  return `${op}(${attributes}) ${node.inputs.map(tensor).join(' ')} → ${node.outputs.map(tensor).join(' ')}`;
}
