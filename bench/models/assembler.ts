/**
 * A minimal graph assembler for the benchmark models. Names follow torch.onnx, as in real
 * exports: a node is `<scope>/<OpType>` (`_1`, `_2`… on repeats), its output
 * `<node name>_output_0`, a weight `<scope with dots>.weight`, so Cutline's layer view groups
 * the benchmark graphs the way it groups real models.
 *
 * Weights come from one seeded stream (the same model always encodes to the same bytes) and are
 * written straight from their Float32Array's bytes instead of through `tensorFromFloat32`, which
 * copies value by value: for VGG-16 that copy would double the generator's memory and cost seconds.
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

/** `/features/features.0` → `features.features.0`: the prefix PyTorch gives a module's weights. */
function parameterPrefix(scope: string): string {
  return scope.replace(/^\//, '').replaceAll('/', '.');
}

export class GraphAssembler {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly nameUses = new Map<string, number>();
  private readonly random: SeededRandom;

  constructor(seedText: string) {
    this.random = createRandom(seedFromText(seedText));
  }

  /** Appends a single-output node in `scope`; returns its output (`output` when given). */
  op(
    scope: string,
    opType: string,
    inputs: readonly string[],
    attrs: readonly AttributeProto[] = [],
    output?: string,
  ): string {
    const base = `${scope}/${opType}`;
    const uses = this.nameUses.get(base) ?? 0;
    this.nameUses.set(base, uses + 1);
    const name = uses === 0 ? base : `${base}_${uses}`;
    const outputName = output ?? `${name}_output_0`;
    this.nodes.push(node(opType, inputs, [outputName], attrs, name));
    return outputName;
  }

  /** A float32 initializer uniform in [-bound, bound); returns its name. */
  weight(name: string, dims: readonly number[], bound: number): string {
    const count = dims.reduce((n, d) => n * d, 1);
    this.initializers.push(float32Tensor(name, dims, this.random.uniformFloat32(count, -bound, bound)));
    return name;
  }

  /** A float32 initializer filled with one value (batch-norm variances, scales). */
  filled(name: string, dims: readonly number[], value: number): string {
    const count = dims.reduce((n, d) => n * d, 1);
    this.initializers.push(float32Tensor(name, dims, new Float32Array(count).fill(value)));
    return name;
  }

  /** Adds a ready-made initializer (int64 shapes and the like). */
  tensor(value: TensorProto): string {
    this.initializers.push(value);
    return value.name ?? '';
  }

  /**
   * Conv with bias, weights uniform in ±1/√fan_in (PyTorch's default bound for both) so
   * activations stay finite through deep stacks.
   */
  conv(scope: string, input: string, spec: ConvOptions): string {
    const { inChannels, outChannels, kernel } = spec;
    const stride = spec.stride ?? 1;
    const pad = spec.pad ?? 0;
    const bound = 1 / Math.sqrt(inChannels * kernel * kernel);
    const prefix = parameterPrefix(scope);
    const w = this.weight(`${prefix}.weight`, [outChannels, inChannels, kernel, kernel], bound);
    const b = this.weight(`${prefix}.bias`, [outChannels], bound);
    return this.op(
      scope,
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
  dense(scope: string, input: string, inFeatures: number, outFeatures: number, output?: string): string {
    const bound = 1 / Math.sqrt(inFeatures);
    const prefix = parameterPrefix(scope);
    const w = this.weight(`${prefix}.weight`, [outFeatures, inFeatures], bound);
    const b = this.weight(`${prefix}.bias`, [outFeatures], bound);
    const attrs = [attr.float('alpha', 1), attr.float('beta', 1), attr.int('transB', 1)];
    return this.op(scope, 'Gemm', [input, w, b], attrs, output);
  }

  /** BatchNormalization in inference form with near-identity statistics and scale `scale`. */
  batchNorm(scope: string, input: string, channels: number, scale: number): string {
    const prefix = parameterPrefix(scope);
    const inputs = [
      input,
      this.filled(`${prefix}.weight`, [channels], scale),
      this.weight(`${prefix}.bias`, [channels], 0.1),
      this.weight(`${prefix}.running_mean`, [channels], 0.1),
      this.filled(`${prefix}.running_var`, [channels], 1),
    ];
    return this.op(scope, 'BatchNormalization', inputs, [
      attr.float('epsilon', 1e-5),
      attr.float('momentum', 0.9),
    ]);
  }
}
