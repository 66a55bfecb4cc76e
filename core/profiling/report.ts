/**
 * How well a device profile predicts what was measured: per node the roofline prediction
 * (`predictComputeMs` on the node's work) beside the median kernel time, and the figures that
 * summarise it.
 */
import path from 'node:path';
import type { Analysis } from '../analyze.js';
import { nodeWork, predictComputeMs } from '../predict/roofline.js';
import type { DeviceProfile, OpClass, Precision } from '../profiles/types.js';
import type { OrtMeasurement } from './ort-profile.js';
import { median, percentError } from './stats.js';

export interface NodeComparison {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly opClass: OpClass;
  readonly predictedMs: number;
  /** null when ORT ran no kernel for the node. */
  readonly measuredMs: number | null;
  /** (predicted − measured) / measured, %; null when unmeasured or measured as 0 µs. */
  readonly errorPercent: number | null;
}

export interface AccuracySummary {
  /** Nodes with an error (measured, above zero). */
  readonly comparedNodes: number;
  readonly medianAbsErrorPercent: number;
  /** Share of compared nodes predicted within ±10%, 0…1. */
  readonly withinTenPercent: number;
}

export interface ProfileComparison extends AccuracySummary {
  readonly model: string;
  readonly nodes: readonly NodeComparison[];
  /** Σ predicted over the nodes ORT measured, ms: the same set as `kernelSumMs`. */
  readonly predictedSumMs: number;
  /** Measured on the unoptimised graph: Σ kernel times (median run), and the whole `model_run`. */
  readonly kernelSumMs: number;
  readonly profiledRunMs: number;
  /** Measured end to end with ORT's graph optimisations (fusions a per-node model cannot see). */
  readonly optimisedRunMs: number;
}

/** Each node's prediction by `device` beside its measurement. */
export function compareProfile(
  analysis: Analysis,
  measurement: OrtMeasurement,
  device: DeviceProfile,
  precision: Precision = 'fp32',
): ProfileComparison {
  const nodes = measurement.nodes.map((node): NodeComparison => {
    const work = nodeWork(analysis, node.index);
    const predictedMs = predictComputeMs(device, precision, work);
    const measuredMs = node.medianMs;
    return {
      index: node.index,
      name: node.name,
      opType: node.opType,
      opClass: work.opClass,
      predictedMs,
      measuredMs,
      errorPercent: measuredMs !== null && measuredMs > 0 ? percentError(predictedMs, measuredMs) : null,
    };
  });
  return {
    model: path.basename(measurement.modelPath),
    nodes,
    ...summarizeAccuracy(nodes),
    predictedSumMs: nodes.reduce((sum, n) => (n.measuredMs !== null ? sum + n.predictedMs : sum), 0),
    kernelSumMs: measurement.kernelSumMs,
    profiledRunMs: measurement.profiledRunMs,
    optimisedRunMs: measurement.optimisedRunMs,
  };
}

/** Median |error| and the ±10% share over every node given that has an error. */
export function summarizeAccuracy(nodes: readonly Pick<NodeComparison, 'errorPercent'>[]): AccuracySummary {
  const errors = nodes.flatMap((n) => (n.errorPercent === null ? [] : [Math.abs(n.errorPercent)]));
  return {
    comparedNodes: errors.length,
    medianAbsErrorPercent: median(errors),
    withinTenPercent: errors.length > 0 ? errors.filter((e) => e <= 10).length / errors.length : Number.NaN,
  };
}
