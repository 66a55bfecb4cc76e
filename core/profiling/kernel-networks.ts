/**
 * Small generated networks for the kernel calibration's network factor (`networkFactor` in
 * kernel-fit.ts): how much slower kernels run chained in a network than the one-kernel samples
 * say. Generic stacks of the layers real models chain (3×3 conv stages, inverted bottlenecks
 * with a residual, grouped stages, an MLP with LayerNorm, an attention block), sized to run
 * 0.3–3 ms on one core; none is one of the prediction bench's held-out models.
 */
import { attr } from '../onnx/builder.js';
import { decomposedLayerNorm, erfGelu } from './kernel-pattern-samples.js';
import { Chain, type KernelSample } from './kernel-samples.js';

function linear(chain: Chain, x: string, k: number, n: number): string {
  return chain.op('Add', [chain.op('MatMul', [x, chain.weight([k, n])]), chain.weight([n])]);
}

function convStage(): KernelSample {
  const chain = new Chain('net-conv-stage');
  let x = chain.plainInput([1, 32, 56, 56]);
  for (let i = 0; i < 3; i++) x = chain.op('Relu', [chain.batchNorm(chain.conv(x, 32, 32, 3), 32)]);
  x = chain.op('MaxPool', [x], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]);
  for (let i = 0; i < 2; i++) x = chain.op('Relu', [chain.conv(x, i === 0 ? 32 : 64, 64, 3)]);
  return chain.build(x);
}

function bottlenecks(): KernelSample {
  const chain = new Chain('net-bottlenecks');
  let x = chain.plainInput([1, 48, 28, 28]);
  for (let i = 0; i < 3; i++) {
    const a = chain.op('Relu', [chain.batchNorm(chain.conv(x, 48, 192, 1), 192)]);
    const b = chain.op('Relu', [chain.batchNorm(chain.conv(a, 192, 192, 3, 1, 192), 192)]);
    x = chain.op('Add', [x, chain.batchNorm(chain.conv(b, 192, 48, 1), 48)]);
  }
  return chain.build(x);
}

function groupedStage(): KernelSample {
  const chain = new Chain('net-grouped');
  let x = chain.plainInput([1, 96, 28, 28]);
  for (let i = 0; i < 3; i++) {
    const a = chain.op('Relu', [chain.conv(x, 96, 96, 3, 1, 12)]);
    x = chain.op('Relu', [chain.op('Add', [x, chain.conv(a, 96, 96, 1)])]);
  }
  return chain.build(x);
}

function mlp(): KernelSample {
  const chain = new Chain('net-mlp');
  let x = chain.plainInput([1, 64, 192]);
  for (let i = 0; i < 3; i++) {
    const h = chain.op('Relu', [linear(chain, x, 192, 768)]);
    const y = chain.op('Add', [x, linear(chain, h, 768, 192)]);
    x = chain.op('LayerNormalization', [y, chain.weight([192]), chain.weight([192])], [attr.int('axis', -1)]);
  }
  return chain.build(x);
}

function attention(): KernelSample {
  const chain = new Chain('net-attention');
  const x = chain.plainInput([1, 96, 128]);
  const q = linear(chain, x, 128, 128);
  const k = chain.op('Transpose', [linear(chain, x, 128, 128)], [attr.ints('perm', [0, 2, 1])]);
  const v = linear(chain, x, 128, 128);
  const scores = chain.op('Softmax', [chain.op('MatMul', [q, k])], [attr.int('axis', -1)]);
  return chain.build(linear(chain, chain.op('MatMul', [scores, v]), 128, 128));
}

function wideStage(): KernelSample {
  const chain = new Chain('net-wide');
  let x = chain.plainInput([1, 192, 14, 14]);
  for (let i = 0; i < 3; i++) x = chain.op('Relu', [chain.batchNorm(chain.conv(x, 192, 192, 3), 192)]);
  return chain.build(chain.op('GlobalAveragePool', [x]));
}

/**
 * Mobile blocks at channel counts that are not whole NCHWc blocks (40, 120), with
 * squeeze-and-excitation: onnxruntime reorders layouts around the parts it cannot run blocked,
 * time no single-kernel sample shows.
 */
function squeezeExcite(): KernelSample {
  const chain = new Chain('net-squeeze-excite');
  let x = chain.plainInput([1, 40, 28, 28]);
  for (let i = 0; i < 2; i++) {
    const a = chain.op('HardSwish', [chain.batchNorm(chain.conv(x, 40, 120, 1), 120)]);
    const b = chain.op('HardSwish', [chain.batchNorm(chain.conv(a, 120, 120, 5, 1, 120), 120)]);
    const squeezed = chain.op('Relu', [chain.conv(chain.op('GlobalAveragePool', [b]), 120, 32, 1)]);
    const gate = chain.op('HardSigmoid', [chain.conv(squeezed, 32, 120, 1)]);
    x = chain.op('Add', [x, chain.batchNorm(chain.conv(chain.op('Mul', [b, gate]), 120, 40, 1), 40)]);
  }
  return chain.build(x);
}

/** A transformer MLP block as older exporters write it: LayerNorm and GELU node by node. */
function writtenOutBlock(): KernelSample {
  const chain = new Chain('net-written-out');
  const x = chain.plainInput([1, 96, 256]);
  const h = erfGelu(chain, linear(chain, decomposedLayerNorm(chain, x, 256), 256, 1024));
  return chain.build(decomposedLayerNorm(chain, chain.op('Add', [x, linear(chain, h, 1024, 256)]), 256));
}

/** The networks, in a fixed order. */
export function kernelNetworks(): KernelSample[] {
  return [
    convStage(),
    bottlenecks(),
    groupedStage(),
    mlp(),
    attention(),
    wideStage(),
    squeezeExcite(),
    writtenOutBlock(),
  ];
}
