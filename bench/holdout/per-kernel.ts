/**
 * Per-kernel figures beside the per-tier ones: each held-out model (and each single-layer model of
 * the ONNX test suite's pytorch-converted set) timed as a tier runs it, graph optimisations on,
 * every kernel attributed to the fusion anchor Cutline predicts (kernel-profile.ts), and a
 * method's prediction of each anchor node scored against its kernel time. Kernels the method
 * calls fused (predicted 0) have no time of their own and are not scored.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Shape } from '../../core/graph/types.js';
import { predictComputeMs } from '../../core/predict/compute-time.js';
import { nodeWork } from '../../core/predict/roofline.js';
import { runKernelProfile, type KernelMeasurement } from '../../core/profiling/kernel-profile.js';
import { median, percentError } from '../../core/profiling/stats.js';
import type { DeviceProfile } from '../../core/profiles/types.js';

export interface KernelSet {
  readonly measurements: KernelMeasurement[];
  /** Models onnxruntime could not run, by name, and the first reason it gave. */
  readonly failed: string[];
  readonly reason: string | undefined;
}

/** Times every model of `files` kernel by kernel (one intra-op thread, as the tiers run here). */
export async function measureKernels(
  files: readonly { readonly path: string; readonly inputShapes?: Readonly<Record<string, Shape>> }[],
  runs: number,
  warmup: number,
): Promise<KernelSet> {
  const measurements: KernelMeasurement[] = [];
  const failed: string[] = [];
  let reason: string | undefined;
  for (const file of files) {
    try {
      measurements.push(
        await runKernelProfile(file.path, {
          runs,
          warmup,
          intraOpThreads: 1,
          ...(file.inputShapes ? { inputs: file.inputShapes } : {}),
        }),
      );
    } catch (error) {
      // The pytorch-converted models are opset 6; onnxruntime lacks some of their kernels.
      const name =
        path.basename(file.path) === 'model.onnx'
          ? path.basename(path.dirname(file.path))
          : path.basename(file.path);
      failed.push(name);
      reason ??= (error as Error).message.match(/\(([^)]*)\)/)?.[1] ?? (error as Error).message;
    }
  }
  return { measurements, failed, reason };
}

export interface KernelScore {
  readonly kernels: number;
  /** Median |error| against each kernel's median time, and against its tenth percentile, %. */
  readonly medianAbsErrorPercent: number;
  readonly quietMedianAbsErrorPercent: number;
  /** Share of kernels within ±10% of their median time, 0…1. */
  readonly withinTenPercent: number;
}

export function scoreKernels(set: KernelSet, device: DeviceProfile): KernelScore {
  const errors: number[] = [];
  const quietErrors: number[] = [];
  for (const m of set.measurements) {
    for (const anchor of m.anchors) {
      const predicted = predictComputeMs(device, 'fp32', nodeWork(m.analysis, anchor.index));
      if (!(anchor.medianMs > 0) || !(predicted > 0)) continue;
      errors.push(Math.abs(percentError(predicted, anchor.medianMs)));
      if (anchor.quietMs > 0) quietErrors.push(Math.abs(percentError(predicted, anchor.quietMs)));
    }
  }
  return {
    kernels: errors.length,
    medianAbsErrorPercent: median(errors),
    quietMedianAbsErrorPercent: median(quietErrors),
    withinTenPercent: errors.length > 0 ? errors.filter((e) => e <= 10).length / errors.length : Number.NaN,
  };
}

/** The pytorch-converted models of the ONNX test suite: real exporter output, one layer each. */
export function pytorchConvertedModels(): { path: string }[] {
  const dir = path.join(
    process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data',
    'pytorch-converted',
  );
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => ({ path: path.join(dir, name, 'model.onnx') }))
    .filter((m) => fs.existsSync(m.path));
}
