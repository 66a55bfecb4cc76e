/**
 * The layer vocabulary the sample and benchmark models are written in: convolutions, batch norms,
 * dense and linear layers, each appended as the nodes PyTorch's ONNX exporter would emit, with its
 * names.
 *
 * Naming follows torch.onnx: a node is `/<scope>/<OpType>` (`_1`, `_2`… on repeats in the same
 * scope), its output `<node name>_output_0`, and a weight `<scope with dots>.weight`. Cutline groups
 * nodes into layers by these scopes, so the samples use them the way real exports do.
 */
import os from 'node:os';
import type { AttributeProto, NodeProto, TensorProto } from '../../core/onnx/codec.js';
import { attr, node, tensorFromFloat32 } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { createRandom, seedFromText, type SeededRandom } from '../../core/onnx/random.js';

export interface ConvSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
  /** Channel groups; `group = inChannels = outChannels` is a depthwise convolution. */
  readonly group?: number;
  /** False when a BatchNormalization follows (the bias would be redundant). Default true. */
  readonly bias?: boolean;
}

/**
 * The parameter prefix PyTorch gives a module's weights: `/L1/conv` → `L1.conv`. A scope part
 * that already spells its parent's path (`/layer1/layer1.0/conv1`, as torch.onnx names list
 * items) replaces it: `layer1.0.conv1`.
 */
export function parameterPrefix(scope: string): string {
  let prefix = '';
  for (const part of scope.split('/').filter(Boolean)) {
    prefix = prefix && !part.startsWith(`${prefix}.`) ? `${prefix}.${part}` : part;
  }
  return prefix;
}

/**
 * A float32 tensor whose raw_data is a view of `values`' own bytes: on a little-endian host those
 * are the bytes `tensorFromFloat32` writes (ONNX raw_data is little-endian), without its
 * value-by-value copy, which for VGG-16's 138 M weights would double the generator's memory and
 * cost seconds.
 */
function float32Tensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  if (os.endianness() !== 'LE') return tensorFromFloat32(name, dims, values);
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData };
}

export class NetworkBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly nodeNameUses = new Map<string, number>();
  private readonly random: SeededRandom;

  /** Weights are drawn from a stream seeded by `seedText` (the model's name). */
  constructor(seedText: string) {
    this.random = createRandom(seedFromText(seedText));
  }

  /**
   * Appends a node and returns its output names: `outputNames` when given (graph outputs keep
   * their public names), else one output named after the node.
   */
  op(
    scope: string,
    opType: string,
    inputs: readonly string[],
    attrs: readonly AttributeProto[] = [],
    outputNames?: readonly string[],
  ): string[] {
    const base = `${scope}/${opType}`;
    const uses = this.nodeNameUses.get(base) ?? 0;
    this.nodeNameUses.set(base, uses + 1);
    const name = uses === 0 ? base : `${base}_${uses}`;
    const outputs = outputNames ? [...outputNames] : [`${name}_output_0`];
    this.nodes.push(node(opType, inputs, outputs, attrs, name));
    return outputs;
  }

  /** Appends a single-output node and returns its output name. */
  op1(
    scope: string,
    opType: string,
    inputs: readonly string[],
    attrs: readonly AttributeProto[] = [],
    outputName?: string,
  ): string {
    return (
      this.op(scope, opType, inputs, attrs, outputName === undefined ? undefined : [outputName])[0] ?? ''
    );
  }

  /** A `Constant` node in `scope` holding `value` (its name is ignored); returns the output name. */
  constant(scope: string, value: TensorProto): string {
    const unnamed: TensorProto = { ...value };
    delete unnamed.name;
    return this.op1(scope, 'Constant', [], [attr.tensor('value', unnamed)]);
  }

  /** Adds an initializer and returns its name. */
  initializer(tensor: TensorProto): string {
    this.initializers.push(tensor);
    return tensor.name ?? '';
  }

  /** float32 values uniform in [-bound, bound), drawn from the model's stream. */
  uniformValues(count: number, bound: number): Float32Array {
    return this.random.uniformFloat32(count, -bound, bound);
  }

  /** values uniform in [low, high), drawn from the model's stream. */
  rangeValues(count: number, low: number, high: number): Float32Array {
    return this.random.uniformFloat32(count, low, high);
  }

  /**
   * An initializer of He-uniform values: bound sqrt(6 / fanIn) keeps the activation variance
   * about constant through ReLU layers, so deep samples give neither zeros nor overflow.
   */
  heWeight(name: string, dims: readonly number[], fanIn: number): string {
    const count = dims.reduce((n, d) => n * d, 1);
    return this.initializer(float32Tensor(name, dims, this.uniformValues(count, Math.sqrt(6 / fanIn))));
  }

  /** A small bias initializer, uniform in [-0.1, 0.1). */
  bias(name: string, size: number): string {
    return this.initializer(float32Tensor(name, [size], this.uniformValues(size, 0.1)));
  }

  /**
   * Conv with a [out, in/group, k, k] weight, attributes as torch.onnx writes them.
   * MACs = out elements × (in/group) × k × k.
   */
  conv(scope: string, input: string, spec: ConvSpec): string {
    const { inChannels, outChannels, kernel } = spec;
    const group = spec.group ?? 1;
    const stride = spec.stride ?? 1;
    const pad = spec.pad ?? 0;
    const prefix = parameterPrefix(scope);
    const fanIn = (inChannels / group) * kernel * kernel;
    const inputs = [
      input,
      this.heWeight(`${prefix}.weight`, [outChannels, inChannels / group, kernel, kernel], fanIn),
    ];
    if (spec.bias ?? true) inputs.push(this.bias(`${prefix}.bias`, outChannels));
    return this.op1(scope, 'Conv', inputs, [
      attr.ints('dilations', [1, 1]),
      attr.int('group', group),
      attr.ints('kernel_shape', [kernel, kernel]),
      attr.ints('pads', [pad, pad, pad, pad]),
      attr.ints('strides', [stride, stride]),
    ]);
  }

  /**
   * Inference-mode BatchNormalization with stored scale, bias, running mean and running variance
   * (4 × channels parameters), left un-fused as some eval-mode exports leave it. The scale is
   * drawn from [0.8, 1.2) × `scaleGain`: a small gain damps a residual branch, so a stack of
   * thousands of `x + branch(x)` blocks keeps finite activations.
   */
  batchNorm(scope: string, input: string, channels: number, scaleGain = 1): string {
    const prefix = parameterPrefix(scope);
    const tensor = (suffix: string, low: number, high: number): string =>
      this.initializer(
        float32Tensor(`${prefix}.${suffix}`, [channels], this.rangeValues(channels, low, high)),
      );
    const inputs = [
      input,
      tensor('weight', 0.8 * scaleGain, 1.2 * scaleGain),
      tensor('bias', -0.1, 0.1),
      tensor('running_mean', -0.1, 0.1),
      tensor('running_var', 0.5, 1.5),
    ];
    return this.op1(scope, 'BatchNormalization', inputs, [
      attr.float('epsilon', 1e-5),
      attr.float('momentum', 0.9),
    ]);
  }

  /**
   * nn.Linear on a 2-D input: Gemm(x, W[out, in], b) with transB = 1.
   * MACs = out features × in features per row; params = out × in + out.
   */
  gemm(scope: string, input: string, inFeatures: number, outFeatures: number, outputName?: string): string {
    const prefix = parameterPrefix(scope);
    const weight = this.heWeight(`${prefix}.weight`, [outFeatures, inFeatures], inFeatures);
    const bias = this.bias(`${prefix}.bias`, outFeatures);
    const attrs = [attr.float('alpha', 1), attr.float('beta', 1), attr.int('transB', 1)];
    return this.op1(scope, 'Gemm', [input, weight, bias], attrs, outputName);
  }

  /**
   * nn.Linear on a 3-D input as torch.onnx exports it: MatMul(x, W[in, out]) then Add(bias).
   * MACs = tokens × in × out; params = in × out + out.
   */
  linear(scope: string, input: string, inFeatures: number, outFeatures: number): string {
    const prefix = parameterPrefix(scope);
    const weight = this.heWeight(`${prefix}.weight`, [inFeatures, outFeatures], inFeatures);
    const product = this.op1(scope, 'MatMul', [input, weight]);
    return this.op1(scope, 'Add', [this.bias(`${prefix}.bias`, outFeatures), product]);
  }
}
