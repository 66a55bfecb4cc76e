/**
 * `cutline profile`'s kernel-level comparison: with a kernel-level profile (fitted now with
 * `--kernels`, or kept from the last such calibration under `--from-table`), each model's kept
 * kernel timings held against that profile's predictions, layer by layer
 * (core/profiling/kernel-comparison.ts). The studio's measured/predicted table reads it from
 * `--json` (`kernelComparison`), so it shows the kernels a tier runs, fused layers in their
 * anchor, rather than the unoptimised per-node table.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  compareKernels,
  findKernelEntry,
  type KernelComparison,
} from '../../core/profiling/kernel-comparison.js';
import type { KernelEntry } from '../../core/profiling/kernel-table.js';
import { fileSha256 } from '../../core/profiling/measurement-table-file.js';
import type { OrtProfile } from '../../core/profiling/ort-profile.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';
import type { DeviceProfile } from '../../core/profiles/types.js';
import { plainName } from '../../core/text/quote-name.js';

export interface ModelKernelComparison extends KernelComparison {
  /** The model's file name, as `models[].model` in `--json`. */
  readonly model: string;
}

/**
 * Per profiled model with a kept kernel timing, the comparison; models without one are left out
 * (an imported onnxruntime profile, a model the kernel calibration did not take).
 */
export function kernelComparisons(
  profiled: readonly OrtProfile[],
  device: DeviceProfile,
  entries: readonly KernelEntry[],
): ModelKernelComparison[] {
  if (!device.kernelModels) return [];
  return profiled.flatMap(({ analysis, measurement }) => {
    const entry = findKernelEntry(
      entries,
      fileSha256(measurement.modelPath),
      measurement.inputShapes,
      measurement.inputValues,
    );
    if (!entry) return [];
    return [{ model: path.basename(measurement.modelPath), ...compareKernels(analysis, entry, device) }];
  });
}

/**
 * The kernel-level profile saved at `file` by an earlier `--kernels` calibration, which
 * `--from-table` answers with; null when the file holds none (or cannot be read: the command's own
 * read of it reports that).
 */
export function savedKernelProfile(file: string): DeviceProfile | null {
  if (!fs.existsSync(file)) return null;
  try {
    const profile = loadDeviceProfile(file);
    return profile.kernelModels ? profile : null;
  } catch {
    return null;
  }
}

/** One line per model: its kernels' measured and predicted sums and the median miss. */
export function kernelComparisonLines(compared: readonly ModelKernelComparison[]): string[] {
  return compared.map((c, i) => {
    const kernels = c.layers.filter((l) => l.measuredMs !== null).length;
    const error = c.medianAbsErrorPercent === null ? '-' : `${c.medianAbsErrorPercent.toFixed(1)}%`;
    return `${i === 0 ? 'As run    ' : '          '}${plainName(c.model)}: ${kernels} kernels as a tier runs them, Σ measured ${ms(c.measuredSumMs)}, Σ predicted ${ms(c.predictedSumMs)} (kernel-level), median |error| ${error}; each with \`cutline analyze MODEL --measured PROFILE.json\``;
  });
}

const ms = (value: number): string =>
  `${value >= 10 ? value.toFixed(2) : value >= 1 ? value.toFixed(3) : value.toFixed(4)} ms`;
