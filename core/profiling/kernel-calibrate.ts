/**
 * Calibrating the kernel-level predictor on this machine: the generated kernel samples
 * (kernel-samples.ts), a few generated networks (kernel-networks.ts) and the user's own models,
 * each timed as a tier runs it (kernel-profile.ts), then fitted (kernel-fit.ts). The samples make
 * the fit independent of which layers the user's models happen to hold; the networks and the
 * user's models add their own shapes and say how much slower kernels run chained than alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Shape } from '../graph/types.js';
import { encodeModelProto } from '../onnx/codec.js';
import { fitKernelModels, type KernelCalibration } from './kernel-fit.js';
import { runKernelProfile, type KernelMeasurement } from './kernel-profile.js';
import { kernelNetworks } from './kernel-networks.js';
import { kernelSamples, PRELUDE } from './kernel-samples.js';

export interface KernelCalibrationOptions {
  /** Timed runs per model (after `warmup`); 10 and 2 by default: one-kernel models vary little. */
  readonly runs?: number;
  readonly warmup?: number;
  /** As the tiers will run (the harness pins 1); onnxruntime's default when left out. */
  readonly intraOpThreads?: number;
  /** Leave the generated samples out (tests, or a fit on the user's models alone). */
  readonly withoutSamples?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, of: number) => void;
}

export interface KernelCalibrationRun extends KernelCalibration {
  /** Generated samples timed. */
  readonly samples: number;
  /** Wall time of the whole calibration, s. */
  readonly seconds: number;
}

export async function calibrateKernels(
  models: readonly { readonly path: string; readonly inputs?: Readonly<Record<string, Shape>> }[],
  options: KernelCalibrationOptions = {},
): Promise<KernelCalibrationRun> {
  const start = performance.now();
  const profileOptions = {
    runs: options.runs ?? 10,
    warmup: options.warmup ?? 2,
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-kernel-samples-'));
  try {
    const samples = options.withoutSamples ? [] : kernelSamples();
    const networks = options.withoutSamples ? [] : kernelNetworks();
    type Job = { readonly path: string; readonly inputs?: Readonly<Record<string, Shape>> };
    const jobs: Job[] = [
      ...samples.map((s): Job => {
        const file = path.join(dir, `${s.name}.onnx`);
        fs.writeFileSync(file, encodeModelProto(s.proto));
        return { path: file };
      }),
      ...networks.map((n): Job => {
        const file = path.join(dir, `${n.name}.onnx`);
        fs.writeFileSync(file, encodeModelProto(n.proto));
        return { path: file };
      }),
      ...models,
    ];
    const measurements: KernelMeasurement[] = [];
    for (const [i, job] of jobs.entries()) {
      const measured = await runKernelProfile(job.path, {
        ...profileOptions,
        ...(job.inputs ? { inputs: job.inputs } : {}),
      });
      // A sample's prelude sets its cache up; only the sampled kernel is a sample.
      measurements.push(
        i < samples.length
          ? {
              ...measured,
              anchors: measured.anchors.filter((a) => !a.name.startsWith(PRELUDE)),
              isSample: true,
            }
          : measured,
      );
      // The sample files are small; each goes once timed, so the folder never holds hundreds.
      if (i < samples.length) fs.rmSync(job.path, { force: true });
      options.onProgress?.(i + 1, jobs.length);
    }
    return {
      ...fitKernelModels(measurements),
      samples: samples.length,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
