/**
 * Rules for control flow: If, Loop and Scan, through the driver's sub-graph inference.
 * Values that differ between branches or iterations are merged: equal dims are kept, differing
 * known dims become fresh symbols, unknown stays unknown.
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRules, type ValueInfo } from '../types.js';
import { mergeInfo, sameInfo } from './layout-merge.js';
import { inputScalar } from './layout-values.js';

/**
 * Infers a loop body whose inputs are `before`, the carried state, then `after`, and whose
 * outputs hold the next state from `stateOffset`. The first pass sees the initial state; when
 * the body changes it, a second pass sees the merge of initial and next state, so what the
 * body's tensors show holds for every iteration. Returns the final state and the last outputs.
 */
function inferCarried(
  ctx: InferContext,
  before: readonly ValueInfo[],
  initial: readonly (ValueInfo | undefined)[],
  after: readonly (ValueInfo | undefined)[],
  stateOffset: number,
): { state: ValueInfo[]; outputs: (ValueInfo | undefined)[] } {
  let state: readonly (ValueInfo | undefined)[] = initial;
  let outputs = ctx.inferSubgraph('body', [...before, ...state, ...after]);
  let next = state.map((s, k) => mergeInfo(ctx, s, outputs[stateOffset + k], 'loop'));
  if (next.some((m, k) => !sameInfo(m, state[k]))) {
    state = next;
    outputs = ctx.inferSubgraph('body', [...before, ...state, ...after]);
    next = state.map((s, k) => mergeInfo(ctx, s, outputs[stateOffset + k], 'loop'));
  }
  return { state: next, outputs };
}

/**
 * If: both branches are inferred; a known exact condition (a constant, or folded from an input
 * value the user gave) picks one, otherwise their outputs merge.
 */
function ifRule(ctx: InferContext): void {
  // A condition derived from an assumed bound does not decide the branch.
  const cond = ctx.input(0)?.inexact ? undefined : inputScalar(ctx, 0);
  const thenOut = ctx.inferSubgraph('then_branch', []);
  const elseOut = ctx.inferSubgraph('else_branch', []);
  for (let i = 0; i < ctx.outputCount; i++) {
    const a = thenOut[i];
    const b = elseOut[i];
    if (cond !== undefined) {
      const chosen = cond !== 0 ? a : b;
      if (chosen) ctx.setOutput(i, chosen);
    } else {
      ctx.setOutput(i, mergeInfo(ctx, a, b, 'if'));
    }
  }
}

/**
 * Loop: inputs (M, cond, v_initial…); body (iteration, cond, v…) → (cond, v…, scan…).
 * Loop-carried outputs merge the initial state with the body's next state (inferCarried); scan
 * outputs stack the body's per-iteration tensors along a new leading dim of trip-count length.
 * The trip count is M when the loop cannot stop early: no condition input, or a body that keeps
 * a true condition true.
 */
function loopRule(ctx: InferContext): void {
  const maxTrips = inputScalar(ctx, 0);
  const condGiven = ctx.input(1);
  const condValue = condGiven ? inputScalar(ctx, 1) : 1;
  const carried = Array.from({ length: Math.max(0, ctx.inputCount - 2) }, (_, k) => ctx.input(k + 2));
  const iteration: ValueInfo = { dtype: DataType.INT64, shape: [] };
  const condIn: ValueInfo =
    condValue === 1
      ? { dtype: DataType.BOOL, shape: [], value: { dims: [], data: [1] } }
      : { dtype: DataType.BOOL, shape: [] };
  const { state, outputs: body } = inferCarried(ctx, [iteration, condIn], carried, [], 1);
  const staysTrue = condValue === 1 && body[0]?.value?.data[0] === 1;
  const runsToM = maxTrips !== undefined && (!condGiven || staysTrue);
  const trips: Dim = runsToM ? maxTrips : ctx.freshSymbol('loop_iterations');
  state.forEach((s, k) => ctx.setOutput(k, s));
  for (let j = carried.length; j < ctx.outputCount; j++) {
    const element = body[j + 1];
    ctx.setOutput(j, {
      dtype: element?.dtype ?? 0,
      shape: element?.shape ? [trips, ...element.shape] : null,
    });
  }
}

/** Inserts `dim` at `axis` of a shape (null stays null). */
function insertDim(shape: readonly Dim[] | null, axis: number, dim: Dim): Dim[] | null {
  if (shape === null) return null;
  const at = normalizeAxis(axis, shape.length + 1, 'scan output axis');
  return [...shape.slice(0, at), dim, ...shape.slice(at)];
}

/** Removes `axis` from a shape, returning the removed dim too. */
function removeDim(shape: readonly Dim[] | null, axis: number): { rest: Dim[] | null; dim: Dim } {
  if (shape === null) return { rest: null, dim: null };
  const at = normalizeAxis(axis, shape.length, 'scan input axis');
  return { rest: [...shape.slice(0, at), ...shape.slice(at + 1)], dim: shape[at] ?? null };
}

/**
 * Scan (opset 9+): inputs (state…, scan inputs…); the body sees each scan input without its scan
 * axis; scan outputs stack along scan_output_axes (default 0). Opset 8 adds a leading optional
 * sequence_lens input and a batch dim in front of every state and scan tensor.
 */
function scanRule(ctx: InferContext): void {
  const scanCount = ctx.attrInt('num_scan_inputs', 0);
  const batched = ctx.opset < 9;
  const first = batched ? 1 : 0;
  const inputs = Array.from({ length: ctx.inputCount - first }, (_, k) => ctx.input(k + first));
  const stateCount = inputs.length - scanCount;
  if (stateCount < 0)
    throw new ShapeError(`Scan has ${inputs.length} inputs but num_scan_inputs=${scanCount}`);
  const inputAxes = ctx.attrInts('scan_input_axes') ?? [];
  const outputAxes = ctx.attrInts('scan_output_axes') ?? [];
  let batch: Dim = null;
  let length: Dim = null;
  const strip = (info: ValueInfo | undefined, axis: number): ValueInfo | undefined => {
    if (!info) return undefined;
    let shape = info.shape;
    if (batched && shape) {
      batch = shape[0] ?? null;
      shape = shape.slice(1);
    }
    const { rest, dim } = removeDim(shape, axis);
    if (length === null) length = dim;
    return { dtype: info.dtype, shape: rest };
  };
  const states = inputs
    .slice(0, stateCount)
    .map((s) => (s && batched ? { dtype: s.dtype, shape: s.shape?.slice(1) ?? null } : s));
  const slices = inputs.slice(stateCount).map((s, k) => strip(s, inputAxes[k] ?? 0));
  const { state, outputs: body } = inferCarried(ctx, [], states, slices, 0);
  const lead = (shape: readonly Dim[] | null): Dim[] | null =>
    shape && batched ? [batch, ...shape] : shape ? [...shape] : null;
  state.forEach((s, k) => ctx.setOutput(k, batched ? { dtype: s.dtype, shape: lead(s.shape) } : s));
  for (let j = stateCount; j < ctx.outputCount; j++) {
    const element = body[j];
    const stacked = batched
      ? insertDim(element?.shape ?? null, 0, length)
      : insertDim(element?.shape ?? null, outputAxes[j - stateCount] ?? 0, length);
    ctx.setOutput(j, { dtype: element?.dtype ?? 0, shape: lead(stacked) });
  }
}

export const controlRules: ShapeRules = {
  If: ifRule,
  Loop: loopRule,
  Scan: scanRule,
};
