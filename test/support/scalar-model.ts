/**
 * A model with a scalar crossing the split, for the tests of how scalars travel to and from a
 * Triton-configured segment (dims [ 1 ] reshaped to [ ]): x [2, 3] and a scalar `scale`; Relu on
 * the device, then Mul by the scalar and a sum to a scalar `total` in the cloud. Node names start
 * with the tier they are meant for.
 */
import { attr, graph, model, node, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

export function scalarModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'scalar',
        nodes: [
          node('Relu', ['x'], ['r'], [], 'device_relu'),
          node('Mul', ['r', 'scale'], ['m'], [], 'cloud_mul'),
          node('ReduceSum', ['m'], ['total'], [attr.int('keepdims', 0)], 'cloud_sum'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 3]), valueInfo('scale', DataType.FLOAT, [])],
        outputs: [valueInfo('total', DataType.FLOAT, [])],
      }),
    }),
  );
}
