/**
 * Child-process entry: `measure-ort.ts FILE` times onnxruntime-node's `InferenceSession.create`
 * on one model file (default session options, as a user would call it) and reports the process's
 * RSS before and its peak after — the yardstick `measure-analyze.ts` is compared against.
 */
import { performance } from 'node:perf_hooks';
import { emitFailure, emitResult } from './child-protocol.js';
import type { OrtMeasurement } from './measurement.js';

async function measure(file: string): Promise<OrtMeasurement> {
  const ort = await import('onnxruntime-node');
  globalThis.gc?.();
  const baselineRssBytes = process.memoryUsage().rss;
  const startupPeakRssBytes = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  const session = await ort.InferenceSession.create(file);
  const elapsedMs = performance.now() - start;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  await session.release();
  return {
    elapsedMs,
    baselineRssBytes,
    startupPeakRssBytes,
    peakRssBytes,
    runtimeVersion: ort.env.versions.node ?? '',
  };
}

const file = process.argv[2];
if (file === undefined) emitFailure('usage: measure-ort.ts FILE');
else await measure(file).then(emitResult, emitFailure);
