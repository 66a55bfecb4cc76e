/**
 * Calibrating the kernel-level predictor on this machine: the generated kernel samples
 * (kernel-samples.ts), a few generated networks (kernel-networks.ts) and the user's own models,
 * each timed as a tier runs it (kernel-profile.ts), then fitted (kernel-fit.ts). The samples make
 * the fit independent of which layers the user's models happen to hold; the networks and the
 * user's models add their own shapes and say how much slower kernels run chained than alone.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeModel } from '../analyze.js';
import type { Shape } from '../graph/types.js';
import { encodeModelProto } from '../onnx/codec.js';
import { openModelBytes, readModelFile } from '../onnx/read.js';
import type { InputValueText } from '../shape/input-values.js';
import { valueBoundShapes } from './feeds.js';
import { KERNEL_ATTRIBUTION_VERSION } from './kernel-attribution.js';
import { fitKernelModels, type KernelCalibration } from './kernel-fit.js';
import { runKernelProfile, type KernelMeasurement } from './kernel-profile.js';
import { kernelNetworks } from './kernel-networks.js';
import { kernelSamples, PRELUDE } from './kernel-samples.js';
import {
  kernelEntryOf,
  kernelMeasurementOf,
  kernelStaleReason,
  withKernelEntries,
  type KernelEntry,
  type KernelKey,
} from './kernel-table.js';
import { fileSha256, thisCpu } from './measurement-table-file.js';
import { valuesKeyOf } from './table-values.js';

export interface KernelCalibrationOptions {
  /** Timed runs per model (after `warmup`); 10 and 2 by default: one-kernel models vary little. */
  readonly runs?: number;
  readonly warmup?: number;
  /** As the tiers will run (the harness pins 1); onnxruntime's default when left out. */
  readonly intraOpThreads?: number;
  /** Leave the generated samples out (tests, or a fit on the user's models alone). */
  readonly withoutSamples?: boolean;
  readonly signal?: AbortSignal;
  /** Timings kept from earlier calibrations: a sample or model they still hold is not timed. */
  readonly table?: readonly KernelEntry[];
  /** Time everything again, whatever `table` holds. */
  readonly remeasure?: boolean;
  readonly onProgress?: (done: number, of: number) => void;
}

export interface KernelCalibrationRun extends KernelCalibration {
  /** Generated samples timed. */
  readonly samples: number;
  /** Generated networks timed (small whole networks, besides the samples and the user's models). */
  readonly networks: number;
  /** Wall time of the whole calibration, s. */
  readonly seconds: number;
  /** Samples and models taken from the table, and timed now. */
  readonly reused: number;
  readonly timed: number;
}

export interface KernelCalibrationResult extends KernelCalibrationRun {
  /** `table` with what was timed now in place of its older entries: the section to keep. */
  readonly table: readonly KernelEntry[];
}

export async function calibrateKernels(
  models: readonly {
    readonly path: string;
    readonly inputs?: Readonly<Record<string, Shape>>;
    /** Values fed to some of the model's inputs (`--input-value`); random data for the others. */
    readonly inputValues?: readonly InputValueText[];
  }[],
  options: KernelCalibrationOptions = {},
): Promise<KernelCalibrationResult> {
  const start = performance.now();
  const runs = options.runs ?? 10;
  const warmup = options.warmup ?? 2;
  const cpu = thisCpu();
  const ortVersion = ort.env.versions.node ?? ort.env.versions.common;
  const table = options.table ?? [];
  const fresh: KernelEntry[] = [];
  let reused = 0;
  const profileOptions = {
    runs,
    warmup,
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-kernel-samples-'));
  try {
    const samples = options.withoutSamples ? [] : kernelSamples();
    const networks = options.withoutSamples ? [] : kernelNetworks();
    type Job = {
      readonly path: string;
      readonly name: string;
      /** The generated model's bytes, written only when it must be timed. */
      readonly bytes?: Uint8Array;
      readonly inputs?: Readonly<Record<string, Shape>>;
      readonly inputValues?: readonly InputValueText[];
    };
    const generated = (name: string, bytes: Uint8Array): Job => ({
      path: path.join(dir, `${name}.onnx`),
      name,
      bytes,
    });
    const jobs: Job[] = [
      ...samples.map((s) => generated(s.name, encodeModelProto(s.proto))),
      ...networks.map((n) => generated(n.name, encodeModelProto(n.proto))),
      ...models.map((m): Job => ({ ...m, name: path.basename(m.path) })),
    ];
    const measurements: KernelMeasurement[] = [];
    for (const [i, job] of jobs.entries()) {
      const model = job.bytes ? openModelBytes(job.bytes) : readModelFile(job.path);
      const inputValues = job.inputValues ?? [];
      const inputShapes = valueBoundShapes(analyzeModel(model).graph, job.inputs, inputValues);
      const valuesKey = valuesKeyOf(inputValues);
      const key: KernelKey = {
        modelSha256: job.bytes ? createHash('sha256').update(job.bytes).digest('hex') : fileSha256(job.path),
        inputShapes,
        ...(valuesKey ? { inputValues: valuesKey } : {}),
        ortVersion,
        graphOptimizationLevel: 'all',
        intraOpThreads: options.intraOpThreads ?? null,
        cpu,
        attribution: KERNEL_ATTRIBUTION_VERSION,
      };
      const entry = options.remeasure
        ? undefined
        : table.find((e) => kernelStaleReason(e, key, { runs, warmup }) === null);
      if (entry) {
        measurements.push(
          kernelMeasurementOf(entry, job.path, analyzeModel(model, { inputShapes, inputValues })),
        );
        reused++;
        options.onProgress?.(i + 1, jobs.length);
        continue;
      }
      if (job.bytes) fs.writeFileSync(job.path, job.bytes);
      const timed = await runKernelProfile(job.path, {
        ...profileOptions,
        ...(job.inputs ? { inputs: job.inputs } : {}),
        ...(inputValues.length > 0 ? { inputValues } : {}),
      });
      // A sample's prelude sets its cache up; only the sampled kernel is a sample.
      const measured =
        i < samples.length
          ? {
              ...timed,
              anchors: timed.anchors.filter((a) => !a.name.startsWith(PRELUDE)),
              isSample: true,
            }
          : timed;
      measurements.push(measured);
      fresh.push(kernelEntryOf(measured, key, { runs, warmup, modelName: job.name, at: new Date() }));
      // The generated files are small; each goes once timed, so the folder never holds hundreds.
      if (job.bytes) fs.rmSync(job.path, { force: true });
      options.onProgress?.(i + 1, jobs.length);
    }
    return {
      ...fitKernelModels(measurements),
      samples: samples.length,
      networks: networks.length,
      seconds: (performance.now() - start) / 1000,
      reused,
      timed: jobs.length - reused,
      table: withKernelEntries(table, fresh),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
