/**
 * Whether the live harness fits in this machine's memory, by the estimate verification uses
 * (core/export/verify-memory.ts: weights × WEIGHT_OVERHEAD + one run's activations, against
 * `process.availableMemory()`).
 *
 * Verification and the harness decide differently on purpose. Verification runs one model at a
 * time, so when only the whole model is too large it can still run and chain the segments and
 * skip the comparison. The harness holds the whole model first (the reference answers, and
 * calibration), releases it, and then runs every tier at once, each its own process on this
 * machine: together the tiers hold every weight the whole model holds (more when segments share
 * a tensor). So when the whole model does not fit, neither do the tiers, and skipping the
 * comparison would save nothing; it would only leave a run whose answers nobody checked. The
 * harness therefore refuses up front, in one line with the sizes, before it starts anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { neededBytes, type ModelFootprint } from '../export/verify-memory.js';
import { formatMiB } from '../partition/constraints.js';
import { bundledWholeModel, type BundleManifest } from './manifest.js';

export interface HarnessMemoryPlan {
  /** The whole model in the harness process (reference answers, calibration). */
  readonly wholeNeedsBytes: number;
  /** Every tier's sub-models, running at the same time. */
  readonly tiersNeedBytes: number;
  readonly availableBytes: number;
}

/** A model file's bytes and its listed data file's, as onnxruntime loads them. */
function weightBytes(
  bundleDir: string,
  model: { readonly file: string; readonly data?: { readonly bytes: number } | undefined },
): number {
  const size = fs.statSync(path.join(bundleDir, model.file), { throwIfNoEntry: false })?.size ?? 0;
  return size + (model.data?.bytes ?? 0);
}

/**
 * The harness's two stages as footprints: the whole model, then the tiers together. One run's
 * activations are the whole model's in both: the tiers' nodes are the whole model's nodes, each
 * in one segment. The whole model is the bundle's when it carries one, else `source` (the model
 * file given to the harness, as opened: its bytes and its external data's).
 */
export function harnessFootprints(
  bundleDir: string,
  manifest: BundleManifest,
  activationBytes: number,
  source: { readonly fileBytes: number; readonly externalDataBytes: number },
): { readonly whole: ModelFootprint; readonly tiers: ModelFootprint } {
  const bundled = bundledWholeModel(manifest);
  const wholeBytes = bundled ? weightBytes(bundleDir, bundled) : source.fileBytes + source.externalDataBytes;
  return {
    whole: { what: 'the whole model', weightBytes: wholeBytes, activationBytes },
    tiers: {
      what: `the ${manifest.tiers.length} tiers together`,
      weightBytes: manifest.segments.reduce((sum, s) => sum + weightBytes(bundleDir, s), 0),
      activationBytes,
    },
  };
}

/**
 * Checks that the whole model and then the tiers together each fit in `availableBytes`.
 *
 * @throws CutlineError NOT_ENOUGH_MEMORY naming the larger need, the free memory and what to do.
 */
export function planHarnessMemory(
  footprints: { readonly whole: ModelFootprint; readonly tiers: ModelFootprint },
  availableBytes: number,
): HarnessMemoryPlan {
  const plan = {
    wholeNeedsBytes: neededBytes(footprints.whole),
    tiersNeedBytes: neededBytes(footprints.tiers),
    availableBytes,
  };
  const [largest, needs] =
    plan.tiersNeedBytes > plan.wholeNeedsBytes
      ? [footprints.tiers, plan.tiersNeedBytes]
      : [footprints.whole, plan.wholeNeedsBytes];
  if (needs > availableBytes) {
    throw new CutlineError(
      'NOT_ENOUGH_MEMORY',
      `The harness needs about ${formatMiB(needs)} of memory for ${largest.what} (the whole model ${formatMiB(plan.wholeNeedsBytes)}, the tiers together ${formatMiB(plan.tiersNeedBytes)}, run on this machine), and this machine has ${formatMiB(availableBytes)} free; nothing was started: run the tiers on their own machines (the bundle's README), or the harness on a machine with more memory.`,
    );
  }
  return plan;
}
