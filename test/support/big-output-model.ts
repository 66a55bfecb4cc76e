/**
 * A model whose outputs are large: a stem convolution, `blocks` residual blocks
 * (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`, which grow the activations block after block) and a
 * dense head. At 30 blocks (154 layers) its logits reach about 3e4, so fp32 rounding alone makes a
 * split differ from the whole model by more than 1e-4: the shape of the 1,004-layer "deep1k"
 * model (outputs near 1e29), small enough for a test. Deterministic (weights seeded by the name).
 */
import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

const CHANNELS = 8;

export function bigOutputModelBytes(blocks: number): Uint8Array {
  const net = new NetworkBuilder('big-outputs');
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
  net.gemm('/head/fc', x, CHANNELS, 10, 'logits');
  return encodeModelProto(
    model({
      producerName: 'cutline-test',
      graph: graph({
        name: 'big-outputs',
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('logits', DataType.FLOAT, [1, 10])],
      }),
    }),
  );
}
