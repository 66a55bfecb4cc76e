/**
 * A classifier whose 1,000 logits reach about 1e7, as ResNet-101/152 with random weights do
 * (6e4 and 6e7): a stem convolution, `blocks` residual blocks (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`,
 * which grow the activations block after block and which onnxruntime fuses differently on either
 * side of a cut, so a correct split differs from the whole model by fp32 rounding), then a dense
 * head scaled by `gain`. Many logits lie near zero, where an element-wise relative rule has the
 * least room. Deterministic (weights seeded by the name).
 */
import { attr, graph, model, tensorFromFloat32, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

const CHANNELS = 16;
export const LARGE_LOGITS = 1000;

export function largeLogitsModelBytes(blocks: number, gain: number): Uint8Array {
  const net = new NetworkBuilder('large-logits');
  let x = net.conv('/stem/conv', 'input', { inChannels: 3, outChannels: CHANNELS, kernel: 3, pad: 1 });
  for (let b = 0; b < blocks; b++) {
    const scope = `/block${b}`;
    let branch = net.conv(`${scope}/conv1`, x, {
      inChannels: CHANNELS,
      outChannels: CHANNELS,
      kernel: 3,
      pad: 1,
    });
    branch = net.op1(`${scope}/relu1`, 'Relu', [branch]);
    branch = net.conv(`${scope}/conv2`, branch, { inChannels: CHANNELS, outChannels: CHANNELS, kernel: 1 });
    x = net.op1(`${scope}/relu2`, 'Relu', [net.op1(`${scope}/add`, 'Add', [x, branch])]);
  }
  x = net.op1('/head/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/head/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
  x = net.gemm('/head/fc', x, CHANNELS, LARGE_LOGITS);
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
