import { attr, graph, model, tensorFromInt64, valueInfo } from '../../core/onnx/builder.js';
import type { onnx } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

const IMAGE = 16;
const CLASSES = 10;
/** 1,600 blocks × 6 nodes + 200 × 3 plumbing nodes + 4 = 10,204 nodes. */
const BLOCKS = 1600;
/** Every this many blocks the activation goes through Shape → Reshape → Reshape(back). */
const PLUMBING_EVERY = 8;
/**
 * Gain on the batch-norm scale inside each residual branch: small so that 1,600 residual additions
 * keep the activations finite. With He-uniform convs, 0.02 leaves logits of order 10 (0.1 gives
 * about 10⁶).
 */
const BRANCH_SCALE = 0.02;

/**
 * A deep residual network of about 10,000 nodes, `channels` wide (16 by default).
 *
 * At 16 channels it is a stress case where per-node costs (decoding, shape inference, cost rules)
 * dominate instead of weight bytes: ~1.9 KB of file per node. At 64 channels (ResNet's first
 * stage) the weights per node resemble real exports of that size (~26 KB per node, ~265 MB).
 *
 * Stem Conv 3→C 3×3 stride 2 (16×16 → 8×8), then 1,600 blocks
 * `y = Relu(x + Conv1×1(Relu(BatchNorm(Conv3×3(x)))))`, with every 8th block followed by
 * `Reshape(Reshape(y, [1, 16, -1]), Shape(y))` — shape plumbing Cutline must fold through;
 * head GlobalAveragePool → Flatten → Gemm C→10.
 */
export function buildDeep10k(channels = 16, blocks = BLOCKS, image = IMAGE): onnx.ModelProto.$Properties {
  const net = new NetworkBuilder('bench-deep10k');
  const flatShape = net.initializer(tensorFromInt64('flat_shape', [3], [1, channels, -1]));
  let x = net.conv('/stem', 'input', { inChannels: 3, outChannels: channels, kernel: 3, stride: 2, pad: 1 });
  for (let i = 0; i < blocks; i++) {
    const block = `/blocks/blocks.${i}`;
    let branch = net.conv(`${block}/conv1`, x, {
      inChannels: channels,
      outChannels: channels,
      kernel: 3,
      pad: 1,
    });
    branch = net.batchNorm(`${block}/bn1`, branch, channels, BRANCH_SCALE);
    branch = net.op1(`${block}/relu1`, 'Relu', [branch]);
    branch = net.conv(`${block}/conv2`, branch, { inChannels: channels, outChannels: channels, kernel: 1 });
    x = net.op1(`${block}/relu2`, 'Relu', [net.op1(block, 'Add', [x, branch])]);
    if ((i + 1) % PLUMBING_EVERY === 0) {
      const shape = net.op1(block, 'Shape', [x]);
      x = net.op1(block, 'Reshape', [net.op1(block, 'Reshape', [x, flatShape]), shape]);
    }
  }
  x = net.op1('/head/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/head', 'Flatten', [x], [attr.int('axis', 1)]);
  net.gemm('/head/fc', x, channels, CLASSES, 'logits');
  return model({
    producerName: 'cutline-bench',
    graph: graph({
      name: 'deep10k',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, image, image])],
      outputs: [valueInfo('logits', DataType.FLOAT, [1, CLASSES])],
    }),
  });
}
