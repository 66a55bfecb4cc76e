/**
 * Unary element-wise operators and activations: the output has the input's shape (and, unless
 * noted, its element type). Cheap integer-friendly ones fold known values.
 */
import { DataType } from '../../onnx/dtype.js';
import type { InferContext, ShapeRule, ShapeRules } from '../types.js';
import { foldMap, infoWithValue, toDtype } from './fold.js';

type UnaryFold = (x: number) => number | undefined;

/** Output 0 takes input `i`'s shape and element type (or `dtype` when given). */
export function sameAsInput(ctx: InferContext, i = 0, dtype?: number): void {
  const x = ctx.requireInput(i);
  ctx.setOutput(0, { dtype: dtype ?? x.dtype, shape: x.shape });
}

/** A shape-preserving operator, folding values with `fold` when the input is known. */
function unary(fold?: UnaryFold, outDtype?: number): ShapeRule {
  return (ctx) => {
    const x = ctx.requireInput(0);
    const dtype = outDtype ?? x.dtype;
    const value =
      fold && x.value
        ? foldMap(x.value, (v) => {
            const r = fold(v);
            return r === undefined ? undefined : toDtype(r, dtype);
          })
        : undefined;
    ctx.setOutput(0, infoWithValue(dtype, x.shape, value));
  };
}

/** Round half to even, as ONNX Round specifies. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Clip: bounds are attributes `min`/`max` before opset 11 and optional inputs 1 and 2 after. */
const clipRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  let low = -Infinity;
  let high = Infinity;
  let boundsKnown = true;
  if (ctx.opset < 11) {
    low = ctx.attrFloat('min', -Infinity);
    high = ctx.attrFloat('max', Infinity);
  } else {
    for (const slot of [1, 2]) {
      const bound = ctx.input(slot);
      if (!bound) continue;
      const v = bound.value?.data[0];
      if (v === undefined) boundsKnown = false;
      else if (slot === 1) low = v;
      else high = v;
    }
  }
  const value =
    x.value && boundsKnown
      ? foldMap(x.value, (v) => toDtype(Math.min(Math.max(v, low), high), x.dtype))
      : undefined;
  ctx.setOutput(0, infoWithValue(x.dtype, x.shape, value));
};

/**
 * Dropout: output like the input, plus an optional mask of the same shape (bool from opset 10,
 * the input's type before). In inference mode the output is the input, so its value carries.
 */
const dropoutRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const training = ctx.opset >= 12 ? ctx.input(2)?.value?.data[0] : undefined;
  const passesValue = ctx.opset < 12 || !ctx.input(2) || training === 0;
  ctx.setOutput(0, infoWithValue(x.dtype, x.shape, passesValue ? x.value : undefined));
  ctx.setOutput(1, { dtype: ctx.opset >= 10 ? DataType.BOOL : x.dtype, shape: x.shape });
};

/** PRelu: the slope broadcasts to X (unidirectionally), so the output is X's shape. */
const preluRule: ShapeRule = (ctx) => {
  ctx.requireInput(1);
  sameAsInput(ctx);
};

const isInfRule: ShapeRule = (ctx) => {
  const negative = ctx.attrInt('detect_negative', 1) !== 0;
  const positive = ctx.attrInt('detect_positive', 1) !== 0;
  unary((x) => ((x === Infinity && positive) || (x === -Infinity && negative) ? 1 : 0), DataType.BOOL)(ctx);
};

const plain = unary();

export const elementwiseRules: ShapeRules = {
  Abs: unary(Math.abs),
  Neg: unary((x) => -x),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Round: unary(roundHalfEven),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((x) => 1 / x),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sign: unary(Math.sign),
  Relu: unary((x) => Math.max(0, x)),
  Not: unary((x) => (x ? 0 : 1), DataType.BOOL),
  BitwiseNot: unary((x) => Number(~BigInt(Math.trunc(x)))),
  IsNaN: unary((x) => (Number.isNaN(x) ? 1 : 0), DataType.BOOL),
  IsInf: isInfRule,
  Clip: clipRule,
  Dropout: dropoutRule,
  PRelu: preluRule,
  Sin: plain,
  Cos: plain,
  Tan: plain,
  Asin: plain,
  Acos: plain,
  Atan: plain,
  Sinh: plain,
  Cosh: plain,
  Asinh: plain,
  Acosh: plain,
  Atanh: plain,
  Erf: plain,
  LeakyRelu: plain,
  Elu: plain,
  Selu: plain,
  Celu: plain,
  Sigmoid: plain,
  HardSigmoid: plain,
  HardSwish: plain,
  Softplus: plain,
  Softsign: plain,
  Tanh: plain,
  ThresholdedRelu: plain,
  Mish: plain,
  Gelu: plain,
  Shrink: plain,
  Swish: plain,
  // Experimental operators of opsets 1–9 still found in older exports (tiny-YOLOv2's ImageScaler).
  ImageScaler: plain,
  ScaledTanh: plain,
  ParametricSoftplus: plain,
  Affine: plain,
};
