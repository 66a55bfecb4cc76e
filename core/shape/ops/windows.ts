/**
 * Sliding-window attributes shared by Conv-like and pooling operators (kernel_shape, strides,
 * dilations, pads, auto_pad) and the spatial output dims they give.
 */
import { ShapeError, type Dim, type InferContext } from '../types.js';
import { samePaddedDim, slidingWindowDim } from './compute-dims.js';

export interface WindowAttributes {
  /** Kernel extent per spatial axis; null where unknown (a weight whose dims are symbols). */
  readonly kernel: readonly (number | null)[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Begin pads then end pads, 2 × spatial rank. */
  readonly pads: readonly number[];
  readonly autoPad: string;
}

function listOrDefault(
  values: readonly number[] | undefined,
  count: number,
  fallback: number,
  name: string,
): number[] {
  if (values === undefined || values.length === 0) return new Array<number>(count).fill(fallback);
  if (values.length !== count)
    throw new ShapeError(`${name} has ${values.length} entries, expected ${count}`);
  return [...values];
}

/**
 * Reads the window attributes of a node over `spatialRank` axes. The kernel comes from
 * `kernel_shape`, or else from `weightKernel` (the weight's trailing dims).
 */
export function readWindow(
  ctx: InferContext,
  spatialRank: number,
  weightKernel?: readonly Dim[] | undefined,
): WindowAttributes {
  const attrKernel = ctx.attrInts('kernel_shape');
  let kernel: (number | null)[];
  if (attrKernel && attrKernel.length > 0) {
    if (attrKernel.length !== spatialRank) {
      throw new ShapeError(`kernel_shape has ${attrKernel.length} entries for ${spatialRank} spatial axes`);
    }
    kernel = [...attrKernel];
  } else if (weightKernel) {
    kernel = weightKernel.map((d) => (typeof d === 'number' ? d : null));
  } else {
    throw new ShapeError(`${ctx.node.opType} needs the kernel_shape attribute`);
  }
  return {
    kernel,
    strides: listOrDefault(ctx.attrInts('strides'), spatialRank, 1, 'strides'),
    dilations: listOrDefault(ctx.attrInts('dilations'), spatialRank, 1, 'dilations'),
    pads: listOrDefault(ctx.attrInts('pads'), spatialRank * 2, 0, 'pads'),
    autoPad: ctx.attrString('auto_pad', 'NOTSET') || 'NOTSET',
  };
}

/**
 * Spatial output dims of a sliding window over `input`. SAME_UPPER/SAME_LOWER give
 * `ceil(in / stride)`; VALID uses no padding; NOTSET the explicit pads (ceil mode for pooling).
 */
export function windowedDims(input: readonly Dim[], window: WindowAttributes, ceilMode = false): Dim[] {
  return input.map((d, i) => {
    const stride = window.strides[i] ?? 1;
    if (window.autoPad === 'SAME_UPPER' || window.autoPad === 'SAME_LOWER') return samePaddedDim(d, stride);
    const kernel = window.kernel[i];
    if (kernel === null || kernel === undefined) return null;
    const valid = window.autoPad === 'VALID';
    const padBegin = valid ? 0 : (window.pads[i] ?? 0);
    const padEnd = valid ? 0 : (window.pads[i + input.length] ?? 0);
    return slidingWindowDim(
      d,
      kernel,
      stride,
      padBegin,
      padEnd,
      window.dilations[i] ?? 1,
      ceilMode && !valid,
    );
  });
}
