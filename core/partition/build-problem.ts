/**
 * From an analysed model and a topology to the partition problem: the layers of the layer view
 * are the units (plumbing travels with the layer it feeds, see source.ts), their compute on every
 * tier comes from the roofline predictor, and every layer edge's transfer over every hop from the
 * link model.
 */
import type { Analysis } from '../analyze.js';
import type { NodeIndex } from '../graph/types.js';
import { predictComputeMs } from '../predict/roofline.js';
import { transferDeviceEnergyMj, transferMs } from '../predict/transfer.js';
import type { DeviceProfile, LinkProfile, Topology } from '../profiles/types.js';
import type { Placement } from './placement.js';
import { unitDepths, type HopCost, type PartitionProblem, type PartitionTensor } from './problem.js';
import { partitionSource, type PartitionSource } from './source.js';

export interface BuiltProblem {
  readonly problem: PartitionProblem;
  /** Layer node of each unit. */
  readonly unitNodes: readonly NodeIndex[];
}

/**
 * The problem of an analysed model on a topology: `problemFromSource(partitionSource(analysis))`.
 */
export function buildPartitionProblem(analysis: Analysis, topology: Topology): BuiltProblem {
  const { source, unitNodes } = partitionSource(analysis);
  return { problem: problemFromSource(source, topology), unitNodes };
}

/**
 * The partition problem of a model's units and tensors on a topology: every unit's compute on
 * every tier from the roofline predictor, every tensor's transfer over every hop from the link
 * model. Pure and fast (O(units × tiers + tensors × hops)): the studio calls it on every edit of
 * a link or a device.
 *
 * Device energy follows DOMAIN.md: active power while the device computes, idle power while it
 * waits (another tier computes, data moves), plus the radio's energy while it sends or receives.
 */
export function problemFromSource(source: PartitionSource, topology: Topology): PartitionProblem {
  const tiers = topology.tiers;
  const k = tiers.length;
  const device = tiers[0]!.device;
  const unitCount = source.units.length;
  const computeMs = new Float64Array(unitCount * k);
  const computeEnergyMj = new Float64Array(unitCount * k);
  source.units.forEach((unit, u) => {
    tiers.forEach((tier, t) => {
      const ms = predictComputeMs(tier.device, tier.precision, unit.work);
      computeMs[u * k + t] = ms;
      computeEnergyMj[u * k + t] = (t === 0 ? device.activePowerW : device.idlePowerW) * ms;
    });
  });

  const tensors: PartitionTensor[] = [];
  const up: HopCost[][] = [];
  const down: HopCost[][] = [];
  for (const tensor of source.tensors) {
    tensors.push({
      name: tensor.name,
      bytes: tensor.bytes,
      producer: tensor.producer,
      consumers: Int32Array.from(tensor.consumers),
      isOutput: tensor.isOutput,
      ...(tensor.shapeOnly ? { shapeOnly: true } : {}),
    });
    const hop = (h: number, direction: 'up' | 'down'): HopCost => {
      const link = topology.hops[h]!;
      const latencyMs = transferMs(link, tensor.bytes, direction);
      return {
        latencyMs,
        busyMs: Math.max(0, latencyMs - (tensor.bytes > 0 ? link.rttMs / 2 : 0)),
        deviceEnergyMj:
          h === 0
            ? firstHopEnergyMj(link, device, tensor.bytes, direction, latencyMs)
            : device.idlePowerW * latencyMs,
      };
    };
    up.push(topology.hops.map((_, h) => hop(h, 'up')));
    down.push(topology.hops.map((_, h) => hop(h, 'down')));
  }

  const depth = unitDepths(unitCount, tensors);
  return {
    tiers: tiers.map((t) => t.name),
    units: source.units.map((unit, u) => ({
      name: unit.name,
      depth: depth[u]!,
      weightBytes: unit.weightBytes,
    })),
    computeMs,
    computeEnergyMj,
    tensors,
    up,
    down,
    memoryBytes: tiers.map((t) => t.device.memoryBytes),
    wanHop: Math.max(-1, tiers.findIndex((t) => t.name === 'cloud') - 1),
  };
}

/**
 * Device energy while it sends or receives over the first hop: idle power for the time plus the
 * radio's own energy (a link's nJ/byte or the radio's extra power × time). A link with measured
 * energy points, or a device with no radio figure (its active power stands in), already gives the
 * whole board's energy.
 */
function firstHopEnergyMj(
  link: LinkProfile,
  device: DeviceProfile,
  bytes: number,
  direction: 'up' | 'down',
  latencyMs: number,
): number {
  const transfer = transferDeviceEnergyMj(link, device, bytes, direction);
  const measured = link.measured?.some((p) => p.deviceEnergyMj !== undefined) ?? false;
  const radioFigure =
    (direction === 'up' ? link.txEnergyNjPerByte : link.rxEnergyNjPerByte) !== undefined ||
    (direction === 'up' ? device.radioTxPowerW : device.radioRxPowerW) !== undefined;
  return !measured && radioFigure ? device.idlePowerW * latencyMs + transfer : transfer;
}

/**
 * Node name → tier name for every node of the main graph: a layer's hidden plumbing runs where the
 * layer runs; plumbing that feeds no layer runs on the device.
 */
export function nodePlacement(
  analysis: Analysis,
  built: BuiltProblem,
  placement: Placement,
): Record<string, string> {
  const tierOfLayer = new Map<NodeIndex, number>();
  built.unitNodes.forEach((node, u) => tierOfLayer.set(node, placement[u]!));
  const names = built.problem.tiers;
  const result: Record<string, string> = {};
  for (const node of analysis.graph.nodes) {
    const owner = analysis.layers.owner.get(node.index);
    const tier = owner === undefined ? 0 : (tierOfLayer.get(owner) ?? 0);
    result[node.name] = names[tier]!;
  }
  return result;
}
