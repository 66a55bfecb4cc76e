/**
 * Figures of a placement as one small vector, so the split enumerations can add and subtract the
 * contributions of units and crossings in O(1) each instead of re-evaluating whole placements.
 * Layout for k tiers: latency, energy, compute ms per tier, busy ms per hop (up, down), WAN bytes,
 * weight bytes per tier.
 */
import type { PartitionProblem } from './problem.js';

export interface MetricLayout {
  readonly tiers: number;
  readonly size: number;
  readonly latency: 0;
  readonly energy: 1;
  readonly compute: number;
  readonly busy: number;
  readonly wan: number;
  readonly weights: number;
}

export function metricLayout(tiers: number): MetricLayout {
  const compute = 2;
  const busy = compute + tiers;
  const wan = busy + 2 * (tiers - 1);
  const weights = wan + 1;
  return { tiers, size: weights + tiers, latency: 0, energy: 1, compute, busy, wan, weights };
}

/** `prefix[t]` holds, at row i, the metrics of units [0, i) all placed on tier t. */
export function unitPrefixSums(problem: PartitionProblem, layout: MetricLayout): Float64Array[] {
  const n = problem.units.length;
  const k = layout.tiers;
  return Array.from({ length: k }, (_, t) => {
    const prefix = new Float64Array((n + 1) * layout.size);
    for (let u = 0; u < n; u++) {
      const row = u * layout.size;
      const nextRow = row + layout.size;
      prefix.copyWithin(nextRow, row, nextRow);
      const ms = problem.computeMs[u * k + t]!;
      prefix[nextRow + layout.latency] = prefix[nextRow + layout.latency]! + ms;
      prefix[nextRow + layout.energy] =
        prefix[nextRow + layout.energy]! + problem.computeEnergyMj[u * k + t]!;
      prefix[nextRow + layout.compute + t] = prefix[nextRow + layout.compute + t]! + ms;
      prefix[nextRow + layout.weights + t] =
        prefix[nextRow + layout.weights + t]! + problem.units[u]!.weightBytes;
    }
    return prefix;
  });
}

/** target[at..] += sign · (prefix[t] row b − row a): units [a, b) on tier t. */
export function addSegment(
  target: Float64Array,
  at: number,
  prefix: Float64Array,
  layout: MetricLayout,
  a: number,
  b: number,
  sign = 1,
): void {
  if (b <= a) return;
  const ra = a * layout.size;
  const rb = b * layout.size;
  for (let m = 0; m < layout.size; m++) target[at + m]! += sign * (prefix[rb + m]! - prefix[ra + m]!);
}

/**
 * target[at..] += sign · cost of tensor t produced on `from` and needed on tiers spanning
 * [lowest, highest]: each hop crossed once per direction.
 */
export function addCrossing(
  target: Float64Array,
  at: number,
  problem: PartitionProblem,
  layout: MetricLayout,
  t: number,
  from: number,
  lowest: number,
  highest: number,
  sign = 1,
): void {
  const bytes = problem.tensors[t]!.bytes;
  for (let h = from; h < highest; h++) {
    const cost = problem.up[t]![h]!;
    target[at + layout.latency]! += sign * cost.latencyMs;
    target[at + layout.energy]! += sign * cost.deviceEnergyMj;
    target[at + layout.busy + 2 * h]! += sign * cost.busyMs;
    if (h === problem.wanHop) target[at + layout.wan]! += sign * bytes;
  }
  for (let h = lowest; h < from; h++) {
    const cost = problem.down[t]![h]!;
    target[at + layout.latency]! += sign * cost.latencyMs;
    target[at + layout.energy]! += sign * cost.deviceEnergyMj;
    target[at + layout.busy + 2 * h + 1]! += sign * cost.busyMs;
    if (h === problem.wanHop) target[at + layout.wan]! += sign * bytes;
  }
}

/** Pipelined period: the busiest tier or link direction. */
export function periodOf(metrics: Float64Array, at: number, layout: MetricLayout): number {
  let period = 0;
  for (let m = layout.compute; m < layout.wan; m++) period = Math.max(period, metrics[at + m]!);
  return period;
}
