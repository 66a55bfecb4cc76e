/**
 * A chain of residual blocks (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`, 5 layers each) between a
 * stem convolution and a dense head (pool, flatten, Gemm), 8 channels on a 1×3×8×8 input.
 * Deterministic: the weights are seeded by `seedName` and the node names. The blocks' scopes
 * are the caller's, so a model can be one flat chain or nested stages.
 */
import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

const CHANNELS = 8;

export function residualChainBytes(options: {
  readonly seedName: string;
  readonly graphName: string;
  readonly producerName: string;
  /** One scope per block, in order (`/block0`, or `/stage2/block17`). */
  readonly blockScopes: readonly string[];
}): Uint8Array {
  const net = new NetworkBuilder(options.seedName);
  const x = residualTrunk(net, options.blockScopes, CHANNELS);
  net.gemm('/head/fc', x, CHANNELS, 10, 'logits');
  return encodeModelProto(
    model({
      producerName: options.producerName,
      graph: graph({
        name: options.graphName,
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('logits', DataType.FLOAT, [1, 10])],
      }),
    }),
  );
}

/**
 * The stem convolution of an RGB `input`, one residual block per scope
 * (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`) and the head's pool and flatten, `channels` wide:
 * returns the flattened features for the caller's dense head.
 */
export function residualTrunk(net: NetworkBuilder, blockScopes: readonly string[], channels: number): string {
  let x = net.conv('/stem/conv', 'input', { inChannels: 3, outChannels: channels, kernel: 3, pad: 1 });
  for (const scope of blockScopes) {
    let branch = net.conv(`${scope}/conv1`, x, {
      inChannels: channels,
      outChannels: channels,
      kernel: 3,
      pad: 1,
    });
    branch = net.op1(`${scope}/relu1`, 'Relu', [branch]);
    branch = net.conv(`${scope}/conv2`, branch, { inChannels: channels, outChannels: channels, kernel: 1 });
    x = net.op1(`${scope}/relu2`, 'Relu', [net.op1(`${scope}/add`, 'Add', [x, branch])]);
  }
  x = net.op1('/head/pool', 'GlobalAveragePool', [x]);
  return net.op1('/head/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
}
