/**
 * Reductions and axis-wise operators: Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax,
 * CumSum, LpNormalization and MeanVarianceNormalization.
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import type { Dim, InferContext, KnownValue, Shape, ShapeRule, ShapeRules } from '../types.js';
import { sameAsInput } from './elementwise.js';
import { foldReduce, infoWithValue, toDtype } from './fold.js';

/** Which axes a reduction removes: a list, all of them, or an unknown list of known length. */
type ReducedAxes =
  | { readonly kind: 'list'; readonly axes: readonly number[] }
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly count: number | undefined };

/** Opset from which each reduction reads `axes` from input 1 instead of an attribute. */
function axesInputSince(opType: string): number {
  return opType === 'ReduceSum' ? 13 : 18;
}

function reducedAxes(ctx: InferContext): ReducedAxes {
  const noopWhenEmpty = ctx.attrInt('noop_with_empty_axes', 0) !== 0;
  let axes: readonly number[] | undefined;
  if (ctx.opset >= axesInputSince(ctx.node.opType)) {
    const input = ctx.input(1);
    if (input) {
      if (!input.value) {
        const n = input.shape?.length === 1 ? input.shape[0] : undefined;
        if (n === 0) return noopWhenEmpty ? { kind: 'none' } : { kind: 'all' };
        return { kind: 'unknown', count: typeof n === 'number' ? n : undefined };
      }
      axes = input.value.data;
    }
  } else {
    axes = ctx.attrInts('axes');
  }
  if (!axes || axes.length === 0) return noopWhenEmpty ? { kind: 'none' } : { kind: 'all' };
  return { kind: 'list', axes };
}

/** The output shape of a reduction of `shape` over `axes` (normalised, unique). */
function reducedShape(shape: Shape, axes: ReadonlySet<number>, keepDims: boolean): Dim[] {
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!axes.has(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

interface ReduceFold {
  readonly combine: (acc: number, x: number) => number;
  readonly finish?: (acc: number, count: number) => number;
}

/** Folds of reductions that appear in shape arithmetic; the float-only ones are not folded. */
const FOLDS: Readonly<Record<string, ReduceFold>> = {
  ReduceSum: { combine: (a, x) => a + x },
  ReduceProd: { combine: (a, x) => a * x },
  ReduceMax: { combine: Math.max },
  ReduceMin: { combine: Math.min },
  ReduceMean: { combine: (a, x) => a + x, finish: (a, n) => a / n },
};

/**
 * Reduce{Sum,Mean,Max,Min,Prod,L1,L2,LogSum,LogSumExp,SumSquare}: reduced axes become 1 with
 * keepdims (default 1) or disappear; no axes reduces all, unless noop_with_empty_axes.
 */
const reduceRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const keepDims = ctx.attrInt('keepdims', 1) !== 0;
  const reduced = reducedAxes(ctx);
  const shape = x.shape;
  if (reduced.kind === 'none') {
    ctx.setOutput(0, infoWithValue(x.dtype, shape, x.value));
    return;
  }
  if (shape === null) {
    ctx.setOutput(0, { dtype: x.dtype, shape: null });
    return;
  }
  if (reduced.kind === 'unknown') {
    // Which axes go is unknown: with keepdims every dim may become 1 (size-1 dims stay 1);
    // without, only the rank is known, and only when the number of axes is.
    let out: Dim[] | null = null;
    if (keepDims) out = shape.map((d) => (d === 1 ? 1 : null));
    else if (reduced.count !== undefined) out = new Array<Dim>(shape.length - reduced.count).fill(null);
    ctx.setOutput(0, { dtype: x.dtype, shape: out });
    return;
  }
  const axes =
    reduced.kind === 'all'
      ? shape.map((_, i) => i)
      : reduced.axes.map((a) => normalizeAxis(a, shape.length, 'axes'));
  const axisSet = new Set(axes);
  const fold = FOLDS[ctx.node.opType];
  const sorted = [...axisSet].sort((a, b) => a - b);
  const value =
    fold && x.value ? foldReduce(x.value, sorted, keepDims, fold.combine, fold.finish) : undefined;
  const typed: KnownValue | undefined = value && {
    dims: value.dims,
    data: value.data.map((v) => toDtype(v, x.dtype)),
  };
  ctx.setOutput(0, infoWithValue(x.dtype, reducedShape(shape, axisSet, keepDims), typed));
};

/** ArgMax/ArgMin: int64 indices, `axis` (default 0) kept as 1 or removed. */
const argRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const keepDims = ctx.attrInt('keepdims', 1) !== 0;
  if (x.shape === null) {
    ctx.setOutput(0, { dtype: DataType.INT64, shape: null });
    return;
  }
  const axis = normalizeAxis(ctx.attrInt('axis', 0), x.shape.length);
  ctx.setOutput(0, { dtype: DataType.INT64, shape: reducedShape(x.shape, new Set([axis]), keepDims) });
};

/**
 * Softmax, LogSoftmax, Hardmax: shape-preserving; `axis` defaults to 1 before opset 13 (where
 * the input is coerced to 2-D) and to -1 from 13. The axis is checked against the rank.
 */
const softmaxRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const axis = ctx.attrInt('axis', ctx.opset >= 13 ? -1 : 1);
  const rank = x.shape?.length;
  if (rank !== undefined && !(rank === 0 && ctx.opset < 13)) normalizeAxis(axis, Math.max(rank, 1));
  sameAsInput(ctx);
};

/** An operator whose axis (or axes) attribute, when given, must fit the rank; output like the input. */
function axisChecked(attr: string): ShapeRule {
  return (ctx) => {
    const x = ctx.requireInput(0);
    const one = ctx.attrInt(attr);
    const axes = ctx.attrInts(attr) ?? (one === undefined ? [] : [one]);
    if (x.shape) for (const a of axes) normalizeAxis(a, x.shape.length, attr);
    sameAsInput(ctx);
  };
}

/** CumSum: same shape; the axis (input 1) is checked when known. */
const cumSumRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const axis = ctx.input(1)?.value?.data[0];
  if (axis !== undefined && x.shape) normalizeAxis(axis, x.shape.length);
  sameAsInput(ctx);
};

export const reduceRules: ShapeRules = {
  ReduceSum: reduceRule,
  ReduceMean: reduceRule,
  ReduceMax: reduceRule,
  ReduceMin: reduceRule,
  ReduceProd: reduceRule,
  ReduceL1: reduceRule,
  ReduceL2: reduceRule,
  ReduceLogSum: reduceRule,
  ReduceLogSumExp: reduceRule,
  ReduceSumSquare: reduceRule,
  ArgMax: argRule,
  ArgMin: argRule,
  Softmax: softmaxRule,
  LogSoftmax: softmaxRule,
  Hardmax: softmaxRule,
  CumSum: cumSumRule,
  LpNormalization: axisChecked('axis'),
  MeanVarianceNormalization: axisChecked('axes'),
};
