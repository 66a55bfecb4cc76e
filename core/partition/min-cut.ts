/**
 * Exact min-cut partitioning over a chain of tiers (DADS for two tiers, generalised to
 * device → edge → cloud by Ishikawa's layered construction).
 *
 * Each unit v gets one binary node per hop h, v^h on the sink side meaning "v runs above tier h";
 * uncuttable arcs v^(h-1) → v^h keep those consistent, and a chain of arcs from the source through
 * v^(k-2)…v^0 to the sink charges exactly one of the unit's per-tier costs. A tensor produced on
 * tier a and read on tiers B crosses hop h upward iff a ≤ h < max B and downward iff
 * min B ≤ h < a, so per hop its cost is a 2-tier crossing of the DADS kind with the fan-out
 * correction (one auxiliary node per direction, so a tensor read by many units is charged once),
 * in both directions: a plain s-t cut would charge nothing for data flowing back from the server
 * side, which placements that return to the device (RoaD-RuNNer) need. Every term is submodular,
 * so the minimum cut is the optimum over ALL placements, not only prefix cuts.
 *
 * Objective: `latencyWeight · ms + energyWeight · mJ` (plus optional per-tier unit penalties used
 * by the constrained and throughput heuristics). Pins and forbidden tiers are infinite costs.
 */
import { FlowNetwork } from './max-flow.js';
import type { PinTable } from './constraints.js';
import type { Placement } from './placement.js';
import type { HopCost, PartitionProblem } from './problem.js';

export interface CutWeights {
  readonly latency: number;
  readonly energy: number;
  /** Extra cost per ms of compute on each tier (throughput heuristic's stage weights). */
  readonly tierComputeMs?: readonly number[];
  /** Extra cost per ms of link busy time per hop and direction. */
  readonly hopBusyMs?: readonly { readonly up: number; readonly down: number }[];
  /** Extra cost per weight byte placed on each tier (memory heuristic). */
  readonly tierWeightBytes?: readonly number[];
}

export interface CutResult {
  readonly placement: Placement;
  /** The minimum cut's value: the weighted objective of `placement` (Infinity if infeasible). */
  readonly value: number;
}

/**
 * Minimum-cost placement of every unit on the allowed tiers, keeping pins. Exact for the
 * additive objective given by `weights`.
 */
export function solveMinCut(
  problem: PartitionProblem,
  weights: CutWeights,
  pins: PinTable,
  allowedTiers: readonly number[],
  /** Per unit, a bit mask of tiers it may not take (used when ranking placements). */
  forbidden?: Uint8Array,
  /** Pairs [p, c]: if unit p runs on the device, unit c must too (privacy rules). */
  implications: readonly (readonly [number, number])[] = [],
): CutResult {
  const k = problem.tiers.length;
  const n = problem.units.length;
  if (k === 1)
    return { placement: new Uint8Array(n), value: unaryTotal(problem, weights, new Uint8Array(n)) };
  const levels = k - 1;
  const allowed = new Uint8Array(k);
  for (const t of allowedTiers) allowed[t] = 1;
  allowed[0] = 1;

  // Node ids: 0 source, 1 sink, units 2 + v·levels + h, then auxiliaries.
  const SOURCE = 0;
  const SINK = 1;
  const unitNode = (v: number, h: number): number => 2 + v * levels + h;
  let auxCount = 0;
  for (const tensor of problem.tensors) if (tensor.consumers.length > 1) auxCount += 2 * levels;
  const nodeCount = 2 + n * levels + auxCount;
  const network = new FlowNetwork(nodeCount, n * (2 * levels + 1) + problem.tensors.length * 4 * levels);
  let nextAux = 2 + n * levels;

  const labelCost = new Float64Array(k);
  let baseValue = 0;
  for (let v = 0; v < n; v++) {
    for (let x = 0; x < k; x++) {
      const pinned = pins[v]! !== -1 && pins[v] !== x;
      const excluded = forbidden !== undefined && (forbidden[v]! >> x) & 1;
      labelCost[x] = !allowed[x] || pinned || excluded ? Infinity : unitCost(problem, weights, v, x);
    }
    // Push the flow the unit's own chain carries in any case (source → chain → sink) before the
    // max-flow starts: it is part of every cut, and most units then touch one terminal only,
    // which leaves Dinic far fewer augmenting phases.
    let carried = Infinity;
    for (let x = 0; x < k; x++) carried = Math.min(carried, labelCost[x]!);
    if (carried === Infinity) return { placement: new Uint8Array(n), value: Infinity };
    baseValue += carried;
    for (let x = 0; x < k; x++) labelCost[x] = labelCost[x]! - carried;
    network.addArc(SOURCE, unitNode(v, levels - 1), labelCost[k - 1]!);
    for (let h = levels - 1; h >= 1; h--) network.addArc(unitNode(v, h), unitNode(v, h - 1), labelCost[h]!);
    network.addArc(unitNode(v, 0), SINK, labelCost[0]!);
    for (let h = 1; h < levels; h++) network.addArc(unitNode(v, h - 1), unitNode(v, h), Infinity);
  }

  problem.tensors.forEach((tensor, t) => {
    for (let h = 0; h < levels; h++) {
      const upCost = hopCost(weights, problem.up[t]![h]!, h, 'up');
      const downCost = hopCost(weights, problem.down[t]![h]!, h, 'down');
      const producer = tensor.producer >= 0 ? unitNode(tensor.producer, h) : SOURCE;
      addCrossing(producer, tensor.consumers, h, upCost, 'up');
      if (tensor.producer < 0) continue;
      // A graph output must return to the device, a reader fixed below every hop: its crossing
      // down hop h then depends on the producer alone (and is charged once).
      if (tensor.isOutput) network.addArc(SOURCE, producer, downCost);
      else addCrossing(producer, tensor.consumers, h, downCost, 'down');
    }
  });

  /** Charges `cost` once if any reader's hop-h node lies across from the producer's. */
  function addCrossing(
    producer: number,
    consumers: Int32Array,
    h: number,
    cost: number,
    direction: 'up' | 'down',
  ): void {
    if (consumers.length === 0 || cost === 0) return;
    if (consumers.length === 1) {
      const consumer = unitNode(consumers[0]!, h);
      if (direction === 'up') network.addArc(producer, consumer, cost);
      else network.addArc(consumer, producer, cost);
      return;
    }
    const aux = nextAux++;
    if (direction === 'up') {
      network.addArc(producer, aux, cost);
      for (const c of consumers) network.addArc(aux, unitNode(c, h), Infinity);
    } else {
      network.addArc(aux, producer, cost);
      for (const c of consumers) network.addArc(unitNode(c, h), aux, Infinity);
    }
  }

  // "p on the device ⇒ c on the device": p^0 on the source side forces c^0 there too.
  for (const [p, c] of implications) network.addArc(unitNode(p, 0), unitNode(c, 0), Infinity);

  const { value, sourceSide } = network.minCut(SOURCE, SINK);
  const placement = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    let tier = 0;
    for (let h = 0; h < levels; h++) if (!sourceSide[unitNode(v, h)]) tier++;
    placement[v] = tier;
  }
  return { placement, value: value + baseValue };
}

function unitCost(problem: PartitionProblem, weights: CutWeights, unit: number, tier: number): number {
  const cell = unit * problem.tiers.length + tier;
  const ms = problem.computeMs[cell]!;
  let cost = weights.latency * ms + weights.energy * problem.computeEnergyMj[cell]!;
  if (weights.tierComputeMs) cost += weights.tierComputeMs[tier]! * ms;
  if (weights.tierWeightBytes) cost += weights.tierWeightBytes[tier]! * problem.units[unit]!.weightBytes;
  return cost;
}

function hopCost(weights: CutWeights, cost: HopCost, hop: number, direction: 'up' | 'down'): number {
  let value = weights.latency * cost.latencyMs + weights.energy * cost.deviceEnergyMj;
  const busy = weights.hopBusyMs?.[hop];
  if (busy) value += busy[direction] * cost.busyMs;
  return value;
}

function unaryTotal(problem: PartitionProblem, weights: CutWeights, placement: Placement): number {
  let total = 0;
  placement.forEach((tier, unit) => (total += unitCost(problem, weights, unit, tier)));
  return total;
}
