/**
 * A minimal graph assembler for the benchmark models: appends nodes with unique names and
 * draws weights from one seeded stream, so a model built twice encodes to the same bytes.
 *
 * Weights are written straight from their Float32Array's bytes instead of through
 * `tensorFromFloat32`, which copies value by value: for VGG-16 that copy would double the
 * generator's memory (553 MB) and cost seconds.
 */
import os from 'node:os';
import type { AttributeProto, NodeProto, TensorProto } from '../../core/onnx/codec.js';
import { attr, node, tensorFromFloat32 } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { createRandom, seedFromText, type SeededRandom } from '../../core/onnx/random.js';

export interface ConvOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
}

/** A float32 tensor over `values`' own bytes (ONNX raw_data is little-endian). */
function float32Tensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  if (os.endianness() !== 'LE') return tensorFromFloat32(name, dims, values);
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData };
}

export class GraphAssembler {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /** Parameters (weight elements) drawn so far. */
  parameterCount = 0;
  private readonly random: SeededRandom;

  constructor(seedText: string) {
    this.random = createRandom(seedFromText(seedText));
  }

  /** Appends a single-output node named `name`; its output is `name` + `:0` unless given. */
  op(
    name: string,
    opType: string,
    inputs: readonly string[],
    attrs: readonly AttributeProto[] = [],
    output = `${name}:0`,
  ): string {
    this.nodes.push(node(opType, inputs, [output], attrs, name));
    return output;
  }

  /** A float32 initializer uniform in [-bound, bound); returns its name. */
  weight(name: string, dims: readonly number[], bound: number): string {
    const count = dims.reduce((n, d) => n * d, 1);
    this.parameterCount += count;
    this.initializers.push(float32Tensor(name, dims, this.random.uniformFloat32(count, -bound, bound)));
    return name;
  }

  /** A float32 initializer filled with one value (batch-norm variances, scales). */
  filled(name: string, dims: readonly number[], value: number): string {
    const count = dims.reduce((n, d) => n * d, 1);
    this.parameterCount += count;
    this.initializers.push(float32Tensor(name, dims, new Float32Array(count).fill(value)));
    return name;
  }

  /** Adds a ready-made initializer (int64 shapes and the like); not counted as parameters. */
  tensor(value: TensorProto): string {
    this.initializers.push(value);
    return value.name ?? '';
  }

  /**
   * Conv with bias, weights uniform in ±1/√fan_in (PyTorch's default bound for both) so
   * activations stay finite through deep stacks.
   */
  conv(name: string, input: string, spec: ConvOptions): string {
    const { inChannels, outChannels, kernel } = spec;
    const stride = spec.stride ?? 1;
    const pad = spec.pad ?? 0;
    const bound = 1 / Math.sqrt(inChannels * kernel * kernel);
    const w = this.weight(`${name}.weight`, [outChannels, inChannels, kernel, kernel], bound);
    const b = this.weight(`${name}.bias`, [outChannels], bound);
    return this.op(
      name,
      'Conv',
      [input, w, b],
      [
        attr.ints('dilations', [1, 1]),
        attr.int('group', 1),
        attr.ints('kernel_shape', [kernel, kernel]),
        attr.ints('pads', [pad, pad, pad, pad]),
        attr.ints('strides', [stride, stride]),
      ],
    );
  }

  /** Gemm computing `x · Wᵀ + b` with W stored [out, in], as PyTorch exports nn.Linear. */
  dense(name: string, input: string, inFeatures: number, outFeatures: number, output?: string): string {
    const bound = 1 / Math.sqrt(inFeatures);
    const w = this.weight(`${name}.weight`, [outFeatures, inFeatures], bound);
    const b = this.weight(`${name}.bias`, [outFeatures], bound);
    const attrs = [attr.float('alpha', 1), attr.float('beta', 1), attr.int('transB', 1)];
    return this.op(name, 'Gemm', [input, w, b], attrs, output);
  }

  /** BatchNormalization in inference form with near-identity statistics. */
  batchNorm(name: string, input: string, channels: number, scale: number): string {
    const inputs = [
      input,
      this.filled(`${name}.weight`, [channels], scale),
      this.weight(`${name}.bias`, [channels], 0.1),
      this.weight(`${name}.running_mean`, [channels], 0.1),
      this.filled(`${name}.running_var`, [channels], 1),
    ];
    return this.op(name, 'BatchNormalization', inputs, [
      attr.float('epsilon', 1e-5),
      attr.float('momentum', 0.9),
    ]);
  }
}
