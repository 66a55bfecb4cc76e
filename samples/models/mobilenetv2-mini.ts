import { attr, scalarFloat32, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from './network-builder.js';
import { sampleModelProto, type SampleModel } from './sample.js';

const CLASSES = 10;
const EXPANSION = 4;

interface BlockSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
}

/** The four inverted residual blocks after the stem, as (in, out, stride). */
const BLOCKS: readonly BlockSpec[] = [
  { inChannels: 16, outChannels: 24, stride: 2 },
  { inChannels: 24, outChannels: 24, stride: 1 },
  { inChannels: 24, outChannels: 32, stride: 2 },
  { inChannels: 32, outChannels: 32, stride: 1 },
];

/**
 * A small MobileNetV2 (Sandler et al. 2018) for 64×64 RGB, 10 classes. Batch norms are folded
 * into conv biases, as torch.onnx does with constant folding; ReLU6 is `Clip(x, min, max)` with
 * the bounds as (shared, rank-0) initializer inputs, the opset-11+ form.
 *
 * Each inverted residual block (expansion 4): 1×1 expand conv + ReLU6, 3×3 depthwise conv
 * (group = channels, stride 1 or 2) + ReLU6, 1×1 linear projection; the input is added back
 * when the stride is 1 and the width is unchanged (blocks 2 and 4).
 *
 * Hand count (every conv has a bias; depthwise K = 1 × 3 × 3 = 9):
 * ```
 * layer          op                       output       MACs                       params
 * stem           Conv 3→16 3×3 s2 p1      1×16×32×32   16,384 × 27  =   442,368   432 + 16   =   448
 * block1 expand  Conv 16→64 1×1           1×64×32×32   65,536 × 16  = 1,048,576   1,024 + 64 = 1,088
 * block1 dw      Conv 64 dw 3×3 s2 p1     1×64×16×16   16,384 × 9   =   147,456   576 + 64   =   640
 * block1 project Conv 64→24 1×1           1×24×16×16   6,144 × 64   =   393,216   1,536 + 24 = 1,560
 * block2 expand  Conv 24→96 1×1           1×96×16×16   24,576 × 24  =   589,824   2,304 + 96 = 2,400
 * block2 dw      Conv 96 dw 3×3 s1 p1     1×96×16×16   24,576 × 9   =   221,184   864 + 96   =   960
 * block2 project Conv 96→24 1×1 (+ skip)  1×24×16×16   6,144 × 96   =   589,824   2,304 + 24 = 2,328
 * block3 expand  Conv 24→96 1×1           1×96×16×16   24,576 × 24  =   589,824   2,304 + 96 = 2,400
 * block3 dw      Conv 96 dw 3×3 s2 p1     1×96×8×8     6,144 × 9    =    55,296   864 + 96   =   960
 * block3 project Conv 96→32 1×1           1×32×8×8     2,048 × 96   =   196,608   3,072 + 32 = 3,104
 * block4 expand  Conv 32→128 1×1          1×128×8×8    8,192 × 32   =   262,144   4,096 + 128 = 4,224
 * block4 dw      Conv 128 dw 3×3 s1 p1    1×128×8×8    8,192 × 9    =    73,728   1,152 + 128 = 1,280
 * block4 project Conv 128→32 1×1 (+ skip) 1×32×8×8     2,048 × 128  =   262,144   4,096 + 32 = 4,128
 * head           Conv 32→128 1×1          1×128×8×8    8,192 × 32   =   262,144   4,096 + 128 = 4,224
 * pool, flatten  GlobalAveragePool        1×128        -                          -
 * classifier     Gemm 128→10 + Softmax    1×10         10 × 128     =     1,280   1,280 + 10 = 1,290
 * total                                                               5,135,616               31,034
 * ```
 * The two Clip bounds (0 and 6) are rank-0 constants, not parameters.
 */
export const mobilenetV2Mini: SampleModel = {
  name: 'mobilenetv2-mini',
  description:
    'MobileNetV2-style CNN: 4 inverted residual blocks, depthwise convs, Clip as ReLU6, 64×64×3 → 10 classes',
  params: 31_034,
  macs: () => 5_135_616,
  build() {
    const net = new NetworkBuilder('mobilenetv2-mini');
    const clipMin = net.initializer(scalarFloat32('relu6.min', 0));
    const clipMax = net.initializer(scalarFloat32('relu6.max', 6));
    const relu6 = (scope: string, input: string): string => net.op1(scope, 'Clip', [input, clipMin, clipMax]);

    let x = net.conv('/features/features.0/0', 'input', {
      inChannels: 3,
      outChannels: 16,
      kernel: 3,
      stride: 2,
      pad: 1,
    });
    x = relu6('/features/features.0/2', x);

    BLOCKS.forEach((block, index) => {
      const scope = `/features/features.${index + 1}/conv`;
      const hidden = block.inChannels * EXPANSION;
      const input = x;
      let y = net.conv(`${scope}/0/0`, input, {
        inChannels: block.inChannels,
        outChannels: hidden,
        kernel: 1,
      });
      y = relu6(`${scope}/0/2`, y);
      const depthwise = {
        inChannels: hidden,
        outChannels: hidden,
        kernel: 3,
        stride: block.stride,
        pad: 1,
        group: hidden,
      };
      y = net.conv(`${scope}/1/0`, y, depthwise);
      y = relu6(`${scope}/1/2`, y);
      y = net.conv(`${scope}/2`, y, { inChannels: hidden, outChannels: block.outChannels, kernel: 1 });
      const residual = block.stride === 1 && block.inChannels === block.outChannels;
      x = residual ? net.op1(`/features/features.${index + 1}`, 'Add', [input, y]) : y;
    });

    x = net.conv('/features/features.5/0', x, { inChannels: 32, outChannels: 128, kernel: 1 });
    x = relu6('/features/features.5/2', x);
    x = net.op1('', 'GlobalAveragePool', [x]);
    x = net.op1('', 'Flatten', [x], [attr.int('axis', 1)]);
    const logits = net.gemm('/classifier', x, 128, CLASSES);
    net.op1('/softmax', 'Softmax', [logits], [attr.int('axis', 1)], 'probabilities');

    return sampleModelProto(mobilenetV2Mini.description, {
      name: 'mobilenetv2_mini',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 64, 64])],
      outputs: [valueInfo('probabilities', DataType.FLOAT, [1, CLASSES])],
    });
  },
};
