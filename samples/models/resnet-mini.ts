import { attr, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from './network-builder.js';
import { sampleModelProto, type SampleModel } from './sample.js';

const CLASSES = 10;

/**
 * One basic residual block: conv3×3-BN-ReLU-conv3×3-BN, plus the shortcut, then ReLU. A block
 * that changes width or stride projects the shortcut with conv1×1 (stride s) + BN, as ResNet's
 * option B does; otherwise the shortcut is the block's input itself.
 */
function basicBlock(
  net: NetworkBuilder,
  scope: string,
  input: string,
  inChannels: number,
  outChannels: number,
  stride: number,
): string {
  let x = net.conv(`${scope}/conv1`, input, {
    inChannels,
    outChannels,
    kernel: 3,
    stride,
    pad: 1,
    bias: false,
  });
  x = net.batchNorm(`${scope}/bn1`, x, outChannels);
  x = net.op1(`${scope}/relu`, 'Relu', [x]);
  x = net.conv(`${scope}/conv2`, x, { inChannels: outChannels, outChannels, kernel: 3, pad: 1, bias: false });
  x = net.batchNorm(`${scope}/bn2`, x, outChannels);
  let shortcut = input;
  if (stride !== 1 || inChannels !== outChannels) {
    const projection = { inChannels, outChannels, kernel: 1, stride, bias: false };
    shortcut = net.conv(`${scope}/downsample/0`, input, projection);
    shortcut = net.batchNorm(`${scope}/downsample/1`, shortcut, outChannels);
  }
  const sum = net.op1(scope, 'Add', [x, shortcut]);
  return net.op1(`${scope}/relu`, 'Relu', [sum]);
}

/**
 * A small ResNet (He et al. 2016, basic blocks) for 64×64 RGB, 10 classes, with every
 * BatchNormalization kept as its own node (not folded into the conv), as some eval-mode exports
 * leave them. Stem conv3×3 + BN + ReLU + maxpool, one identity block at 16 channels, two
 * downsampling blocks (16→32, 32→64, stride 2, 1×1 projection shortcut), global average pool,
 * dense classifier (logits out).
 *
 * Hand count (convs have no bias, each BN holds 4 × C: scale, bias, running mean, running var):
 * ```
 * layer                     op                      output       MACs                       params
 * stem conv                 Conv 3→16 3×3 p1        1×16×64×64   65,536 × 27  = 1,769,472   432
 * stem bn                   BatchNormalization      1×16×64×64   -                          64
 * stem pool                 MaxPool 3×3 s2 p1       1×16×32×32   -                          -
 * layer1 conv1              Conv 16→16 3×3 p1       1×16×32×32   16,384 × 144 = 2,359,296   2,304
 * layer1 bn1                                                                                64
 * layer1 conv2              Conv 16→16 3×3 p1       1×16×32×32   16,384 × 144 = 2,359,296   2,304
 * layer1 bn2                                                                                64
 * layer2 conv1              Conv 16→32 3×3 s2 p1    1×32×16×16   8,192 × 144  = 1,179,648   4,608
 * layer2 bn1                                                                                128
 * layer2 conv2              Conv 32→32 3×3 p1       1×32×16×16   8,192 × 288  = 2,359,296   9,216
 * layer2 bn2                                                                                128
 * layer2 downsample conv    Conv 16→32 1×1 s2       1×32×16×16   8,192 × 16   =   131,072   512
 * layer2 downsample bn                                                                      128
 * layer3 conv1              Conv 32→64 3×3 s2 p1    1×64×8×8     4,096 × 288  = 1,179,648   18,432
 * layer3 bn1                                                                                256
 * layer3 conv2              Conv 64→64 3×3 p1       1×64×8×8     4,096 × 576  = 2,359,296   36,864
 * layer3 bn2                                                                                256
 * layer3 downsample conv    Conv 32→64 1×1 s2       1×64×8×8     4,096 × 32   =   131,072   2,048
 * layer3 downsample bn                                                                      256
 * pool + flatten            GlobalAveragePool       1×64         -                          -
 * fc                        Gemm 64→10              1×10         10 × 64      =       640   640 + 10 = 650
 * total                                                                        13,828,736   78,714
 * ```
 * Params split: convs 76,720 + BN 1,344 (672 of them running statistics) + fc 650.
 */
export const resnetMini: SampleModel = {
  name: 'resnet-mini',
  description:
    'ResNet-style CNN: stem, 3 basic residual blocks (2 downsampling), un-fused BN, 64×64×3 → 10 logits',
  params: 78_714,
  macs: () => 13_828_736,
  build() {
    const net = new NetworkBuilder('resnet-mini');
    let x = net.conv('/conv1', 'input', { inChannels: 3, outChannels: 16, kernel: 3, pad: 1, bias: false });
    x = net.batchNorm('/bn1', x, 16);
    x = net.op1('/relu', 'Relu', [x]);
    x = net.op1(
      '/maxpool',
      'MaxPool',
      [x],
      [
        attr.int('ceil_mode', 0),
        attr.ints('dilations', [1, 1]),
        attr.ints('kernel_shape', [3, 3]),
        attr.ints('pads', [1, 1, 1, 1]),
        attr.ints('strides', [2, 2]),
      ],
    );
    x = basicBlock(net, '/layer1/layer1.0', x, 16, 16, 1);
    x = basicBlock(net, '/layer2/layer2.0', x, 16, 32, 2);
    x = basicBlock(net, '/layer3/layer3.0', x, 32, 64, 2);
    x = net.op1('/avgpool', 'GlobalAveragePool', [x]);
    x = net.op1('', 'Flatten', [x], [attr.int('axis', 1)]);
    net.gemm('/fc', x, 64, CLASSES, 'logits');

    return sampleModelProto(resnetMini.description, {
      name: 'resnet_mini',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 64, 64])],
      outputs: [valueInfo('logits', DataType.FLOAT, [1, CLASSES])],
    });
  },
};
