/**
 * The This machine tab's measured/predicted rows under a kernel-level calibration: `cutline
 * profile --json`'s `kernelComparison` (the session model's kept kernel timings against the
 * kernel-level profile) instead of its unoptimised per-node table, which a fused prediction cannot
 * be held against (a fused ReLU measured 3 µs alone, predicted 0 inside its Conv).
 */
import type { ProfileResult } from '../shared/studio-api.js';

interface KernelComparisonJson {
  model: string;
  layers: {
    name: string;
    opType: string;
    measuredMs: number | null;
    predictedMs: number;
    fusedInto?: string;
  }[];
  measuredSumMs: number;
  predictedSumMs: number;
  medianAbsErrorPercent: number | null;
}

type KernelRows = Pick<
  ProfileResult,
  'layers' | 'medianAbsErrorPct' | 'totalMeasuredMs' | 'totalPredictedMs' | 'note'
>;

/**
 * The rows and totals for the model named `modelFile` (a file name, as `--json` gives it), or
 * null when the command compared no kernels of it (no kernel-level profile, or none kept).
 */
export function kernelLevelRows(json: unknown, modelFile: string): KernelRows | null {
  const compared = (json as { kernelComparison?: KernelComparisonJson[] } | null)?.kernelComparison;
  const c = compared?.find((m) => m.model === modelFile);
  if (!c) return null;
  // A layer onnxruntime ran no kernel for (folded at load) is left out, as in the per-node table.
  const layers = c.layers.flatMap((l): ProfileResult['layers'][number][] =>
    l.fusedInto !== undefined
      ? [{ name: l.name, opType: l.opType, measuredMs: 0, predictedMs: 0, fusedInto: l.fusedInto }]
      : l.measuredMs === null
        ? []
        : [{ name: l.name, opType: l.opType, measuredMs: l.measuredMs, predictedMs: l.predictedMs }],
  );
  return {
    layers,
    medianAbsErrorPct: c.medianAbsErrorPercent ?? 0,
    totalMeasuredMs: c.measuredSumMs,
    totalPredictedMs: c.predictedSumMs,
    note: 'in-sample: the kernel-level predictor was fitted with these kernels among others; kernels as a tier runs them (graph optimisations on), a fused layer inside the kernel of the layer it names',
  };
}
