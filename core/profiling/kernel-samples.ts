/**
 * The calibration samples of the kernel-level predictor: small generated models, each one kernel
 * kind at one size, as nn-Meter samples its kernels. They sweep what the predictor must tell apart
 * (dense, pointwise, depthwise and grouped convolutions over channels and spatial sizes, each
 * followed by the BatchNormalization and activation ORT fuses into it; MatMul/Gemm over M, N, K;
 * element-wise, normalisation, pooling, reduction and layout kernels over bytes), so the fit does
 * not depend on which layers a user's own models happen to hold. Pure: they are ModelProtos,
 * written to files by the caller.
 */
import { attr, graph, model, node, tensorFromFloat32, valueInfo } from '../onnx/builder.js';
import type { onnx } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { createRandom, seedFromText, type SeededRandom } from '../onnx/random.js';
import { patternSamples } from './kernel-pattern-samples.js';

/** Name prefix of the nodes that set a sample's cache up: timed, but not samples themselves. */
export const PRELUDE = '/prelude/';
/** 4 MB of floats: more than a core's L2, as a network's other layers touch between two runs of one. */
const FLUSH_FLOATS = 1 << 20;

export interface KernelSample {
  /** File-name safe: `<kind>-<sizes>`. */
  readonly name: string;
  readonly proto: onnx.ModelProto.$Properties;
}

/** A chain of named nodes from graph inputs to one output. */
export class Chain {
  private readonly nodes: ReturnType<typeof node>[] = [];
  private readonly weights: ReturnType<typeof tensorFromFloat32>[] = [];
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly random: SeededRandom;
  private count = 0;

  constructor(readonly name: string) {
    this.random = createRandom(seedFromText(name));
  }

  private flushed: string | null = null;

  /**
   * A graph input as the sampled kernel meets it inside a network: just written by the kernel
   * before it (so in cache) while the rest of the cache holds other work's data. A prelude streams
   * a 4 MB tensor (past the L2 caches) and adds the resulting zero to the input; its kernels are
   * named `/prelude/…` and left out of the fit (`PRELUDE`). Without it every run finds the
   * kernel's weights where the previous run left them, and networks ran 15–25% slower per kernel
   * than the same kernels alone.
   */
  input(dims: readonly number[]): string {
    const name = this.plainInput(dims);
    if (this.flushed === null) {
      const flush = `flush`;
      this.inputs.push(valueInfo(flush, DataType.FLOAT, [1, FLUSH_FLOATS]));
      const zeroed = this.op('Mul', [flush, this.zero()], [], PRELUDE);
      this.flushed = this.op('ReduceMax', [zeroed], [attr.int('keepdims', 1)], PRELUDE);
    }
    return this.op('Add', [name, this.flushed], [], PRELUDE);
  }

  /** A graph input as it is, for a network whose own layers set the cache up. */
  plainInput(dims: readonly number[]): string {
    const name = `input${this.inputs.length}`;
    this.inputs.push(valueInfo(name, DataType.FLOAT, dims));
    return name;
  }

  private zero(): string {
    return this.scalar(0);
  }

  /** A one-element weight holding exactly `value` (the constants onnxruntime's fusions check). */
  scalar(value: number): string {
    const name = `w${this.weights.length}`;
    this.weights.push(tensorFromFloat32(name, [], new Float32Array([value])));
    return name;
  }

  weight(dims: readonly number[], bound = 0.1): string {
    const name = `w${this.weights.length}`;
    const size = dims.reduce((a, b) => a * b, 1);
    this.weights.push(tensorFromFloat32(name, dims, this.random.uniformFloat32(size, -bound, bound)));
    return name;
  }

  op(
    opType: string,
    inputs: readonly string[],
    attrs: Parameters<typeof node>[3] = [],
    scope = '/block/',
  ): string {
    const name = `${scope}${opType}_${this.count++}`;
    const output = `${name}_output_0`;
    this.nodes.push(node(opType, inputs, [output], attrs, name));
    return output;
  }

  conv(x: string, inC: number, outC: number, k: number, stride = 1, group = 1): string {
    return this.op(
      'Conv',
      [x, this.weight([outC, inC / group, k, k]), this.weight([outC])],
      [
        attr.ints('kernel_shape', [k, k]),
        attr.ints('strides', [stride, stride]),
        attr.ints('pads', Array(4).fill(k >> 1)),
        attr.int('group', group),
      ],
    );
  }

  batchNorm(x: string, channels: number): string {
    const ones = this.weights.length;
    const scale = this.weight([channels]);
    const bias = this.weight([channels]);
    const mean = this.weight([channels]);
    // Variance must stay positive: a fresh tensor of values in [0.5, 1.5).
    const variance = `w${ones + 3}`;
    this.weights.push(
      tensorFromFloat32(variance, [channels], this.random.uniformFloat32(channels, 0.5, 1.5)),
    );
    return this.op('BatchNormalization', [x, scale, bias, mean, variance]);
  }

  build(output: string): KernelSample {
    return {
      name: this.name,
      proto: model({
        producerName: 'cutline-kernel-samples',
        graph: graph({
          name: this.name,
          nodes: this.nodes,
          initializers: this.weights,
          inputs: this.inputs,
          outputs: [valueInfo(output, DataType.FLOAT)],
        }),
      }),
    };
  }
}

function convBlock(
  kind: string,
  c: number,
  hw: number,
  outC: number,
  k: number,
  stride: number,
  group: number,
  act: string,
): KernelSample {
  const chain = new Chain(`${kind}-c${c}-hw${hw}-o${outC}-k${k}-s${stride}`);
  let x = chain.conv(chain.input([1, c, hw, hw]), c, outC, k, stride, group);
  x = chain.batchNorm(x, outC);
  if (act === 'Clip') x = chain.op('Clip', [x, chain.weight([]), chain.weight([])]);
  else if (act) x = chain.op(act, [x]);
  return chain.build(x);
}

/** Largest sample, FLOPs: a few ms on one core, so the sweep stays well under a minute. */
const MAX_FLOPS = 160e6;
/** Largest activation of a sample, bytes: past the L2 caches, as the big layers of real models. */
const MAX_BYTES = 6e6;

const SPATIAL = [7, 14, 28, 56, 112] as const;

function fits(c: number, hw: number, outC: number, k: number, stride: number, group: number): boolean {
  if (!Number.isInteger(group) || c % group !== 0 || outC % group !== 0) return false;
  const out = Math.ceil(hw / stride);
  const flops = 2 * out * out * outC * (c / group) * k * k;
  return flops <= MAX_FLOPS && Math.max(c * hw * hw, outC * out * out) * 4 <= MAX_BYTES;
}

/**
 * Convolutions over a grid of channels × spatial sizes (nn-Meter samples its kernels from the
 * configurations real models use: widths of 16 to 512, maps of 7 to 112). Alternate points take a
 * stride of 2, widen or narrow the output, or take another activation, so each feature varies on
 * its own.
 */
function convSamples(): KernelSample[] {
  const samples: KernelSample[] = [];
  let i = 0;
  const add = (
    kind: string,
    c: number,
    hw: number,
    outC: number,
    k: number,
    stride: number,
    group: number,
  ): void => {
    if (!fits(c, hw, outC, k, stride, group)) return;
    const act = ['Relu', 'Clip', '', 'Relu', 'HardSigmoid'][i++ % 5]!;
    samples.push(convBlock(kind, c, hw, outC, k, stride, group, act));
  };
  for (const c of [16, 24, 32, 40, 64, 72, 128, 256])
    for (const hw of SPATIAL) {
      add('conv3x3', c, hw, c, 3, 1, 1);
      add('conv3x3', c, hw, 2 * c, 3, 2, 1);
    }
  add('conv3x3', 3, 224, 16, 3, 2, 1);
  add('conv7x7', 3, 224, 32, 7, 2, 1);
  add('conv5x5', 16, 28, 32, 5, 1, 1);
  add('conv3x3', 8, 64, 16, 3, 1, 1);
  for (const c of [16, 24, 32, 40, 64, 72, 96, 120, 128, 256, 512])
    for (const hw of SPATIAL) {
      add('conv1x1', c, hw, Math.min(1024, 4 * c), 1, 1, 1);
      add('conv1x1', c, hw, Math.max(8, c / 4), 1, 1, 1);
      add('conv1x1', c, hw, c, 1, 1, 1);
    }
  // 1×1 convolutions on a 1×1 map: squeeze-and-excitation's and classifiers' fully connected layers.
  for (const c of [16, 64, 96, 152, 368, 576, 1024]) {
    add('fc1x1', c, 1, Math.max(8, c / 4), 1, 1, 1);
    add('fc1x1', Math.max(8, c / 4), 1, c, 1, 1, 1);
  }
  for (const c of [16, 24, 32, 40, 64, 72, 96, 120, 144, 192, 384, 576, 960])
    for (const hw of SPATIAL) {
      add('dwconv', c, hw, c, 3, 1, c);
      add('dwconv', c, hw, c, 5, hw >= 28 ? 2 : 1, c);
    }
  for (const c of [24, 48, 56, 64, 128, 152, 256, 368])
    for (const hw of SPATIAL) {
      add('gconv-w8', c, hw, c, 3, 1, c / 8);
      add('gconv-w16', c, hw, c, 3, 2, c / 16);
    }
  return samples;
}

function matmulSamples(): KernelSample[] {
  const samples: KernelSample[] = [];
  for (const m of [1, 16, 64, 128, 256])
    for (const [k, n] of [
      [64, 256],
      [256, 64],
      [128, 128],
      [384, 384],
      [768, 768],
      [768, 3072],
      [3072, 768],
      [512, 1000],
      [1024, 64],
    ] as const) {
      if (2 * m * k * n > MAX_FLOPS) continue;
      const chain = new Chain(`linear-m${m}-k${k}-n${n}`);
      const y = chain.op('MatMul', [chain.input([1, m, k]), chain.weight([k, n])]);
      samples.push(chain.build(chain.op('Add', [y, chain.weight([n])])));
    }
  for (const [heads, seq, dim] of [
    [4, 16, 16],
    [4, 64, 32],
    [8, 128, 64],
    [2, 32, 32],
    [12, 128, 64],
    [4, 256, 32],
  ] as const) {
    const chain = new Chain(`attention-h${heads}-s${seq}-d${dim}`);
    const q = chain.input([1, heads, seq, dim]);
    const k = chain.input([1, heads, dim, seq]);
    samples.push(chain.build(chain.op('MatMul', [q, k])));
    const probs = new Chain(`attention-v-h${heads}-s${seq}-d${dim}`);
    samples.push(
      probs.build(probs.op('MatMul', [probs.input([1, heads, seq, seq]), probs.input([1, heads, seq, dim])])),
    );
  }
  for (const [m, k, n] of [
    [1, 128, 10],
    [4, 256, 128],
    [1, 1024, 1000],
    [1, 576, 1024],
  ] as const) {
    const chain = new Chain(`gemm-m${m}-k${k}-n${n}`);
    const y = chain.op(
      'Gemm',
      [chain.input([m, k]), chain.weight([n, k]), chain.weight([n])],
      [attr.int('transB', 1)],
    );
    samples.push(chain.build(chain.op('Relu', [y])));
  }
  return samples;
}

const TENSOR_SIZES: readonly (readonly number[])[] = [
  [1, 32, 8, 8],
  [1, 16, 32, 32],
  [1, 64, 28, 28],
  [1, 128, 56, 56],
  [1, 96, 14, 14],
  [1, 24, 112, 112],
  [1, 368, 7, 7],
  [1, 152, 14, 14],
];

function elementwiseSamples(): KernelSample[] {
  const samples: KernelSample[] = [];
  TENSOR_SIZES.forEach((dims, i) => {
    const tag = dims.join('x');
    for (const op of ['Add', 'Mul']) {
      const chain = new Chain(`${op.toLowerCase()}-${tag}`);
      samples.push(chain.build(chain.op(op, [chain.input(dims), chain.input(dims)])));
    }
    // Squeeze-and-excitation's scaling: a map times one value per channel.
    const scale = new Chain(`scale-${tag}`);
    samples.push(scale.build(scale.op('Mul', [scale.input(dims), scale.input([1, dims[1]!, 1, 1])])));
    for (const op of ['Sigmoid', 'HardSwish', 'Tanh', 'Erf', 'HardSigmoid', 'Relu'].filter(
      (_, j) => (i + j) % 2 === 0,
    )) {
      const chain = new Chain(`${op.toLowerCase()}-${tag}`);
      samples.push(chain.build(chain.op(op, [chain.input(dims)])));
    }
    const c = dims[1]!;
    const hw = dims[2]!;
    const pool = new Chain(`maxpool-${tag}`);
    samples.push(
      pool.build(
        pool.op(
          'MaxPool',
          [pool.input(dims)],
          [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])],
        ),
      ),
    );
    const gap = new Chain(`globalpool-${tag}`);
    samples.push(gap.build(gap.op('GlobalAveragePool', [gap.input(dims)])));
    const avg = new Chain(`avgpool-${tag}`);
    samples.push(
      avg.build(
        avg.op(
          'AveragePool',
          [avg.input(dims)],
          [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])],
        ),
      ),
    );
    const transpose = new Chain(`transpose-${tag}`);
    samples.push(
      transpose.build(transpose.op('Transpose', [transpose.input(dims)], [attr.ints('perm', [0, 2, 3, 1])])),
    );
    const concat = new Chain(`concat-${tag}`);
    samples.push(
      concat.build(concat.op('Concat', [concat.input(dims), concat.input(dims)], [attr.int('axis', 1)])),
    );
    const bn = new Chain(`batchnorm-${tag}`);
    samples.push(bn.build(bn.batchNorm(bn.input(dims), c)));
    const mean = new Chain(`reducemean-${tag}`);
    samples.push(mean.build(mean.op('ReduceMean', [mean.input([1, c, hw * hw])], [attr.ints('axes', [-1])])));
  });
  for (const [seq, dim] of [
    [16, 64],
    [128, 256],
    [64, 768],
    [32, 128],
    [128, 768],
    [256, 64],
  ] as const) {
    const ln = new Chain(`layernorm-s${seq}-d${dim}`);
    const x = ln.input([1, seq, dim]);
    samples.push(
      ln.build(ln.op('LayerNormalization', [x, ln.weight([dim]), ln.weight([dim])], [attr.int('axis', -1)])),
    );
    const softmax = new Chain(`softmax-s${seq}-d${dim}`);
    samples.push(
      softmax.build(softmax.op('Softmax', [softmax.input([1, 4, seq, seq])], [attr.int('axis', -1)])),
    );
  }
  return samples;
}

/** Every calibration sample, in a fixed order (the same on every machine and run). */
export function kernelSamples(): KernelSample[] {
  return [...convSamples(), ...matmulSamples(), ...elementwiseSamples(), ...patternSamples()];
}
