/**
 * Broadcasting of the binary element-wise operators before opset 7 (Add, Sub, Mul, Div, Pow,
 * And, Or, Xor, Equal, Greater, Less at opsets 1–6; ONNX Changelog, Add-1 and Add-6). It went one
 * way only and was asked for by attribute: with `broadcast=1`, B is stretched onto A's shape,
 * matching a suffix of it or, with `axis`, the dims of A from `axis` on ("shape(A) = (2, 3, 4, 5),
 * shape(B) = (3, 4), with axis=1"); a B of one element fits any A. The result has A's shape.
 * Without `broadcast` the two shapes must be equal.
 *
 * Rather than a second broadcasting engine, B is rewritten so that NumPy rules give the legacy
 * result: trailing dims of 1 line it up with A from `axis` on, after checking it fits.
 */
import { ShapeError, type Dim, type InferContext, type Shape, type ValueInfo } from '../types.js';
import { entriesOf, type Entries, type SymbolicInfo } from './layout-values.js';

/** First ai.onnx opset whose element-wise operators broadcast by NumPy (multidirectional) rules. */
export const NUMPY_BROADCAST_SINCE = 7;

const show = (shape: Shape): string => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/** B with `count` dims of 1 appended to its shape and to its known or symbolic entries. */
function withTrailingOnes(b: ValueInfo, count: number): ValueInfo {
  if (count === 0 || b.shape === null) return b;
  const ones = new Array<number>(count).fill(1);
  const entries = entriesOf(b);
  const moved: Entries | undefined = entries && { dims: [...entries.dims, ...ones], data: entries.data };
  const info: SymbolicInfo = {
    dtype: b.dtype,
    shape: [...b.shape, ...ones],
    ...(b.value && moved ? { value: { dims: moved.dims, data: b.value.data } } : {}),
    ...(!b.value && moved ? { symbolicValue: moved } : {}),
  };
  return info;
}

function sameDims(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

/** An unknown B stands in as a scalar: the legacy result is A's shape whatever B is. */
function asScalar(b: ValueInfo): ValueInfo {
  return { dtype: b.dtype, shape: [] };
}

/**
 * The operands [A, B'] of a pre-opset-7 binary operator such that NumPy broadcasting of A and B'
 * gives what the legacy rules give (A's shape, B's values placed along A's dims). Throws a
 * ShapeError naming the mismatch when B does not fit A as those rules require.
 */
export function legacyBroadcastOperands(
  ctx: InferContext,
  a: ValueInfo,
  b: ValueInfo,
): readonly [ValueInfo, ValueInfo] {
  const shapeA = a.shape;
  const shapeB = b.shape;
  if (shapeA === null) return [a, b];
  if (shapeB === null) return [a, asScalar(b)];
  const op = `${ctx.node.opType} (opset ${ctx.opset})`;
  const rankA = shapeA.length;
  const rankB = shapeB.length;
  if (ctx.attrInt('broadcast', 0) === 0) {
    if (rankA !== rankB || shapeA.some((d, i) => !sameDims(d, shapeB[i] ?? null)))
      throw new ShapeError(
        `${op} without broadcast=1 needs equal shapes, got ${show(shapeA)} and ${show(shapeB)}`,
      );
    return [a, b];
  }
  if (rankB > rankA)
    throw new ShapeError(`${op} broadcasts B ${show(shapeB)} onto A ${show(shapeA)} of lower rank`);
  if (shapeB.every((d) => d === 1)) return [a, b];
  const given = ctx.attrInt('axis');
  const axis = given === undefined ? rankA - rankB : given < 0 ? given + rankA : given;
  if (axis < 0 || axis + rankB > rankA)
    throw new ShapeError(`${op} axis ${given} does not place B ${show(shapeB)} inside A ${show(shapeA)}`);
  shapeB.forEach((d, i) => {
    const target = shapeA[axis + i] ?? null;
    // A dim of 1 in B repeats; the spec says "1-dim expansion doesn't work yet", but exporters
    // write it (PyTorch's [2, 1] onto [2, 3]) and runtimes accept it.
    if (d !== 1 && !sameDims(target, d))
      throw new ShapeError(
        `${op}: B ${show(shapeB)} does not match A ${show(shapeA)} from axis ${axis} (dim ${axis + i}: ${d} vs ${target})`,
      );
  });
  return [a, withTrailingOnes(b, rankA - axis - rankB)];
}
