/**
 * Whether verifying a split fits in this machine's memory. Verification runs one model at a time
 * (the whole model, then each segment), so what must fit is the largest single model: its weights
 * as onnxruntime holds them plus the activations of one run. Being killed for lack of memory
 * halfway through an export says nothing a user can act on; this says which model needs what.
 */
import fs from 'node:fs';
import { CutlineError } from '../errors.js';
import { formatByteSize } from '../text/byte-size.js';

/**
 * onnxruntime's resident size for a model relative to its weight bytes: a rule of thumb (the
 * weights plus room for the copies some kernels prepack and the session's arenas), deliberately
 * on the safe side; not a measured constant.
 */
export const WEIGHT_OVERHEAD = 1.2;

/** One model verification will run, and what running it holds in memory. */
export interface ModelFootprint {
  /** "the whole model", "segment edge-1", … */
  readonly what: string;
  readonly weightBytes: number;
  /** Activations of one run (an upper bound: every node's outputs alive at once). */
  readonly activationBytes: number;
}

/** Memory one model needs while it runs (see `WEIGHT_OVERHEAD`). */
export function neededBytes(model: ModelFootprint): number {
  return Math.ceil(model.weightBytes * WEIGHT_OVERHEAD + model.activationBytes);
}

export interface VerifyMemoryPlan {
  /** Run the whole model and compare its outputs with the split's. */
  readonly compareWhole: boolean;
  readonly wholeNeedsBytes: number;
  readonly largestSegmentNeedsBytes: number;
  readonly availableBytes: number;
  /** Why the whole-model comparison is skipped, when it is. */
  readonly skippedBecause?: string;
}

/**
 * Decides how to verify within `availableBytes`: everything when the whole model fits; the
 * segments alone (run and chained, no comparison) when only they fit; with `force`, everything
 * regardless of the estimate.
 *
 * @throws CutlineError EXPORT_FAILED naming the sizes when even the largest segment does not fit.
 */
export function planVerifyMemory(
  whole: ModelFootprint,
  segments: readonly ModelFootprint[],
  availableBytes: number,
  force: boolean,
): VerifyMemoryPlan {
  const wholeNeedsBytes = neededBytes(whole);
  let largest: ModelFootprint | undefined;
  for (const s of segments) if (!largest || neededBytes(s) > neededBytes(largest)) largest = s;
  const largestSegmentNeedsBytes = largest ? neededBytes(largest) : 0;
  const plan = { wholeNeedsBytes, largestSegmentNeedsBytes, availableBytes };
  if (force || wholeNeedsBytes <= availableBytes) return { ...plan, compareWhole: true };
  if (largest && largestSegmentNeedsBytes > availableBytes) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `Verification needs about ${formatByteSize(largestSegmentNeedsBytes)} of memory for ${largest.what} alone (the whole model ${formatByteSize(wholeNeedsBytes)}), and this machine has ${formatByteSize(availableBytes)} free; the bundle is written: verify it on a machine with more memory, pass --no-verify to skip verification, or --verify-whole to try anyway.`,
    );
  }
  return {
    ...plan,
    compareWhole: false,
    skippedBecause: `the whole model needs about ${formatByteSize(wholeNeedsBytes)} of memory and this machine has ${formatByteSize(availableBytes)} free (pass --verify-whole to compare anyway)`,
  };
}

/**
 * Bytes of a model file and of its external-data file (`FILE.data`, as the exporter writes it),
 * for models given by path.
 */
export function modelFileBytes(file: string): number {
  const size = (f: string): number => fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return size(file) + size(`${file}.data`);
}
