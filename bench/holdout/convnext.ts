/**
 * A ConvNeXt-like network (Liu et al. 2022) at 128×128, as torch.onnx exports torchvision's
 * convnext blocks: a 4×4 stride-4 patchify stem, then per block a 7×7 depthwise conv, a permute to
 * channels-last (Transpose), LayerNormalization, Linear (MatMul + Add) to 4× width, GELU in its Erf
 * form, Linear back, a layer-scale Mul, a permute back and the residual Add. Downsampling between
 * stages: channels-last LayerNorm, then a 2×2 stride-2 conv. Widths 48, 96, 192, 384 with depths
 * 1, 1, 3, 1; about 0.13 G multiply-accumulates.
 */
import { attr, scalarFloat32, tensorFromFloat32 } from '../../core/onnx/builder.js';
import { NetworkBuilder, parameterPrefix } from '../../samples/models/network-builder.js';
import { imageModel, type HoldoutModel } from './common.js';

const STAGES: readonly { readonly width: number; readonly depth: number }[] = [
  { width: 48, depth: 1 },
  { width: 96, depth: 1 },
  { width: 192, depth: 3 },
  { width: 384, depth: 1 },
];
const CLASSES = 1000;
const TO_LAST = [0, 2, 3, 1];
const TO_FIRST = [0, 3, 1, 2];

/** LayerNorm over the last (channel) axis of a channels-last tensor. */
function layerNorm(net: NetworkBuilder, scope: string, input: string, channels: number): string {
  const prefix = parameterPrefix(scope);
  const gamma = net.initializer(
    tensorFromFloat32(`${prefix}.weight`, [channels], net.rangeValues(channels, 0.8, 1.2)),
  );
  const beta = net.initializer(
    tensorFromFloat32(`${prefix}.bias`, [channels], net.rangeValues(channels, -0.1, 0.1)),
  );
  return net.op1(
    scope,
    'LayerNormalization',
    [input, gamma, beta],
    [attr.int('axis', -1), attr.float('epsilon', 1e-6)],
  );
}

function gelu(net: NetworkBuilder, scope: string, input: string): string {
  const erf = net.op1(scope, 'Erf', [
    net.op1(scope, 'Div', [input, net.constant(scope, scalarFloat32('', Math.SQRT2))]),
  ]);
  const onePlus = net.op1(scope, 'Add', [erf, net.constant(scope, scalarFloat32('', 1))]);
  return net.op1(scope, 'Mul', [
    net.op1(scope, 'Mul', [input, onePlus]),
    net.constant(scope, scalarFloat32('', 0.5)),
  ]);
}

function block(net: NetworkBuilder, scope: string, input: string, width: number): string {
  let x = net.conv(`${scope}/block/block.0`, input, {
    inChannels: width,
    outChannels: width,
    kernel: 7,
    pad: 3,
    group: width,
  });
  x = net.op1(`${scope}/block/block.1`, 'Transpose', [x], [attr.ints('perm', TO_LAST)]);
  x = layerNorm(net, `${scope}/block/block.2`, x, width);
  x = net.linear(`${scope}/block/block.3`, x, width, 4 * width);
  x = gelu(net, `${scope}/block/block.4`, x);
  x = net.linear(`${scope}/block/block.5`, x, 4 * width, width);
  x = net.op1(`${scope}/block/block.6`, 'Transpose', [x], [attr.ints('perm', TO_FIRST)]);
  const scale = net.initializer(
    tensorFromFloat32(
      `${parameterPrefix(scope)}.layer_scale`,
      [width, 1, 1],
      net.rangeValues(width, 0.05, 0.15),
    ),
  );
  return net.op1(scope, 'Add', [net.op1(scope, 'Mul', [scale, x]), input]);
}

export const convnextLike: HoldoutModel = {
  name: 'convnext-like',
  kind: 'ConvNeXt: 7×7 depthwise, channels-last LayerNorm between Transposes, MatMul MLP, Erf GELU',
  inputShapes: {},
  build() {
    const net = new NetworkBuilder('holdout-convnext-like');
    let x = net.conv('/features/features.0/features.0.0', 'input', {
      inChannels: 3,
      outChannels: STAGES[0]!.width,
      kernel: 4,
      stride: 4,
    });
    x = net.op1('/features/features.0/features.0.1', 'Transpose', [x], [attr.ints('perm', TO_LAST)]);
    x = layerNorm(net, '/features/features.0/features.0.1', x, STAGES[0]!.width);
    x = net.op1('/features/features.0/features.0.1', 'Transpose', [x], [attr.ints('perm', TO_FIRST)]);
    let channels = STAGES[0]!.width;
    STAGES.forEach(({ width, depth }, s) => {
      const stage = 2 * s + 1;
      if (s > 0) {
        const down = `/features/features.${stage - 1}`;
        x = net.op1(`${down}/features.${stage - 1}.0`, 'Transpose', [x], [attr.ints('perm', TO_LAST)]);
        x = layerNorm(net, `${down}/features.${stage - 1}.0`, x, channels);
        x = net.op1(`${down}/features.${stage - 1}.0`, 'Transpose', [x], [attr.ints('perm', TO_FIRST)]);
        x = net.conv(`${down}/features.${stage - 1}.1`, x, {
          inChannels: channels,
          outChannels: width,
          kernel: 2,
          stride: 2,
        });
        channels = width;
      }
      for (let i = 0; i < depth; i++)
        x = block(net, `/features/features.${stage}/features.${stage}.${i}`, x, width);
    });
    x = net.op1('/avgpool', 'GlobalAveragePool', [x]);
    x = net.op1('/classifier/classifier.1', 'Flatten', [x], [attr.int('axis', 1)]);
    const logits = net.gemm('/classifier/classifier.2', x, channels, CLASSES, 'logits');
    return imageModel('convnext_like', net, [1, 3, 128, 128], logits, [1, CLASSES]);
  },
};
