/**
 * Calibration samples of the multi-node patterns onnxruntime fuses into one kernel
 * (core/predict/fusion-patterns.ts): GELU written with Erf and LayerNorm written out node by node,
 * as older exporters and hand-built transformers leave them, over the sizes transformers and
 * channels-last conv nets use. Their fused kernels (Gelu/BiasGelu, LayerNormalization) do several
 * times the arithmetic of a ReLU or an Add per element, so without samples the activation and
 * normalisation fits would know only the cheap ones.
 */
import { attr } from '../onnx/builder.js';
import { Chain, type KernelSample } from './kernel-samples.js';

/** GELU as torch.onnx writes it: x · (erf(x / √2) + 1) · 0.5. */
export function erfGelu(chain: Chain, x: string): string {
  const erf = chain.op('Erf', [chain.op('Div', [x, chain.scalar(Math.SQRT2)])]);
  const onePlus = chain.op('Add', [erf, chain.scalar(1)]);
  return chain.op('Mul', [chain.op('Mul', [x, onePlus]), chain.scalar(0.5)]);
}

/** LayerNorm over the last axis, node by node: (x − mean) / √(var + ε) · γ + β. */
export function decomposedLayerNorm(chain: Chain, x: string, dim: number): string {
  const lastAxis = [attr.ints('axes', [-1]), attr.int('keepdims', 1)];
  const centred = chain.op('Sub', [x, chain.op('ReduceMean', [x], lastAxis)]);
  const variance = chain.op('ReduceMean', [chain.op('Pow', [centred, chain.scalar(2)])], lastAxis);
  const std = chain.op('Sqrt', [chain.op('Add', [variance, chain.scalar(1e-5)])]);
  const normalised = chain.op('Div', [centred, std]);
  return chain.op('Add', [chain.op('Mul', [normalised, chain.weight([dim])]), chain.weight([dim])]);
}

/** [tokens, width] of the samples: BERT-base and -small widths, a ConvNeXt stage flattened. */
const SIZES = [
  [16, 256],
  [128, 256],
  [64, 768],
  [128, 1024],
  [1024, 192],
  [256, 384],
  [32, 3072],
] as const;

export function patternSamples(): KernelSample[] {
  return SIZES.flatMap(([tokens, width]) => {
    const gelu = new Chain(`gelu-erf-t${tokens}-w${width}`);
    const norm = new Chain(`layernorm-nodes-t${tokens}-w${width}`);
    return [
      gelu.build(erfGelu(gelu, gelu.input([1, tokens, width]))),
      norm.build(decomposedLayerNorm(norm, norm.input([1, tokens, width]), width)),
    ];
  });
}
