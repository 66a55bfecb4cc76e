/**
 * Child-process entry: `measure-analyze.ts FILE` times Cutline's `analyzeFile` on one model, from
 * the start of reading the file to a finished Analysis, and reports the process's RSS before
 * reading and its peak (getrusage maxRSS) after.
 */
import { performance } from 'node:perf_hooks';
import { emitFailure, emitResult } from './child-protocol.js';
import type { AnalyzeMeasurement } from './measurement.js';

async function measure(file: string): Promise<AnalyzeMeasurement> {
  // Loaded before the baseline: module code is start-up cost, not the cost of analysing a model.
  const { analyzeFile } = await import('../core/analyze.js');
  globalThis.gc?.();
  const baselineRssBytes = process.memoryUsage().rss;
  const startupPeakRssBytes = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  const analysis = analyzeFile(file);
  const elapsedMs = performance.now() - start;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    elapsedMs,
    baselineRssBytes,
    startupPeakRssBytes,
    peakRssBytes,
    nodes: analysis.summary.nodeCount,
    unknownOperators: analysis.summary.unknownOperators,
    shapeErrors: analysis.summary.shapeErrors.length,
  };
}

const file = process.argv[2];
if (file === undefined) emitFailure('usage: measure-analyze.ts FILE');
else await measure(file).then(emitResult, emitFailure);
