/**
 * Constraints on a placement. Pins (a unit on a given tier), "raw input stays on the device" and
 * "at least k layers on the device first" become pins that every solver honours exactly; memory
 * per tier and a latency deadline are checked on the evaluation.
 */
import { CutlineError } from '../errors.js';
import type { Evaluation } from './evaluate.js';
import type { Placement } from './placement.js';
import { DEVICE_TIER, type PartitionProblem } from './problem.js';

export interface Constraints {
  /** Unit index → tier it must run on. */
  readonly pins?: ReadonlyMap<number, number>;
  /** The graph inputs never leave the device. */
  readonly rawInputOnDevice?: boolean;
  /** Data leaves the device only after at least this many layers (Edge-PRUNE's privacy rule). */
  readonly minDeviceLayers?: number;
  /** Per tier memory limit in bytes, overriding the profile's capacity; Infinity to ignore. */
  readonly memoryBytes?: readonly (number | undefined)[];
  /** End-to-end latency of one input must not exceed this. */
  readonly latencyDeadlineMs?: number;
  /** Tiers the solver may use (default: all). The device is always allowed. */
  readonly allowedTiers?: readonly number[];
}

/** `pins[u]` = required tier of unit u, or -1 when it is free. */
export type PinTable = Int8Array;

/**
 * Turns pins and the privacy rules into one pin per unit. "At least k layers" means every tensor
 * leaving the device comes from depth ≥ k: units of depth < k, and every reader of what they (or
 * the raw input) produce, stay on the device. Conflicting pins throw INFEASIBLE naming both.
 */
export function derivePins(problem: PartitionProblem, constraints: Constraints): PinTable {
  const pins = new Int8Array(problem.units.length).fill(-1);
  const reasons = new Array<string>(problem.units.length);
  const pin = (unit: number, tier: number, reason: string): void => {
    const current = pins[unit]!;
    if (current !== -1 && current !== tier) {
      throw new CutlineError(
        'INFEASIBLE',
        `Layer "${problem.units[unit]!.name}" must run on the ${problem.tiers[current]} (${reasons[unit]}) and on the ${problem.tiers[tier]} (${reason}); drop one of these constraints.`,
      );
    }
    pins[unit] = tier;
    reasons[unit] = reason;
  };
  for (const [unit, tier] of constraints.pins ?? []) {
    if (unit < 0 || unit >= problem.units.length || tier < 0 || tier >= problem.tiers.length) {
      throw new CutlineError(
        'BAD_CONSTRAINT',
        `A pin names layer ${unit} on tier ${tier}, which do not exist.`,
      );
    }
    pin(unit, tier, 'pinned');
  }
  const k = Math.max(constraints.minDeviceLayers ?? 0, constraints.rawInputOnDevice ? 1 : 0);
  if (k > 0) {
    const reason = constraints.minDeviceLayers
      ? `at least ${k} layers on the device`
      : 'raw input stays on the device';
    for (const tensor of problem.tensors) {
      const depth = tensor.producer < 0 ? 0 : problem.units[tensor.producer]!.depth;
      if (depth >= k) continue;
      if (tensor.producer >= 0) pin(tensor.producer, DEVICE_TIER, reason);
      for (const consumer of tensor.consumers) pin(consumer, DEVICE_TIER, reason);
    }
    problem.units.forEach((unit, u) => {
      if (unit.depth < k) pin(u, DEVICE_TIER, reason);
    });
  }
  if (constraints.allowedTiers) {
    const allowed = new Set([DEVICE_TIER, ...constraints.allowedTiers]);
    pins.forEach((tier, u) => {
      if (tier !== -1 && !allowed.has(tier)) {
        throw new CutlineError(
          'INFEASIBLE',
          `Layer "${problem.units[u]!.name}" is pinned to the ${problem.tiers[tier]}, which this solver may not use.`,
        );
      }
    });
  }
  return pins;
}

/** Whether a placement keeps every pin. */
export function keepsPins(pins: PinTable, placement: Placement): boolean {
  for (let u = 0; u < pins.length; u++) if (pins[u] !== -1 && pins[u] !== placement[u]) return false;
  return true;
}

/** Memory limit per tier: the constraint's override, else the profile's capacity. */
export function memoryLimits(problem: PartitionProblem, constraints: Constraints): number[] {
  return problem.tiers.map((_, t) => constraints.memoryBytes?.[t] ?? problem.memoryBytes[t] ?? Infinity);
}

export interface Violation {
  readonly constraint: string;
  /** The tier a memory violation is about. */
  readonly tier?: number;
  /** How far off, in the constraint's unit (ms or bytes). */
  readonly excess: number;
  readonly message: string;
}

/** Constraints the evaluation breaks (memory per tier, deadline); pins are checked separately. */
export function violations(
  problem: PartitionProblem,
  constraints: Constraints,
  evaluation: Evaluation,
): Violation[] {
  const found: Violation[] = [];
  const limits = memoryLimits(problem, constraints);
  evaluation.memory.forEach((m, tier) => {
    const limit = limits[tier]!;
    if (m.totalBytes > limit) {
      const excess = m.totalBytes - limit;
      found.push({
        constraint: `memory on the ${problem.tiers[tier]}`,
        tier,
        excess,
        message: `needs ${formatMiB(m.totalBytes)} (weights ${formatMiB(m.weightBytes)} + activations ${formatMiB(m.peakActivationBytes)}), ${formatMiB(excess)} over its ${formatMiB(limit)}`,
      });
    }
  });
  const deadline = constraints.latencyDeadlineMs;
  if (deadline !== undefined && evaluation.latencyMs > deadline) {
    const excess = evaluation.latencyMs - deadline;
    found.push({
      constraint: 'latency deadline',
      excess,
      message: `takes ${evaluation.latencyMs.toFixed(2)} ms, ${excess.toFixed(2)} ms over the ${deadline} ms deadline`,
    });
  }
  return found;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** How far off a set of violations is, as the sum of relative excesses (0 when none). */
export function violationScore(
  problem: PartitionProblem,
  constraints: Constraints,
  found: readonly Violation[],
): number {
  const limits = memoryLimits(problem, constraints);
  return found.reduce((sum, v) => {
    const limit = v.tier === undefined ? (constraints.latencyDeadlineMs ?? 1) : limits[v.tier]!;
    return sum + v.excess / Math.max(limit, 1e-9);
  }, 0);
}
