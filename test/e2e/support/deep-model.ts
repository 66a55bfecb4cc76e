/**
 * A 1,004-layer model for the "big models stay usable" checks, built in the test rather than
 * shipped: stem conv, 4 stages × 50 residual blocks of 5 layers
 * (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`), then pool, flatten and a dense head. Exporter-style
 * scopes (`/stage2/block17/conv1/Conv`) give the studio a two-level hierarchy to collapse.
 */
import { attr, graph, model, valueInfo } from '../../../core/onnx/builder.js';
import { encodeModelProto } from '../../../core/onnx/codec.js';
import { DataType } from '../../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../../samples/models/network-builder.js';

export const STAGES = 4;
export const BLOCKS_PER_STAGE = 50;
export const DEEP_LAYER_COUNT = 1 + STAGES * BLOCKS_PER_STAGE * 5 + 3;
const CHANNELS = 8;

export function deepModelBytes(): Uint8Array {
  const net = new NetworkBuilder('e2e-deep1k');
  let x = net.conv('/stem/conv', 'input', { inChannels: 3, outChannels: CHANNELS, kernel: 3, pad: 1 });
  for (let s = 0; s < STAGES; s++) {
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const scope = `/stage${s}/block${b}`;
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
  }
  x = net.op1('/head/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/head/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
  net.gemm('/head/fc', x, CHANNELS, 10, 'logits');
  return encodeModelProto(
    model({
      producerName: 'cutline-e2e',
      graph: graph({
        name: 'deep1k',
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('logits', DataType.FLOAT, [1, 10])],
      }),
    }),
  );
}
