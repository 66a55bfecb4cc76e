/**
 * A RegNetY-200MF-like network (Radosavovic et al. 2020) at 224×224, as torch.onnx exports
 * torchvision's regnet_y_200mf in eval mode with constant folding: batch norms folded into the
 * convolutions' biases. Each block: 1×1 conv + ReLU, 3×3 grouped conv (group width 8, stride 2 in
 * a stage's first block) + ReLU, squeeze-and-excitation (a quarter of the block's input width,
 * Sigmoid gate), 1×1 conv, a projection shortcut where the shape changes, Add, ReLU.
 * Widths 24, 56, 152, 368 with depths 1, 1, 4, 7; about 0.2 G multiply-accumulates.
 */
import { attr } from '../../core/onnx/builder.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';
import { convAct, imageModel, squeezeExcite, type HoldoutModel } from './common.js';

const STAGES: readonly { readonly width: number; readonly depth: number }[] = [
  { width: 24, depth: 1 },
  { width: 56, depth: 1 },
  { width: 152, depth: 4 },
  { width: 368, depth: 7 },
];
const GROUP_WIDTH = 8;
const STEM = 32;
const CLASSES = 1000;

function block(
  net: NetworkBuilder,
  scope: string,
  input: string,
  inWidth: number,
  width: number,
  stride: number,
): string {
  const a = convAct(
    net,
    `${scope}/f/a`,
    input,
    { inChannels: inWidth, outChannels: width, kernel: 1 },
    'Relu',
  );
  const b = convAct(
    net,
    `${scope}/f/b`,
    a,
    { inChannels: width, outChannels: width, kernel: 3, stride, pad: 1, group: width / GROUP_WIDTH },
    'Relu',
  );
  const excited = squeezeExcite(net, `${scope}/f/se`, b, width, Math.round(inWidth / 4), 'Sigmoid');
  const c = convAct(net, `${scope}/f/c`, excited, { inChannels: width, outChannels: width, kernel: 1 }, null);
  const shortcut =
    stride !== 1 || inWidth !== width
      ? convAct(
          net,
          `${scope}/proj`,
          input,
          { inChannels: inWidth, outChannels: width, kernel: 1, stride },
          null,
        )
      : input;
  const sum = net.op1(scope, 'Add', [shortcut, c]);
  return net.op1(`${scope}/activation`, 'Relu', [sum]);
}

export const regnetLike: HoldoutModel = {
  name: 'regnet-y-like',
  kind: 'RegNetY: grouped 3×3 convs, SE blocks, projection shortcuts',
  inputShapes: {},
  build() {
    const net = new NetworkBuilder('holdout-regnet-y-like');
    let x = convAct(
      net,
      '/stem/0',
      'input',
      { inChannels: 3, outChannels: STEM, kernel: 3, stride: 2, pad: 1 },
      'Relu',
    );
    let channels = STEM;
    STAGES.forEach(({ width, depth }, s) => {
      for (let i = 0; i < depth; i++) {
        x = block(net, `/trunk_output/block${s + 1}/block${s + 1}-${i}`, x, channels, width, i === 0 ? 2 : 1);
        channels = width;
      }
    });
    x = net.op1('/avgpool', 'GlobalAveragePool', [x]);
    x = net.op1('/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
    const logits = net.gemm('/fc', x, channels, CLASSES, 'logits');
    return imageModel('regnet_y_like', net, [1, 3, 224, 224], logits, [1, CLASSES]);
  },
};
