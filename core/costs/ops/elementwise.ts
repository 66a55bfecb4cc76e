/**
 * Element-wise operators: FLOPs per output element, no MACs. Arithmetic on one element counts
 * 1 FLOP; one evaluation of a transcendental function (exp, log, tanh, erf, sin, …) counts
 * TRANSCENDENTAL_FLOPS, and figures built on it are estimates.
 */
import type { ComputeRule } from '../context.js';

/**
 * FLOPs charged for one transcendental evaluation. Vector units and GPU special-function units
 * run these at about a quarter of the rate of fused multiply-adds, so 4 keeps a roofline
 * estimate honest without modelling each library's polynomial.
 */
export const TRANSCENDENTAL_FLOPS = 4;
const T = TRANSCENDENTAL_FLOPS;

/** Exact per-element FLOPs of cheap operators (compares and clamps count 1 each). */
const CHEAP_PER_ELEMENT: Readonly<Record<string, number>> = {
  // unary
  Relu: 1,
  Neg: 1,
  Abs: 1,
  Floor: 1,
  Ceil: 1,
  Round: 1,
  Sign: 1,
  Not: 1,
  BitwiseNot: 1,
  Reciprocal: 1,
  Sqrt: 1,
  IsNaN: 1,
  IsInf: 1,
  ThresholdedRelu: 1,
  LeakyRelu: 2, // compare, multiply
  Clip: 2, // min, max
  Shrink: 2, // compare, add
  HardSigmoid: 4, // max(0, min(1, alpha·x + beta))
  HardSwish: 5, // x · HardSigmoid(x)
  Softsign: 3, // x / (1 + |x|)
  // experimental operators of opset 1 (Caffe2-era exports)
  Scale: 1, // scale · x
  Affine: 2, // alpha · x + beta
  ImageScaler: 2, // scale · x + bias[c]
  // binary (broadcast to the output)
  Add: 1,
  Sub: 1,
  Mul: 1,
  Div: 1,
  Mod: 1,
  Equal: 1,
  Greater: 1,
  GreaterOrEqual: 1,
  Less: 1,
  LessOrEqual: 1,
  And: 1,
  Or: 1,
  Xor: 1,
  BitShift: 1,
  BitwiseAnd: 1,
  BitwiseOr: 1,
  BitwiseXor: 1,
  Where: 1,
  PRelu: 2, // compare, multiply
  // quantisation
  QuantizeLinear: 4, // divide by scale, round, add zero point, saturate
  DequantizeLinear: 2, // subtract zero point, multiply by scale
  DynamicQuantizeLinear: 6, // min and max over the input, then quantise
};

/** Per-element FLOPs of operators that evaluate transcendental functions (estimates). */
const TRANSCENDENTAL_PER_ELEMENT: Readonly<Record<string, number>> = {
  Exp: T,
  Log: T,
  Tanh: T,
  Erf: T,
  Sin: T,
  Cos: T,
  Tan: T,
  Asin: T,
  Acos: T,
  Atan: T,
  Sinh: T,
  Cosh: T,
  Asinh: T,
  Acosh: T,
  Atanh: T,
  Pow: T,
  Sigmoid: T + 2, // 1 / (1 + exp(-x))
  Elu: T + 3, // x < 0 ? alpha·(exp(x) − 1) : x
  Selu: T + 4, // Elu then × gamma
  Celu: T + 4, // max(0, x) + min(0, alpha·(exp(x/alpha) − 1))
  Gelu: T + 4, // 0.5·x·(1 + erf(x/√2)); the tanh form costs about the same
  Softplus: 2 * T + 1, // log(exp(x) + 1)
  Mish: 3 * T + 2, // x · tanh(softplus(x))
  ScaledTanh: T + 2, // alpha · tanh(beta · x) (experimental, opset 1)
  ParametricSoftplus: 2 * T + 3, // alpha · log(exp(beta · x) + 1) (experimental, opset 1)
};

/** Element-wise ops whose cost is `n × out_elems` for a constant n (see the tables above). */
export function elementwiseRules(): Record<string, ComputeRule> {
  const rules: Record<string, ComputeRule> = {};
  for (const [op, n] of Object.entries(CHEAP_PER_ELEMENT)) {
    rules[op] = (ctx) => ({ macs: 0, flops: n * ctx.elements(ctx.output(0)) });
  }
  for (const [op, n] of Object.entries(TRANSCENDENTAL_PER_ELEMENT)) {
    rules[op] = (ctx) => {
      ctx.estimate();
      return { macs: 0, flops: n * ctx.elements(ctx.output(0)) };
    };
  }
  return rules;
}

/**
 * Variadic Sum, Max, Min: (inputs − 1) × out_elems (one add or compare per extra operand);
 * Mean adds one division per output element: inputs × out_elems.
 */
export function variadicRule(extraPerElement: number): ComputeRule {
  return (ctx) => {
    const operands = ctx.inputCount;
    const per = operands > 1 ? operands - 1 + extraPerElement : 0;
    return { macs: 0, flops: per * ctx.elements(ctx.output(0)) };
  };
}
