/**
 * The host peak a calibration measured, kept in its measurement table: the MatMul benchmark moves
 * by 10-20 % between runs on a loaded machine (157, 127, 144 GFLOP/s between three reloads here),
 * and every figure the profile predicts scales with it, so a calibration that re-times nothing
 * would still move the figures. A later calibration on the same CPU, onnxruntime and threads
 * takes the kept peak instead, unless asked to measure again. Free of onnxruntime: the
 * measurement table reads its schema in the studio's main process (`peakHere` is in host-peak.ts).
 */
import { z } from 'zod';
import type { HostPeak } from './host-peak.js';

export interface KeptPeak {
  readonly gflops: number;
  readonly matmulSize: number;
  readonly bestMs: number;
  /** null: onnxruntime's default. */
  readonly intraOpThreads: number | null;
  readonly method: string;
  /** Where it holds: the CPU (as the table's keys name it) and the onnxruntime version. */
  readonly cpu: string;
  readonly ortVersion: string;
  /** ISO 8601 time of the measurement. */
  readonly measuredAt: string;
}

const positive = z.number().finite().positive().max(1e12);

export const keptPeakSchema = z.strictObject({
  gflops: positive,
  matmulSize: z.number().int().positive().max(1_000_000),
  bestMs: positive,
  intraOpThreads: z.number().int().min(1).max(4096).nullable(),
  method: z.string().max(500),
  cpu: z.string().max(500),
  ortVersion: z.string().max(100),
  measuredAt: z.iso.datetime(),
});

/** A peak measured now, as the table keeps it. */
export function keptPeakOf(
  peak: HostPeak,
  where: { readonly cpu: string; readonly ortVersion: string; readonly at: Date },
): KeptPeak {
  return {
    gflops: peak.gflops,
    matmulSize: peak.matmulSize,
    bestMs: peak.bestMs,
    intraOpThreads: peak.intraOpThreads,
    method: peak.method.slice(0, 500),
    cpu: where.cpu,
    ortVersion: where.ortVersion,
    measuredAt: where.at.toISOString(),
  };
}

/**
 * The kept peak as this calibration's, when it was measured on this CPU with this onnxruntime and
 * these threads; null otherwise (then the peak is measured). Its method says it was kept, and when.
 */
export function reusablePeak(
  kept: KeptPeak | undefined,
  now: { readonly cpu: string; readonly ortVersion: string; readonly intraOpThreads: number | null },
): HostPeak | null {
  if (!kept || kept.cpu !== now.cpu || kept.ortVersion !== now.ortVersion) return null;
  if (kept.intraOpThreads !== now.intraOpThreads) return null;
  const when = `${kept.measuredAt.slice(0, 16).replace('T', ' ')} UTC`;
  return {
    gflops: kept.gflops,
    matmulSize: kept.matmulSize,
    bestMs: kept.bestMs,
    intraOpThreads: kept.intraOpThreads,
    method: `${kept.method}; kept from ${when}`,
    keptFrom: kept.measuredAt,
  };
}
