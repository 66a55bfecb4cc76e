import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import type { onnx } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

/** Output channels of each 3×3 conv, with 'pool' for each 2×2 max-pool (configuration D). */
const FEATURES: readonly (number | 'pool')[] = [
  64,
  64,
  'pool',
  128,
  128,
  'pool',
  256,
  256,
  256,
  'pool',
  512,
  512,
  512,
  'pool',
  512,
  512,
  512,
  'pool',
];
const IMAGE = 224;
const CLASSES = 1000;
const HIDDEN = 4096;

/**
 * VGG-16 (Simonyan & Zisserman 2015, configuration D) at 224×224: 13 conv3×3 + ReLU, 5 max-pools,
 * then Flatten and three dense layers 25088→4096→4096→1000 (ReLU between, Softmax last).
 * Parameters: 14,714,688 in the convs + 123,642,856 in the dense layers = 138,357,544, i.e.
 * 553.4 MB of float32 raw_data, about the size of torchvision's export.
 *
 * Scopes number the modules as torchvision's `vgg16` does (`features.0` conv, `features.1` ReLU,
 * `features.4` pool…; `classifier.0/3/6` the dense layers, the eval-time Dropouts left out), so
 * the weights are named as torchvision's (`features.0.weight`, `classifier.6.bias`). Weights are
 * He-uniform, which keeps the activations finite through the ReLU stack.
 */
export function buildVgg16(): onnx.ModelProto.$Properties {
  const net = new NetworkBuilder('bench-vgg16');
  let x = 'input';
  let channels = 3;
  let module = 0;
  const scope = (): string => `/features/features.${module++}`;
  for (const layer of FEATURES) {
    if (layer === 'pool') {
      x = net.op1(
        scope(),
        'MaxPool',
        [x],
        [attr.ints('kernel_shape', [2, 2]), attr.ints('pads', [0, 0, 0, 0]), attr.ints('strides', [2, 2])],
      );
      continue;
    }
    x = net.conv(scope(), x, { inChannels: channels, outChannels: layer, kernel: 3, pad: 1 });
    x = net.op1(scope(), 'Relu', [x]);
    channels = layer;
  }
  const side = IMAGE / 32;
  x = net.op1('', 'Flatten', [x], [attr.int('axis', 1)]);
  x = net.op1('/classifier/classifier.1', 'Relu', [
    net.gemm('/classifier/classifier.0', x, channels * side * side, HIDDEN),
  ]);
  x = net.op1('/classifier/classifier.4', 'Relu', [net.gemm('/classifier/classifier.3', x, HIDDEN, HIDDEN)]);
  x = net.gemm('/classifier/classifier.6', x, HIDDEN, CLASSES);
  net.op1('', 'Softmax', [x], [attr.int('axis', 1)], 'probabilities');
  return model({
    producerName: 'cutline-bench',
    graph: graph({
      name: 'vgg16',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, IMAGE, IMAGE])],
      outputs: [valueInfo('probabilities', DataType.FLOAT, [1, CLASSES])],
    }),
  });
}
