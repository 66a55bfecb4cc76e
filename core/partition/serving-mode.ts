/**
 * How a split bundle is served, and what that costs.
 *
 * - `relay` (Cutline's tiers): the device sends each request up the chain and every tier passes
 *   on what the tier above needs and keeps what it needs later, so a tensor crosses each hop at
 *   most once per direction (`evaluatePlacement`).
 * - `stock` (plain OIP servers: Triton, KServe, or Cutline's tier in plain mode): a server keeps
 *   nothing between calls and talks to no other server, so the device sends every server segment
 *   all of its inputs and collects all of its outputs. A tensor made on a server goes down to the
 *   device (hops from−1 … 0), and up again from the device to each other segment that reads it
 *   (hops 0 … g−1 for a segment on tier g), once per reading segment. So an edge → cloud tensor
 *   costs down hop 0, up hop 0 and up hop 1, where relay costs up hop 1 alone.
 */
import { evaluatePlacement, type CutTensor, type Evaluation } from './evaluate.js';
import { HopTally } from './hop-traffic.js';
import { assertPlacement, type Placement } from './placement.js';
import { DEVICE_TIER, type HopCost, type PartitionProblem } from './problem.js';
import { unitSegments } from './unit-segments.js';

export { unitSegments };

export const SERVING_MODES = ['relay', 'stock'] as const;
export type ServingMode = (typeof SERVING_MODES)[number];

/** A placement's figures when its bundle is served in `mode`. */
export function evaluateServing(
  problem: PartitionProblem,
  placement: Placement,
  mode: ServingMode,
): Evaluation {
  return mode === 'stock'
    ? evaluateStockPlacement(problem, placement)
    : evaluatePlacement(problem, placement);
}

/**
 * A placement's figures in stock mode. Compute, memory, privacy and the units per tier are those
 * of `evaluatePlacement` (the same layers run on the same tiers; what leaves the device is the
 * same); the transfers, and with them latency, device energy (radio time on hop 0 included),
 * link bytes and the pipelined period, follow the stock routes described above, each tensor on
 * each hop costing `problem.up`/`problem.down` as in relay mode.
 */
export function evaluateStockPlacement(problem: PartitionProblem, placement: Placement): Evaluation {
  assertPlacement(problem, placement);
  const relay = evaluatePlacement(problem, placement);
  const tiers = problem.tiers.length;
  const segmentOf = unitSegments(problem, placement);

  let latencyMs = relay.computeMsPerTier.reduce((a, b) => a + b, 0);
  let deviceEnergyMj = 0;
  problem.units.forEach((_, u) => (deviceEnergyMj += problem.computeEnergyMj[u * tiers + placement[u]!]!));

  const traffic = new HopTally(tiers - 1);
  const cutTensors: CutTensor[] = [];

  problem.tensors.forEach((tensor, t) => {
    const from = tensor.producer < 0 ? DEVICE_TIER : placement[tensor.producer]!;
    const own = tensor.producer < 0 ? -1 : segmentOf[tensor.producer]!;
    /** Segments other than its maker's that read it → their tier. */
    const readers = new Map<number, number>();
    for (const consumer of tensor.consumers)
      if (segmentOf[consumer] !== own) readers.set(segmentOf[consumer]!, placement[consumer]!);
    let tensorMs = 0;
    const charge = (cost: HopCost, h: number, direction: 'up' | 'down'): void => {
      if (direction === 'up') traffic.up(cost, h, tensor.bytes);
      else traffic.down(cost, h, tensor.bytes);
      tensorMs += cost.latencyMs;
      deviceEnergyMj += cost.deviceEnergyMj;
    };
    const reached = new Set<number>();
    // Down to the device first when anything else reads it or it is a graph output.
    if (from !== DEVICE_TIER && (readers.size > 0 || tensor.isOutput)) {
      for (let h = from - 1; h >= 0; h--) charge(problem.down[t]![h]!, h, 'down');
      reached.add(DEVICE_TIER);
    }
    // Then up from the device to every server segment that reads it, one request each.
    for (const tier of readers.values()) {
      if (tier !== from) reached.add(tier);
      for (let h = 0; h < tier; h++) charge(problem.up[t]![h]!, h, 'up');
    }
    reached.delete(from);
    if (reached.size === 0) return;
    cutTensors.push({
      name: tensor.name,
      bytes: tensor.bytes,
      shapeOnly: tensor.shapeOnly === true,
      fromTier: from,
      toTiers: [...reached].sort((a, b) => a - b),
      latencyMs: tensorMs,
    });
  });
  latencyMs += traffic.latencyMs.reduce((a, b) => a + b, 0);
  const periodMs = Math.max(...relay.computeMsPerTier, traffic.busiestMs());
  return {
    ...relay,
    latencyMs,
    periodMs,
    throughputPerS: periodMs > 0 ? 1000 / periodMs : Infinity,
    deviceEnergyMj,
    ...traffic.figures(problem.wanHop),
    cutTensors,
  };
}
