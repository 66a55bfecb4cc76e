/**
 * Constraints on a placement. Pins (a unit on a given tier), "raw input stays on the device" and
 * "at least k layers on the device first" become pins that every solver honours exactly; memory
 * per tier and a latency deadline are checked on the evaluation.
 */
import { CutlineError } from '../errors.js';
import type { Evaluation } from './evaluate.js';
import type { Placement } from './placement.js';
import { DEVICE_TIER, type PartitionProblem } from './problem.js';
import { formatByteSize } from '../text/byte-size.js';

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
 * leaving the device comes from depth ≥ k: every reader of data of depth < k (the raw input
 * has depth 0) stays on the device. Shapes read across carry no data and are
 * exempt. Conflicting pins throw INFEASIBLE naming both.
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
  const k = privacyDepth(constraints);
  if (k > 0) {
    const reason = constraints.minDeviceLayers
      ? `at least ${k} layers on the device`
      : 'raw input stays on the device';
    // Data of depth < k made on the device must not leave it. The raw input is on the device,
    // so its readers are too, and so, layer by layer, are the readers of shallow data those
    // make. (A layer that reads no device data may run anywhere; if it runs on the device
    // anyway, `privacyImplications` keeps its shallow outputs there.)
    for (const tensor of problem.tensors) {
      if (tensor.producer < 0 && !tensor.shapeOnly) {
        for (const consumer of tensor.consumers) pin(consumer, DEVICE_TIER, reason);
      }
    }
    const made = madeBy(problem);
    problem.units.forEach((unit, u) => {
      if (pins[u] !== DEVICE_TIER || unit.depth >= k) return;
      for (const t of made[u]!) {
        const tensor = problem.tensors[t]!;
        if (!tensor.shapeOnly) for (const consumer of tensor.consumers) pin(consumer, DEVICE_TIER, reason);
      }
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

/** The pinned layers in words, for messages: "3 layers on the device (raw input stays…), …". */
export function describePins(problem: PartitionProblem, pins: PinTable, constraints: Constraints): string {
  const byTier = new Map<number, string[]>();
  pins.forEach((tier, unit) => {
    if (tier !== -1) byTier.set(tier, [...(byTier.get(tier) ?? []), problem.units[unit]!.name]);
  });
  const rules = [
    ...(constraints.rawInputOnDevice ? ['raw input stays on the device'] : []),
    ...(constraints.minDeviceLayers ? [`at least ${constraints.minDeviceLayers} layers on the device`] : []),
    ...(constraints.pins?.size ? [`${constraints.pins.size} pinned`] : []),
  ];
  const parts = [...byTier].map(([tier, names]) => {
    const shown = names
      .slice(0, 3)
      .map((n) => `"${n}"`)
      .join(', ');
    return `${names.length} on the ${problem.tiers[tier]} (${shown}${names.length > 3 ? ', …' : ''})`;
  });
  return parts.length ? `${parts.join('; ')}; from: ${rules.join(', ')}` : '';
}

/** Depth below which data may not leave the device (0: no privacy rule). */
export function privacyDepth(constraints: Constraints): number {
  return Math.max(constraints.minDeviceLayers ?? 0, constraints.rawInputOnDevice ? 1 : 0);
}

function madeBy(problem: PartitionProblem): number[][] {
  const made: number[][] = problem.units.map(() => []);
  problem.tensors.forEach((tensor, t) => {
    if (tensor.producer >= 0) made[tensor.producer]!.push(t);
  });
  return made;
}

/**
 * What pins cannot say: a layer of depth < k that reads no device data (so is not pinned) may
 * run anywhere, but if it runs on the device its data must stay there. Each pair [p, c] reads
 * "if unit p is on the device, unit c is too".
 */
export function privacyImplications(
  problem: PartitionProblem,
  constraints: Constraints,
  pins: PinTable,
): [number, number][] {
  const k = privacyDepth(constraints);
  if (k === 0) return [];
  const pairs: [number, number][] = [];
  problem.tensors.forEach((tensor) => {
    const p = tensor.producer;
    if (p < 0 || tensor.shapeOnly || pins[p] !== -1 || problem.units[p]!.depth >= k) return;
    for (const c of tensor.consumers) if (pins[c] !== DEVICE_TIER) pairs.push([p, c]);
  });
  return pairs;
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
  /** The excess over the limit it breaks (bytes over capacity, ms over deadline, layers over k). */
  readonly relativeExcess: number;
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
        relativeExcess: excess / Math.max(limit, 1),
        message: `needs ${formatMiB(m.totalBytes)} (weights ${formatMiB(m.weightBytes)} + activations ${formatMiB(m.peakActivationBytes)}), ${formatMiB(excess)} over its ${formatMiB(limit)}`,
      });
    }
  });
  const k = privacyDepth(constraints);
  if (k > 0 && evaluation.deviceLayersBeforeLeaving !== null && evaluation.deviceLayersBeforeLeaving < k) {
    const depth = evaluation.deviceLayersBeforeLeaving;
    found.push({
      constraint: constraints.minDeviceLayers
        ? `at least ${k} layers on the device`
        : 'raw input stays on the device',
      excess: k - depth,
      relativeExcess: (k - depth) / k,
      message: `sends data of depth ${depth} off the device, ${k - depth} layer${k - depth === 1 ? '' : 's'} too early`,
    });
  }
  const deadline = constraints.latencyDeadlineMs;
  if (deadline !== undefined && evaluation.latencyMs > deadline) {
    const excess = evaluation.latencyMs - deadline;
    found.push({
      constraint: 'latency deadline',
      excess,
      relativeExcess: excess / Math.max(deadline, 1e-9),
      message: `takes ${evaluation.latencyMs.toFixed(2)} ms, ${excess.toFixed(2)} ms over the ${deadline} ms deadline`,
    });
  }
  return found;
}

/** Bytes in the unit that keeps a few significant digits (KiB, MiB, GiB). */
export const formatMiB = formatByteSize;

/** How far off a set of violations is, as the sum of relative excesses (0 when none). */
export function violationScore(found: readonly Violation[]): number {
  return found.reduce((sum, v) => sum + v.relativeExcess, 0);
}
