/**
 * A classifier whose 1,000 logits reach about 1e7, as ResNet-101/152 with random weights do
 * (6e4 and 6e7): a stem convolution, `blocks` residual blocks (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`,
 * which grow the activations block after block and which onnxruntime fuses differently on either
 * side of a cut, so a correct split differs from the whole model by fp32 rounding), then a dense
 * head scaled by `gain`. Many logits lie near zero, where an element-wise relative rule has the
 * least room. Deterministic (weights seeded by the name).
 */
import { graph, model, tensorFromFloat32, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';
import { residualTrunk } from './residual-chain-model.js';

const CHANNELS = 16;
export const LARGE_LOGITS = 1000;

export function largeLogitsModelBytes(blocks: number, gain: number): Uint8Array {
  const net = new NetworkBuilder('large-logits');
  const scopes = Array.from({ length: blocks }, (_, b) => `/block${b}`);
  const x = net.gemm('/head/fc', residualTrunk(net, scopes, CHANNELS), CHANNELS, LARGE_LOGITS);
  const scale = net.initializer(tensorFromFloat32('head.gain', [], Float32Array.of(gain)));
  net.op1('/head/gain', 'Mul', [x, scale], [], 'logits');
  return encodeModelProto(
    model({
      producerName: 'cutline-test',
      graph: graph({
        name: 'large-logits',
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('logits', DataType.FLOAT, [1, LARGE_LOGITS])],
      }),
    }),
  );
}
