/**
 * What the held-out generators share: a model written as the samples are (opset 17, IR 8) under a
 * producer name of its own, and the held-out model's description (its input bindings included,
 * so a model with symbolic dimensions is measured and predicted at the sizes that run).
 */
import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import type { onnx } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import type { Shape } from '../../core/graph/types.js';
import type { NetworkBuilder } from '../../samples/models/network-builder.js';

export interface HoldoutModel {
  /** File stem: `<name>.onnx` in the bench cache. */
  readonly name: string;
  /** The kind of network, for the bench's notes (what calibration never saw). */
  readonly kind: string;
  /** Bindings of symbolic input dimensions; empty when every input is fixed. */
  readonly inputShapes: Readonly<Record<string, Shape>>;
  build(): onnx.ModelProto.$Properties;
}

export const HOLDOUT_PRODUCER = 'cutline-holdout';

/** The model of `net` with one float image input and one float output. */
export function imageModel(
  name: string,
  net: NetworkBuilder,
  inputDims: readonly number[],
  output: string,
  outputDims: readonly number[],
): onnx.ModelProto.$Properties {
  return model({
    graph: graph({
      name,
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, inputDims)],
      outputs: [valueInfo(output, DataType.FLOAT, outputDims)],
    }),
    opset: 17,
    irVersion: 8,
    producerName: HOLDOUT_PRODUCER,
  });
}

/** Conv then an activation op in the conv's scope, as torch.onnx names a Conv2d + act block. */
export function convAct(
  net: NetworkBuilder,
  scope: string,
  input: string,
  spec: Parameters<NetworkBuilder['conv']>[2],
  activation: 'Relu' | 'HardSwish' | 'Sigmoid' | 'HardSigmoid' | null,
): string {
  const x = net.conv(scope, input, spec);
  if (activation === null) return x;
  // torch.nn.Hardsigmoid exports with alpha 1/6 (ONNX's default is 0.2).
  const attrs = activation === 'HardSigmoid' ? [attr.float('alpha', 1 / 6), attr.float('beta', 0.5)] : [];
  return net.op1(scope, activation, [x], attrs);
}

/** Squeeze-and-excitation (Hu et al. 2018): x × gate(W2·act(W1·GAP(x))), both projections 1×1 convs. */
export function squeezeExcite(
  net: NetworkBuilder,
  scope: string,
  input: string,
  channels: number,
  squeezed: number,
  gate: 'Sigmoid' | 'HardSigmoid',
): string {
  const pooled = net.op1(`${scope}/avgpool`, 'GlobalAveragePool', [input]);
  const reduced = convAct(
    net,
    `${scope}/fc1`,
    pooled,
    { inChannels: channels, outChannels: squeezed, kernel: 1 },
    'Relu',
  );
  const scale = convAct(
    net,
    `${scope}/fc2`,
    reduced,
    { inChannels: squeezed, outChannels: channels, kernel: 1 },
    gate,
  );
  return net.op1(scope, 'Mul', [scale, input]);
}
