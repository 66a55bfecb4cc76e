/**
 * Models kept out of every calibration: they score a device profile on networks it was not fitted
 * to. Built with the samples' layer vocabulary, but with their own shapes and sizes: a VGG-style
 * stack of biased 3×3 convolutions at 80×80 and a depthwise-separable tower at 48×48.
 */
import fs from 'node:fs';
import path from 'node:path';
import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto, type onnx } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';

function vggMini(): onnx.ModelProto.$Properties {
  const net = new NetworkBuilder('holdout-vgg-mini');
  let x = 'input';
  let channels = 3;
  for (const [stage, width] of [24, 48, 96].entries()) {
    for (const k of [0, 1]) {
      const scope = `/features/stage${stage}/conv${k}`;
      x = net.conv(scope, x, { inChannels: channels, outChannels: width, kernel: 3, pad: 1 });
      x = net.op1(`${scope}/relu`, 'Relu', [x]);
      channels = width;
    }
    x = net.op1(
      `/features/stage${stage}/pool`,
      'MaxPool',
      [x],
      [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])],
    );
  }
  x = net.op1('/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
  net.gemm('/classifier', x, channels, 10, 'logits');
  return modelOf('vgg-mini', net, [1, 3, 80, 80]);
}

function separableTower(): onnx.ModelProto.$Properties {
  const net = new NetworkBuilder('holdout-separable-tower');
  let x = net.conv('/stem', 'input', { inChannels: 3, outChannels: 32, kernel: 3, stride: 2, pad: 1 });
  let channels = 32;
  for (const [i, width] of [48, 64, 96, 128].entries()) {
    const scope = `/blocks/blocks.${i}`;
    x = net.conv(`${scope}/dw`, x, {
      inChannels: channels,
      outChannels: channels,
      kernel: 3,
      pad: 1,
      group: channels,
    });
    x = net.batchNorm(`${scope}/bn1`, x, channels);
    x = net.op1(`${scope}/relu1`, 'Relu', [x]);
    x = net.conv(`${scope}/pw`, x, { inChannels: channels, outChannels: width, kernel: 1, bias: false });
    x = net.batchNorm(`${scope}/bn2`, x, width);
    x = net.op1(`${scope}/relu2`, 'Relu', [x]);
    channels = width;
  }
  x = net.op1('/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
  net.gemm('/classifier', x, channels, 10, 'logits');
  return modelOf('separable-tower', net, [1, 3, 48, 48]);
}

function modelOf(name: string, net: NetworkBuilder, inputDims: number[]): onnx.ModelProto.$Properties {
  return model({
    producerName: 'cutline-tests',
    graph: graph({
      name,
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, inputDims)],
      outputs: [valueInfo('logits', DataType.FLOAT, [1, 10])],
    }),
  });
}

/** Writes the held-out models to `dir` and returns their paths. */
export function writeHoldoutModels(dir: string): string[] {
  return [
    ['vgg-mini', vggMini()],
    ['separable-tower', separableTower()],
  ].map(([name, proto]) => {
    const file = path.join(dir, `${name as string}.onnx`);
    fs.writeFileSync(file, encodeModelProto(proto as onnx.ModelProto.$Properties));
    return file;
  });
}
