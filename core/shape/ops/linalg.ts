/** Matrix products and linear algebra: MatMul, MatMulInteger, QLinearMatMul, Gemm, Det, Einsum. */
import { DataType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../dims.js';
import {
  ShapeError,
  type Dim,
  type InferContext,
  type Shape,
  type ShapeRule,
  type ShapeRules,
} from '../types.js';
import { dimAt, unifyDims } from './compute-dims.js';
import { einsumRule } from './einsum.js';
import { NUMPY_BROADCAST_SINCE } from './legacy-broadcast.js';

/**
 * NumPy matmul shapes: a 1-D left operand is promoted to [1, K] and a 1-D right one to [K, 1]
 * (the added axis is dropped again); leading batch dims broadcast; [.., M, K] × [.., K, N] → [.., M, N].
 */
export function matmulShape(a: Shape | null, b: Shape | null): Shape | null {
  if (a === null || b === null) return null;
  if (a.length === 0 || b.length === 0) throw new ShapeError('MatMul operands must have rank ≥ 1');
  const left: Shape = a.length === 1 ? [1, dimAt(a, 0)] : a;
  const right: Shape = b.length === 1 ? [dimAt(b, 0), 1] : b;
  unifyDims(dimAt(left, -1), dimAt(right, -2), 'MatMul inner dimensions');
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]) ?? [];
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(dimAt(left, -2));
  if (b.length > 1) out.push(dimAt(right, -1));
  return out;
}

function matmulLike(aSlot: number, bSlot: number, dtype: (ctx: InferContext) => number): ShapeRule {
  return (ctx) => {
    const shape = matmulShape(ctx.requireInput(aSlot).shape, ctx.requireInput(bSlot).shape);
    ctx.setOutput(0, { dtype: dtype(ctx), shape });
  };
}

/**
 * Gemm: `alpha·A'·B' + beta·C` with A' = A or Aᵀ (transA) of [M, K] and B' = B or Bᵀ (transB)
 * of [K, N]; the output is [M, N]. C must broadcast to it; before opset 7 only when the node says
 * `broadcast=1`, else C is [M, N] itself.
 */
const gemmRule: ShapeRule = (ctx) => {
  const a = ctx.requireInput(0);
  const b = ctx.requireInput(1).shape;
  const c = ctx.input(2)?.shape ?? null;
  let m: Dim = null;
  let n: Dim = null;
  if (a.shape) {
    if (a.shape.length !== 2) throw new ShapeError(`Gemm input A must be 2-D, got rank ${a.shape.length}`);
    m = dimAt(a.shape, ctx.attrInt('transA', 0) ? 1 : 0);
  }
  if (b) {
    if (b.length !== 2) throw new ShapeError(`Gemm input B must be 2-D, got rank ${b.length}`);
    n = dimAt(b, ctx.attrInt('transB', 0) ? 0 : 1);
  }
  if (a.shape && b) {
    unifyDims(
      dimAt(a.shape, ctx.attrInt('transA', 0) ? 0 : 1),
      dimAt(b, ctx.attrInt('transB', 0) ? 1 : 0),
      'Gemm inner dimensions',
    );
  }
  const shape: Dim[] = [m, n];
  if (c && ctx.opset < NUMPY_BROADCAST_SINCE && ctx.attrInt('broadcast', 0) === 0) {
    const fits = c.length === 2 && c.every((d, i) => typeof d !== 'number' || unknownOr(shape[i], d));
    if (!fits) throw new ShapeError(`Gemm (opset ${ctx.opset}) without broadcast=1 needs C of [M, N]`);
  }
  if (c && c.length <= 2) broadcastShapes([shape.map((d) => (typeof d === 'number' ? d : null)), c]);
  if (c && c.length > 2) throw new ShapeError(`Gemm input C has rank ${c.length}, more than the output's 2`);
  ctx.setOutput(0, { dtype: a.dtype, shape });
};

const unknownOr = (d: Dim | undefined, size: number): boolean => typeof d !== 'number' || d === size;

/** Det: [*, M, M] → [*]. */
const detRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  let shape: Shape | null = null;
  if (x.shape) {
    if (x.shape.length < 2) throw new ShapeError(`Det needs a matrix input, got rank ${x.shape.length}`);
    unifyDims(dimAt(x.shape, -1), dimAt(x.shape, -2), 'Det needs square matrices');
    shape = x.shape.slice(0, -2);
  }
  ctx.setOutput(0, { dtype: x.dtype, shape });
};

export const linalgRules: ShapeRules = {
  MatMul: matmulLike(0, 1, (ctx) => ctx.requireInput(0).dtype),
  MatMulInteger: matmulLike(0, 1, () => DataType.INT32),
  QLinearMatMul: matmulLike(0, 3, (ctx) => ctx.input(7)?.dtype || ctx.requireInput(0).dtype),
  Gemm: gemmRule,
  Det: detRule,
  Einsum: einsumRule,
};
