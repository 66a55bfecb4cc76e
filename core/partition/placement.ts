/**
 * A placement puts every unit of a partition problem on one tier (any DAG placement, not only
 * prefix cuts). Stored as one byte per unit, in the problem's unit order.
 */
import { CutlineError } from '../errors.js';
import { DEVICE_TIER, type PartitionProblem } from './problem.js';

export type Placement = Uint8Array;

/** Every unit on one tier. */
export function uniformPlacement(problem: PartitionProblem, tier: number): Placement {
  return new Uint8Array(problem.units.length).fill(tier);
}

/** Throws BAD_PLACEMENT unless the placement has one valid tier per unit. */
export function assertPlacement(problem: PartitionProblem, placement: Placement): void {
  if (placement.length !== problem.units.length) {
    throw new CutlineError(
      'BAD_PLACEMENT',
      `The placement has ${placement.length} entries but the model has ${problem.units.length} layers.`,
    );
  }
  const tiers = problem.tiers.length;
  placement.forEach((tier, unit) => {
    if (tier >= tiers) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `Layer "${problem.units[unit]!.name}" is placed on tier ${tier}, but the topology has only ${problem.tiers.join(', ')}.`,
      );
    }
  });
}

/** The same placement with one unit moved; returns the input when nothing changes. */
export function withUnitOn(placement: Placement, unit: number, tier: number): Placement {
  if (placement[unit] === tier) return placement;
  const moved = placement.slice();
  moved[unit] = tier;
  return moved;
}

/**
 * Where a tensor goes: the tier it is produced on and the lowest and highest tiers it must reach
 * (its consumers' tiers, and the device if it is a graph output).
 */
export function tensorSpan(
  problem: PartitionProblem,
  placement: Placement,
  tensorIndex: number,
): { from: number; lowest: number; highest: number } {
  const tensor = problem.tensors[tensorIndex]!;
  const from = tensor.producer < 0 ? 0 : placement[tensor.producer]!;
  let lowest = from;
  let highest = from;
  for (const consumer of tensor.consumers) {
    const tier = placement[consumer]!;
    if (tier < lowest) lowest = tier;
    if (tier > highest) highest = tier;
  }
  if (tensor.isOutput) {
    lowest = DEVICE_TIER;
  }
  return { from, lowest, highest };
}
