/**
 * What a solver minimises. Latency, device energy and their weighted sum are sums over units and
 * crossings, so min-cut solvers optimise them exactly; throughput (a bottleneck, max over stages)
 * is exact only for the enumerating solvers.
 */
import type { Evaluation } from './evaluate.js';

export type Objective =
  | { readonly kind: 'latency' }
  | { readonly kind: 'energy' }
  | { readonly kind: 'throughput' }
  /** `latencyWeight · latencyMs + energyWeight · deviceEnergyMj`. */
  | { readonly kind: 'weighted'; readonly latencyWeight: number; readonly energyWeight: number };

export const OBJECTIVE_KINDS = ['latency', 'energy', 'throughput', 'weighted'] as const;

/** Weights of (latency ms, energy mJ) for the additive objectives; null for throughput. */
export function additiveWeights(objective: Objective): { latency: number; energy: number } | null {
  switch (objective.kind) {
    case 'latency':
      return { latency: 1, energy: 0 };
    case 'energy':
      return { latency: 0, energy: 1 };
    case 'weighted':
      return { latency: objective.latencyWeight, energy: objective.energyWeight };
    case 'throughput':
      return null;
  }
}

/** The value to minimise (the period, for throughput). */
export function objectiveValue(objective: Objective, evaluation: Evaluation): number {
  const weights = additiveWeights(objective);
  if (weights === null) return evaluation.periodMs;
  return weights.latency * evaluation.latencyMs + weights.energy * evaluation.deviceEnergyMj;
}

export function describeObjective(objective: Objective): string {
  if (objective.kind === 'weighted') {
    return `${objective.latencyWeight}·latency ms + ${objective.energyWeight}·device energy mJ`;
  }
  return objective.kind;
}
