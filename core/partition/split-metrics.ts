/**
 * Figures of split candidates computed incrementally. Crossing costs go into small vectors
 * (latency, energy, busy ms per hop and direction, WAN bytes) summed over cut positions with
 * difference arrays; unit costs come from prefix sums per tier. `SplitFigures` combines both for
 * one candidate, computing only the figures a caller asks for.
 */
import type { PartitionProblem } from './problem.js';

export interface CrossingLayout {
  readonly tiers: number;
  readonly size: number;
  readonly latency: 0;
  readonly energy: 1;
  /** busy + 2h: up, busy + 2h + 1: down. */
  readonly busy: 2;
  readonly wan: number;
}

export function crossingLayout(tiers: number): CrossingLayout {
  const wan = 2 + 2 * (tiers - 1);
  return { tiers, size: wan + 1, latency: 0, energy: 1, busy: 2, wan };
}

/**
 * target[at..] += sign · cost of tensor t produced on `from` and needed on tiers spanning
 * [lowest, highest]: each hop crossed once per direction.
 */
export function addCrossing(
  target: Float64Array,
  at: number,
  problem: PartitionProblem,
  layout: CrossingLayout,
  t: number,
  from: number,
  lowest: number,
  highest: number,
  sign = 1,
): void {
  const bytes = problem.tensors[t]!.bytes;
  for (let h = from; h < highest; h++) {
    const cost = problem.up[t]![h]!;
    target[at]! += sign * cost.latencyMs;
    target[at + 1]! += sign * cost.deviceEnergyMj;
    target[at + 2 + 2 * h]! += sign * cost.busyMs;
    if (h === problem.wanHop) target[at + layout.wan]! += sign * bytes;
  }
  for (let h = lowest; h < from; h++) {
    const cost = problem.down[t]![h]!;
    target[at]! += sign * cost.latencyMs;
    target[at + 1]! += sign * cost.deviceEnergyMj;
    target[at + 3 + 2 * h]! += sign * cost.busyMs;
    if (h === problem.wanHop) target[at + layout.wan]! += sign * bytes;
  }
}

/** Prefix sums over units: `ms[t][i]`, `energy[t][i]` for units [0, i) on tier t; weights. */
export interface UnitPrefixes {
  readonly ms: readonly Float64Array[];
  readonly energy: readonly Float64Array[];
  readonly weightBytes: Float64Array;
}

export function unitPrefixes(problem: PartitionProblem): UnitPrefixes {
  const n = problem.units.length;
  const k = problem.tiers.length;
  const ms = problem.tiers.map(() => new Float64Array(n + 1));
  const energy = problem.tiers.map(() => new Float64Array(n + 1));
  const weightBytes = new Float64Array(n + 1);
  for (let u = 0; u < n; u++) {
    for (let t = 0; t < k; t++) {
      ms[t]![u + 1] = ms[t]![u]! + problem.computeMs[u * k + t]!;
      energy[t]![u + 1] = energy[t]![u]! + problem.computeEnergyMj[u * k + t]!;
    }
    weightBytes[u + 1] = weightBytes[u]! + problem.units[u]!.weightBytes;
  }
  return { ms, energy, weightBytes };
}

/**
 * The figures of one candidate: up to three segments [0, i) on the device, [i, j) on `middle`,
 * [j, n) on `last`, plus its crossings at `rows[at..]`. Reused across candidates.
 */
export class SplitFigures {
  i = 0;
  j = 0;
  middle = 0;
  last = 0;
  rows: Float64Array = new Float64Array(0);
  at = 0;

  constructor(
    private readonly prefixes: UnitPrefixes,
    private readonly layout: CrossingLayout,
    private readonly n: number,
  ) {}

  private sum(arrays: readonly Float64Array[]): number {
    const { i, j, n } = this;
    return (
      arrays[0]![i]! +
      arrays[this.middle]![j]! -
      arrays[this.middle]![i]! +
      arrays[this.last]![n]! -
      arrays[this.last]![j]!
    );
  }

  latencyMs(): number {
    return this.rows[this.at]! + this.sum(this.prefixes.ms);
  }

  deviceEnergyMj(): number {
    return this.rows[this.at + 1]! + this.sum(this.prefixes.energy);
  }

  wanBytes(): number {
    return this.rows[this.at + this.layout.wan]!;
  }

  /** Compute ms on a tier. */
  computeMs(tier: number): number {
    const { i, j, n } = this;
    const ms = this.prefixes.ms[tier]!;
    let total = tier === 0 ? ms[i]! : 0;
    if (this.middle === tier) total += ms[j]! - ms[i]!;
    if (this.last === tier) total += ms[n]! - ms[j]!;
    return total;
  }

  weightBytes(tier: number): number {
    const { i, j, n } = this;
    const w = this.prefixes.weightBytes;
    let total = tier === 0 ? w[i]! : 0;
    if (this.middle === tier) total += w[j]! - w[i]!;
    if (this.last === tier) total += w[n]! - w[j]!;
    return total;
  }

  /** Pipelined period: the busiest tier or link direction. */
  periodMs(): number {
    let period = 0;
    for (let t = 0; t < this.layout.tiers; t++) period = Math.max(period, this.computeMs(t));
    for (let m = this.layout.busy; m < this.layout.wan; m++)
      period = Math.max(period, this.rows[this.at + m]!);
    return period;
  }
}
