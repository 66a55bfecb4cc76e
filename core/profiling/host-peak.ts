/**
 * This machine's achievable FP32 peak: the best rate of a large square MatMul in onnxruntime, the
 * one kernel every CPU library tunes to the limit of its FMA units (the approach of the Empirical
 * Roofline Toolkit, Lo et al. 2014, with ORT's GEMM as the kernel). Efficiencies fitted against it
 * read as "fraction of what this runtime's best kernel reaches here".
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { CutlineError } from '../errors.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../onnx/builder.js';
import { encodeModelProto } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { createRandom } from '../onnx/random.js';
import { thisCpu } from './measurement-table-file.js';

export interface HostPeak {
  readonly gflops: number;
  /** The MatMul measured: [n, n] × [n, n]. */
  readonly matmulSize: number;
  /** Best run, ms. */
  readonly bestMs: number;
  readonly intraOpThreads: number | null;
  /** What was measured, for the profile's sources. */
  readonly method: string;
  /** Set when an earlier calibration measured it and this one took it (kept-peak.ts): when, ISO 8601. */
  readonly keptFrom?: string;
}

export interface HostPeakOptions {
  readonly intraOpThreads?: number;
  /** Side of the square MatMul; 512 (268 MFLOP) is past the size where ORT's GEMM saturates a core. */
  readonly size?: number;
  readonly runs?: number;
  readonly signal?: AbortSignal;
}

/** Best-of-`runs` FP32 GFLOP/s of an n×n×n MatMul (2n³ FLOPs) after two warm-up runs. */
export async function measureHostPeak(options: HostPeakOptions = {}): Promise<HostPeak> {
  const n = options.size ?? 512;
  const runs = options.runs ?? 8;
  const random = createRandom(n);
  const bytes = encodeModelProto(
    model({
      graph: graph({
        name: 'peak',
        nodes: [node('MatMul', ['a', 'w'], ['y'], [], 'matmul')],
        inputs: [valueInfo('a', DataType.FLOAT, [n, n])],
        outputs: [valueInfo('y', DataType.FLOAT, [n, n])],
        initializers: [tensorFromFloat32('w', [n, n], random.uniformFloat32(n * n, -1, 1))],
      }),
      producerName: 'cutline-peak',
    }),
  );
  const threads = options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {};
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, threads);
  } catch (error) {
    throw new CutlineError(
      'PROFILING_FAILED',
      `onnxruntime could not build its MatMul benchmark on this machine (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
  const feeds = { a: new ort.Tensor('float32', random.uniformFloat32(n * n, -1, 1), [n, n]) };
  let bestMs = Infinity;
  try {
    for (let run = 0; run < runs + 2; run++) {
      options.signal?.throwIfAborted();
      const start = performance.now();
      await session.run(feeds);
      const elapsedMs = performance.now() - start;
      if (run >= 2) bestMs = Math.min(bestMs, elapsedMs);
    }
  } finally {
    await session.release();
  }
  const threadText =
    options.intraOpThreads !== undefined
      ? `${options.intraOpThreads} intra-op thread${options.intraOpThreads === 1 ? '' : 's'}`
      : "ORT's default threads";
  return {
    gflops: (2 * n ** 3) / (bestMs * 1e6),
    matmulSize: n,
    bestMs,
    intraOpThreads: options.intraOpThreads ?? null,
    method: `best of ${runs} runs of a ${n}×${n}×${n} FP32 MatMul in onnxruntime-node ${ort.env.versions.node ?? ''} (${threadText})`,
  };
}

/** This machine and runtime, as a kept peak (kept-peak.ts) names them. */
export function peakHere(): { readonly cpu: string; readonly ortVersion: string } {
  return { cpu: thisCpu(), ortVersion: ort.env.versions.node ?? ort.env.versions.common };
}
