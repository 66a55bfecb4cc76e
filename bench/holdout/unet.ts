/**
 * A small UNet (Ronneberger et al. 2015) at 128×128: two encoder levels of two 3×3 conv + ReLU
 * each with max-pooling between, a bottleneck, and a decoder that upsamples with 2×2 stride-2
 * ConvTranspose and concatenates the encoder's skip tensors; a 1×1 conv gives 2 class maps.
 * About 0.26 G multiply-accumulates.
 */
import { attr } from '../../core/onnx/builder.js';
import { NetworkBuilder, parameterPrefix } from '../../samples/models/network-builder.js';
import { convAct, imageModel, type HoldoutModel } from './common.js';

const SIZE = 128;

function doubleConv(
  net: NetworkBuilder,
  scope: string,
  input: string,
  inChannels: number,
  channels: number,
): string {
  const a = convAct(
    net,
    `${scope}/conv.0`,
    input,
    { inChannels, outChannels: channels, kernel: 3, pad: 1 },
    'Relu',
  );
  return convAct(
    net,
    `${scope}/conv.2`,
    a,
    { inChannels: channels, outChannels: channels, kernel: 3, pad: 1 },
    'Relu',
  );
}

/** nn.ConvTranspose2d(in, out, 2, stride 2): weight [in, out, 2, 2], with bias. */
function upsample(
  net: NetworkBuilder,
  scope: string,
  input: string,
  inChannels: number,
  outChannels: number,
): string {
  const prefix = parameterPrefix(scope);
  const weight = net.heWeight(`${prefix}.weight`, [inChannels, outChannels, 2, 2], inChannels);
  return net.op1(
    scope,
    'ConvTranspose',
    [input, weight, net.bias(`${prefix}.bias`, outChannels)],
    [
      attr.ints('dilations', [1, 1]),
      attr.int('group', 1),
      attr.ints('kernel_shape', [2, 2]),
      attr.ints('pads', [0, 0, 0, 0]),
      attr.ints('strides', [2, 2]),
    ],
  );
}

const pool = (net: NetworkBuilder, scope: string, x: string): string =>
  net.op1(scope, 'MaxPool', [x], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]);

export const unetLike: HoldoutModel = {
  name: 'unet-small',
  kind: 'UNet: ConvTranspose upsampling, Concat skips, full-resolution output',
  inputShapes: {},
  build() {
    const net = new NetworkBuilder('holdout-unet-small');
    const e1 = doubleConv(net, '/inc', 'input', 3, 16);
    const e2 = doubleConv(net, '/down1', pool(net, '/down1/pool', e1), 16, 32);
    const mid = doubleConv(net, '/down2', pool(net, '/down2/pool', e2), 32, 64);
    const u2 = net.op1('/up1', 'Concat', [e2, upsample(net, '/up1/up', mid, 64, 32)], [attr.int('axis', 1)]);
    const d2 = doubleConv(net, '/up1', u2, 64, 32);
    const u1 = net.op1('/up2', 'Concat', [e1, upsample(net, '/up2/up', d2, 32, 16)], [attr.int('axis', 1)]);
    const d1 = doubleConv(net, '/up2', u1, 32, 16);
    const out = net.op1(
      '/outc/conv',
      'Conv',
      [d1, net.heWeight('outc.conv.weight', [2, 16, 1, 1], 16), net.bias('outc.conv.bias', 2)],
      [attr.ints('kernel_shape', [1, 1])],
      'logits',
    );
    return imageModel('unet_small', net, [1, 3, SIZE, SIZE], out, [1, 2, SIZE, SIZE]);
  },
};
