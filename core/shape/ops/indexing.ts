/**
 * Rules for indexing operators whose output size follows from shapes alone: Gather,
 * GatherElements, GatherND, Scatter/ScatterElements/ScatterND, OneHot, Trilu, ReverseSequence.
 * Gather and GatherElements also fold known values (Shape → Gather picks one dim of a shape).
 */
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules } from '../types.js';
import {
  entriesOf,
  inputScalar,
  knownDims,
  remapValue,
  stridesOf,
  tensorInfo,
  type Entries,
} from './layout-values.js';

/** Gather: data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
function gatherRule(ctx: InferContext): void {
  const data = ctx.requireInput(0);
  const indices = ctx.requireInput(1);
  if (data.shape === null || indices.shape === null)
    return ctx.setOutput(0, { dtype: data.dtype, shape: null });
  const rank = data.shape.length;
  const axis = normalizeAxis(ctx.attrInt('axis', 0), rank, 'Gather axis');
  const q = indices.shape.length;
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const outDims = knownDims(shape);
  const entries = entriesOf(data);
  let value: Entries | undefined;
  if (entries && indices.value && outDims) {
    const d = entries.dims[axis] ?? 0;
    const picks = indices.value.data.map((i) => (i < 0 ? i + d : i));
    const bad = picks.find((i) => i < 0 || i >= d);
    if (bad !== undefined) throw new ShapeError(`Gather index ${bad} is out of range for size ${d}`);
    const strides = stridesOf(entries.dims);
    const indexStrides = stridesOf(indices.value.dims);
    value = remapValue(
      outDims,
      (idx) => {
        let flat = 0;
        for (let k = 0; k < axis; k++) flat += (idx[k] ?? 0) * (strides[k] ?? 0);
        let at = 0;
        for (let k = 0; k < q; k++) at += (idx[axis + k] ?? 0) * (indexStrides[k] ?? 0);
        flat += (picks[at] ?? 0) * (strides[axis] ?? 0);
        for (let k = axis + 1; k < rank; k++) flat += (idx[k + q - 1] ?? 0) * (strides[k] ?? 0);
        return flat;
      },
      entries.data,
    );
  }
  ctx.setOutput(0, tensorInfo(data.dtype, shape, value));
}

/** GatherElements: the output has the indices' shape; values read data with the axis index replaced. */
function gatherElementsRule(ctx: InferContext): void {
  const data = ctx.requireInput(0);
  const indices = ctx.requireInput(1);
  const shape = indices.shape;
  if (data.shape && shape && data.shape.length !== shape.length)
    throw new ShapeError(
      `GatherElements data rank ${data.shape.length} differs from indices rank ${shape.length}`,
    );
  const rank = data.shape?.length ?? shape?.length;
  const axis = rank === undefined ? 0 : normalizeAxis(ctx.attrInt('axis', 0), rank, 'GatherElements axis');
  const outDims = knownDims(shape);
  const entries = entriesOf(data);
  let value: Entries | undefined;
  if (entries && indices.value && outDims) {
    const strides = stridesOf(entries.dims);
    const d = entries.dims[axis] ?? 0;
    const picks = indices.value.data;
    const flatOf = stridesOf(outDims);
    value = remapValue(
      outDims,
      (idx) => {
        const at = idx.reduce((sum, v, k) => sum + v * (flatOf[k] ?? 0), 0);
        const raw = picks[at] ?? 0;
        const pick = raw < 0 ? raw + d : raw;
        return idx.reduce((sum, v, k) => sum + (k === axis ? pick : v) * (strides[k] ?? 0), 0);
      },
      entries.data,
    );
  }
  ctx.setOutput(0, tensorInfo(data.dtype, shape, value));
}

/** GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
function gatherNdRule(ctx: InferContext): void {
  const data = ctx.requireInput(0);
  const indices = ctx.requireInput(1);
  const batchDims = ctx.attrInt('batch_dims', 0);
  if (data.shape === null || indices.shape === null)
    return ctx.setOutput(0, { dtype: data.dtype, shape: null });
  const depth = indices.shape[indices.shape.length - 1];
  if (typeof depth !== 'number') return ctx.setOutput(0, { dtype: data.dtype, shape: null });
  if (batchDims + depth > data.shape.length)
    throw new ShapeError(
      `GatherND indexes ${depth} dims after ${batchDims} batch dims of a rank-${data.shape.length} tensor`,
    );
  const shape = [...indices.shape.slice(0, -1), ...data.shape.slice(batchDims + depth)];
  ctx.setOutput(0, { dtype: data.dtype, shape });
}

/** Scatter family: the output is the data tensor with some elements replaced. */
function scatterRule(ctx: InferContext): void {
  const data = ctx.requireInput(0);
  ctx.setOutput(0, { dtype: data.dtype, shape: data.shape });
}

/** OneHot: the indices' shape with `depth` inserted at `axis` (default last); dtype of `values`. */
function oneHotRule(ctx: InferContext): void {
  const indices = ctx.requireInput(0);
  const depth = inputScalar(ctx, 1);
  const dtype = ctx.requireInput(2).dtype;
  if (indices.shape === null) return ctx.setOutput(0, { dtype, shape: null });
  const rank = indices.shape.length + 1;
  const axis = normalizeAxis(ctx.attrInt('axis', -1), rank, 'OneHot axis');
  const depthDim: Dim = depth === undefined ? null : Math.trunc(depth);
  if (typeof depthDim === 'number' && depthDim < 1)
    throw new ShapeError(`OneHot depth ${depthDim} is not positive`);
  const shape = [...indices.shape.slice(0, axis), depthDim, ...indices.shape.slice(axis)];
  ctx.setOutput(0, { dtype, shape });
}

/** Trilu and ReverseSequence keep the input's shape and type. */
function sameAsInput(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  ctx.setOutput(0, { dtype: input.dtype, shape: input.shape });
}

export const indexingRules: ShapeRules = {
  Gather: gatherRule,
  GatherElements: gatherElementsRule,
  GatherND: gatherNdRule,
  Scatter: scatterRule,
  ScatterElements: scatterRule,
  ScatterND: scatterRule,
  OneHot: oneHotRule,
  Trilu: sameAsInput,
  ReverseSequence: sameAsInput,
};
