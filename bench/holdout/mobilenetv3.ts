/**
 * A MobileNetV3-Small-like network (Howard et al. 2019) at 224×224, as torch.onnx exports
 * torchvision's mobilenet_v3_small with batch norms folded: HardSwish and ReLU activations, 3×3
 * and 5×5 depthwise convolutions, squeeze-and-excitation gated by HardSigmoid, residual Adds
 * where stride is 1 and the width is kept, then a 1×1 conv to 576, pooling and two dense layers.
 * About 60 M multiply-accumulates.
 */
import { attr } from '../../core/onnx/builder.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';
import { convAct, imageModel, squeezeExcite, type HoldoutModel } from './common.js';

interface Bneck {
  readonly kernel: number;
  readonly expanded: number;
  readonly out: number;
  readonly se: boolean;
  readonly act: 'Relu' | 'HardSwish';
  readonly stride: number;
}

// torchvision's mobilenet_v3_small inverted residual settings.
const BLOCKS: readonly Bneck[] = [
  { kernel: 3, expanded: 16, out: 16, se: true, act: 'Relu', stride: 2 },
  { kernel: 3, expanded: 72, out: 24, se: false, act: 'Relu', stride: 2 },
  { kernel: 3, expanded: 88, out: 24, se: false, act: 'Relu', stride: 1 },
  { kernel: 5, expanded: 96, out: 40, se: true, act: 'HardSwish', stride: 2 },
  { kernel: 5, expanded: 240, out: 40, se: true, act: 'HardSwish', stride: 1 },
  { kernel: 5, expanded: 240, out: 40, se: true, act: 'HardSwish', stride: 1 },
  { kernel: 5, expanded: 120, out: 48, se: true, act: 'HardSwish', stride: 1 },
  { kernel: 5, expanded: 144, out: 48, se: true, act: 'HardSwish', stride: 1 },
  { kernel: 5, expanded: 288, out: 96, se: true, act: 'HardSwish', stride: 2 },
  { kernel: 5, expanded: 576, out: 96, se: true, act: 'HardSwish', stride: 1 },
  { kernel: 5, expanded: 576, out: 96, se: true, act: 'HardSwish', stride: 1 },
];
const CLASSES = 1000;

/** torchvision's _make_divisible(v / 4, 8): the SE width, a multiple of 8, at least 90% of v / 4. */
function squeezedWidth(channels: number): number {
  const target = channels / 4;
  const rounded = Math.max(8, Math.floor((target + 4) / 8) * 8);
  return rounded < 0.9 * target ? rounded + 8 : rounded;
}

export const mobilenetV3Like: HoldoutModel = {
  name: 'mobilenetv3-small-like',
  kind: 'MobileNetV3: HardSwish/HardSigmoid, SE, 5×5 depthwise',
  inputShapes: {},
  build() {
    const net = new NetworkBuilder('holdout-mobilenetv3-small-like');
    let x = convAct(
      net,
      '/features/features.0/features.0.0',
      'input',
      { inChannels: 3, outChannels: 16, kernel: 3, stride: 2, pad: 1 },
      'HardSwish',
    );
    let channels = 16;
    BLOCKS.forEach((b, i) => {
      const scope = `/features/features.${i + 1}/block`;
      let y = x;
      if (b.expanded !== channels) {
        y = convAct(
          net,
          `${scope}/block.0/block.0.0`,
          y,
          { inChannels: channels, outChannels: b.expanded, kernel: 1 },
          b.act,
        );
      }
      y = convAct(
        net,
        `${scope}/block.1/block.1.0`,
        y,
        {
          inChannels: b.expanded,
          outChannels: b.expanded,
          kernel: b.kernel,
          stride: b.stride,
          pad: (b.kernel - 1) / 2,
          group: b.expanded,
        },
        b.act,
      );
      if (b.se)
        y = squeezeExcite(net, `${scope}/block.2`, y, b.expanded, squeezedWidth(b.expanded), 'HardSigmoid');
      y = convAct(
        net,
        `${scope}/block.${b.se ? 3 : 2}/block.${b.se ? 3 : 2}.0`,
        y,
        { inChannels: b.expanded, outChannels: b.out, kernel: 1 },
        null,
      );
      x = b.stride === 1 && b.out === channels ? net.op1(`/features/features.${i + 1}`, 'Add', [y, x]) : y;
      channels = b.out;
    });
    x = convAct(
      net,
      '/features/features.12/features.12.0',
      x,
      { inChannels: channels, outChannels: 576, kernel: 1 },
      'HardSwish',
    );
    x = net.op1('/avgpool', 'GlobalAveragePool', [x]);
    x = net.op1('/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
    x = net.op1('/classifier/classifier.1', 'HardSwish', [
      net.gemm('/classifier/classifier.0', x, 576, 1024),
    ]);
    const logits = net.gemm('/classifier/classifier.3', x, 1024, CLASSES, 'logits');
    return imageModel('mobilenetv3_small_like', net, [1, 3, 224, 224], logits, [1, CLASSES]);
  },
};
