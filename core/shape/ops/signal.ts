/**
 * Signal processing (opset 17+): DFT, STFT, the Hann/Hamming/Blackman windows and
 * MelWeightMatrix. Complex tensors carry a trailing axis of 2 (real, imaginary).
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import { ShapeError, type Dim, type InferContext, type ShapeRule, type ShapeRules } from '../types.js';
import { addToDim, divideDim, slidingWindowDim } from './compute-dims.js';

/** The single value of input `slot` when known. */
function scalarInput(ctx: InferContext, slot: number): number | undefined {
  const data = ctx.input(slot)?.value?.data;
  return data?.length === 1 ? data[0] : undefined;
}

/** Bins a onesided transform keeps: `floor(n / 2) + 1`. */
function onesidedBins(n: Dim): Dim {
  return addToDim(divideDim(n, 2, 'floor'), 1);
}

/**
 * DFT: like the input with a complex last axis (2); the transformed axis becomes `dft_length`
 * (input 1) when given, then `floor(n/2) + 1` if onesided. The axis is an attribute (default 1)
 * in opset 17 and input 2 (default -2) from opset 20. An inverse onesided DFT is not shaped here.
 */
const dftRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  if (!x.shape) {
    ctx.setOutput(0, { dtype: x.dtype, shape: null });
    return;
  }
  const rank = x.shape.length;
  if (rank < 2) throw new ShapeError(`DFT needs an input of rank ≥ 2, got ${rank}`);
  const axisValue = ctx.opset >= 20 ? (ctx.input(2) ? scalarInput(ctx, 2) : -2) : ctx.attrInt('axis', 1);
  const out: Dim[] = [...x.shape.slice(0, -1), 2];
  if (axisValue === undefined) {
    ctx.setOutput(0, { dtype: x.dtype, shape: out.map((d, i) => (i === rank - 1 ? d : null)) });
    return;
  }
  const axis = normalizeAxis(axisValue, rank);
  if (axis === rank - 1) throw new ShapeError('DFT cannot transform the complex (last) axis');
  const lengthInput = ctx.input(1);
  let length: Dim = lengthInput ? (scalarInput(ctx, 1) ?? null) : (x.shape[axis] ?? null);
  if (ctx.attrInt('onesided', 0) !== 0) length = onesidedBins(length);
  out[axis] = length;
  ctx.setOutput(0, { dtype: x.dtype, shape: out });
};

/**
 * STFT: signal `[batch, length, 1|2]` → `[batch, frames, bins, 2]` with
 * `frames = floor((length − frame_length) / frame_step) + 1` and `bins = floor(frame_length/2) + 1`
 * when onesided (default), else `frame_length`. frame_length is input 3 or the window's length.
 */
const stftRule: ShapeRule = (ctx) => {
  const signal = ctx.requireInput(0);
  const step = scalarInput(ctx, 1);
  const windowLength = ctx.input(2)?.shape?.[0];
  const frameLength: Dim = ctx.input(3) ? (scalarInput(ctx, 3) ?? null) : (windowLength ?? null);
  const batch: Dim = signal.shape?.[0] ?? null;
  const length: Dim = signal.shape?.[1] ?? null;
  let frames: Dim = null;
  if (typeof frameLength === 'number' && step !== undefined) {
    frames = slidingWindowDim(length, frameLength, step, 0, 0, 1, false);
  }
  const onesided = ctx.attrInt('onesided', 1) !== 0;
  const bins = onesided ? onesidedBins(frameLength) : frameLength;
  ctx.setOutput(0, { dtype: signal.dtype, shape: [batch, frames, bins, 2] });
};

/** HannWindow, HammingWindow, BlackmanWindow: `[size]` of `output_datatype` (default float). */
const windowFunctionRule: ShapeRule = (ctx) => {
  ctx.requireInput(0);
  const size = scalarInput(ctx, 0);
  ctx.setOutput(0, { dtype: ctx.attrInt('output_datatype', DataType.FLOAT), shape: [size ?? null] });
};

/** MelWeightMatrix: `[floor(dft_length/2) + 1, num_mel_bins]` of `output_datatype` (default float). */
const melWeightMatrixRule: ShapeRule = (ctx) => {
  const bins = scalarInput(ctx, 0);
  const dftLength = scalarInput(ctx, 1);
  const rows = dftLength === undefined ? null : onesidedBins(dftLength);
  ctx.setOutput(0, { dtype: ctx.attrInt('output_datatype', DataType.FLOAT), shape: [rows, bins ?? null] });
};

export const signalRules: ShapeRules = {
  DFT: dftRule,
  STFT: stftRule,
  HannWindow: windowFunctionRule,
  HammingWindow: windowFunctionRule,
  BlackmanWindow: windowFunctionRule,
  MelWeightMatrix: melWeightMatrixRule,
};
