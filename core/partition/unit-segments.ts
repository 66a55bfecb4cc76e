/**
 * The segments a placement runs, per unit: what the export cuts (core/export/segments.ts) and
 * what a tier pays a session run for. Used by stock serving and by the segment cost of
 * `evaluatePlacement`.
 */
import type { Placement } from './placement.js';
import { DEVICE_TIER, type PartitionProblem } from './problem.js';

/**
 * Segment of every unit, as the export forms them (core/export/segments.ts, per layer here): a
 * unit's stage is the largest stage of the units it reads from, plus one when they are on another
 * tier (graph inputs are stage 0 on the device); units of one tier and one stage are one segment.
 * Returns `stage × tiers + tier` per unit.
 */
export function unitSegments(problem: PartitionProblem, placement: Placement): Int32Array {
  const tiers = problem.tiers.length;
  const { start, producers } = producersOf(problem);
  const stage = new Int32Array(problem.units.length);
  const segment = new Int32Array(problem.units.length);
  for (let u = 0; u < problem.units.length; u++) {
    const tier = placement[u]!;
    let s = 0;
    for (let i = start[u]!; i < start[u + 1]!; i++) {
      const producer = producers[i]!;
      const from = producer < 0 ? DEVICE_TIER : placement[producer]!;
      const base = producer < 0 ? 0 : stage[producer]!;
      s = Math.max(s, base + (from === tier ? 0 : 1));
    }
    stage[u] = s;
    segment[u] = s * tiers + tier;
  }
  return segment;
}

// Per problem (never changed once built), the producers each unit reads from, as one flat array:
// evaluatePlacement asks for the segments of every placement a solver tries.
const producersCache = new WeakMap<PartitionProblem, { start: Int32Array; producers: Int32Array }>();

function producersOf(problem: PartitionProblem): { start: Int32Array; producers: Int32Array } {
  let cached = producersCache.get(problem);
  if (cached) return cached;
  const units = problem.units.length;
  const start = new Int32Array(units + 1);
  for (const tensor of problem.tensors) for (const consumer of tensor.consumers) start[consumer + 1]!++;
  for (let u = 0; u < units; u++) start[u + 1]! += start[u]!;
  const producers = new Int32Array(start[units]!);
  const filled = start.slice(0, units);
  for (const tensor of problem.tensors)
    for (const consumer of tensor.consumers) producers[filled[consumer]!++] = tensor.producer;
  cached = { start, producers };
  producersCache.set(problem, cached);
  return cached;
}
