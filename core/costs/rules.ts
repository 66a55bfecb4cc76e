/** The compute rule of every operator of the default ONNX domain that Cutline costs. */
import type { ComputeRule } from './context.js';
import { DATA_MOVEMENT_OPS } from './ops/data-movement.js';
import { einsumRule } from './ops/einsum.js';
import { elementwiseRules, variadicRule } from './ops/elementwise.js';
import { convRule, convTransposeRule, gemmRule, matMulRule } from './ops/linear.js';
import { hardmaxRule, lrnRule, normalizationRules, softmaxRule } from './ops/normalization.js';
import { globalPoolRule, poolRule } from './ops/pooling.js';
import { recurrentRule } from './ops/recurrent.js';
import { reduceRules, topKRule } from './ops/reduce.js';
import { resizeRule } from './ops/resize.js';

const free: ComputeRule = () => ({ macs: 0, flops: 0 });

export const COMPUTE_RULES: Readonly<Record<string, ComputeRule>> = {
  ...Object.fromEntries(DATA_MOVEMENT_OPS.map((op) => [op, free])),
  ...elementwiseRules(),
  ...normalizationRules(),
  ...reduceRules(),
  Conv: convRule(0, 1, 2),
  ConvInteger: convRule(0, 1),
  // QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B
  QLinearConv: convRule(0, 3, 8),
  ConvTranspose: convTransposeRule,
  Gemm: gemmRule,
  MatMul: matMulRule,
  MatMulInteger: matMulRule,
  QLinearMatMul: matMulRule,
  Einsum: einsumRule,
  MaxPool: poolRule(1),
  AveragePool: poolRule(1),
  LpPool: poolRule(2, true),
  GlobalMaxPool: globalPoolRule(1),
  GlobalAveragePool: globalPoolRule(1),
  GlobalLpPool: globalPoolRule(2, true),
  Sum: variadicRule(0),
  Max: variadicRule(0),
  Min: variadicRule(0),
  Mean: variadicRule(1),
  Softmax: softmaxRule,
  LogSoftmax: softmaxRule,
  Hardmax: hardmaxRule,
  LRN: lrnRule,
  TopK: topKRule,
  Resize: resizeRule,
  Upsample: resizeRule,
  RNN: recurrentRule('RNN'),
  GRU: recurrentRule('GRU'),
  LSTM: recurrentRule('LSTM'),
};

/** The rule for a node's operator; undefined for other domains and operators without a formula. */
export function computeRuleFor(domain: string, opType: string): ComputeRule | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return Object.prototype.hasOwnProperty.call(COMPUTE_RULES, opType) ? COMPUTE_RULES[opType] : undefined;
}
