/**
 * The partition problem from a model's units and tensors (source-types.ts) and a topology: pure
 * and free of the analysis, so the CLI (through build-problem.ts) and the studio's page build the
 * same problem from the same JSON.
 */
import { layoutCopyMs, predictComputeMs } from '../predict/compute-time.js';
import { transferDeviceEnergyMj, transferMs } from '../predict/transfer.js';
import type { DeviceProfile, LinkProfile, Topology } from '../profiles/types.js';
import {
  unitDepths,
  type HopCost,
  type PartitionProblem,
  type PartitionTensor,
  type CutCopyCosts,
  type SegmentCost,
  type SplitFusion,
} from './problem.js';
import { applyMeasurements } from './measured-units.js';
import type { PartitionSource } from './source-types.js';

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
  const powerW = devicePowerW(topology);
  source.units.forEach((unit, u) => {
    tiers.forEach((tier, t) => {
      const ms = predictComputeMs(tier.device, tier.precision, unit.work);
      computeMs[u * k + t] = ms;
      computeEnergyMj[u * k + t] = powerW[t]! * ms;
    });
  });
  // Data-dependent layers a calibration timed: their measured (or scaled) time in place of the bound.
  const measured = applyMeasurements(
    source.measured,
    topology,
    unitCount,
    computeMs,
    computeEnergyMj,
    powerW,
  );

  const splitFusion = splitFusionOf(source, topology, computeMs, powerW);
  const cutCopies = cutCopyCostsOf(source, topology, powerW);

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
      ...(unit.dataDependent ? { dataDependent: unit.dataDependent } : {}),
      ...(measured.has(u) ? { measured: measured.get(u)! } : {}),
    })),
    computeMs,
    computeEnergyMj,
    tensors,
    up,
    down,
    memoryBytes: tiers.map((t) => t.device.memoryBytes),
    wanHop: Math.max(-1, tiers.findIndex((t) => t.name === 'cloud') - 1),
    ...segmentCostOf(topology, powerW),
    ...(splitFusion ? { splitFusion } : {}),
    ...(cutCopies ? { cutCopies } : {}),
  };
}

/** Per tier, the device's power while that tier works, W: active on the device, idle elsewhere. */
function devicePowerW(topology: Topology): number[] {
  const device = topology.tiers[0]!.device;
  return topology.tiers.map((_, t) => (t === 0 ? device.activePowerW : device.idlePowerW));
}

/** The tiers' fixed segment costs, or nothing when no device has any (the bundled profiles). */
function segmentCostOf(topology: Topology, powerW: readonly number[]): { segmentCost?: SegmentCost } {
  const tiers = topology.tiers;
  if (!tiers.some((t) => t.device.segmentOverheadMs || t.device.tensorOverheadMs)) return {};
  return {
    segmentCost: {
      runMs: tiers.map((t) => t.device.segmentOverheadMs ?? 0),
      tensorMs: tiers.map((t) => t.device.tensorOverheadMs ?? 0),
      devicePowerW: powerW,
    },
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
 * What each fused unit costs on each tier when a placement cuts it off its kernel's unit: its own
 * kernel's time less what it costs fused. Absent when no tier costs fusion (roofline profiles
 * cost every unit alone already).
 */
function splitFusionOf(
  source: PartitionSource,
  topology: Topology,
  computeMs: Float64Array,
  power: readonly number[],
): SplitFusion | undefined {
  const tiers = topology.tiers;
  const k = tiers.length;
  // Only a kernel-level profile costs a fused unit as nothing; the roofline costs each alone.
  if (!tiers.some((tier) => tier.device.kernelModels)) return undefined;
  const fused = source.units.flatMap((unit, u) =>
    unit.fusedInto !== undefined && unit.alone ? [{ u, anchor: unit.fusedInto, alone: unit.alone }] : [],
  );
  if (fused.length === 0) return undefined;
  const extraMs = new Float64Array(fused.length * k);
  const extraEnergyMj = new Float64Array(fused.length * k);
  let any = false;
  fused.forEach(({ u, alone }, i) => {
    tiers.forEach((tier, t) => {
      const extra = Math.max(0, predictComputeMs(tier.device, tier.precision, alone) - computeMs[u * k + t]!);
      extraMs[i * k + t] = extra;
      extraEnergyMj[i * k + t] = power[t]! * extra;
      if (extra > 0) any = true;
    });
  });
  if (!any) return undefined;
  return {
    units: Int32Array.from(fused, (f) => f.u),
    anchors: Int32Array.from(fused, (f) => f.anchor),
    extraMs,
    extraEnergyMj,
  };
}

/**
 * The layout copies a cut through each tensor adds on each tier (see `CutCopyCosts`): on a tier
 * whose device computes channels in blocks of 8 or 16 and has a data movement model. Absent when
 * no tier has one or no tensor would be copied.
 */
function cutCopyCostsOf(
  source: PartitionSource,
  topology: Topology,
  power: readonly number[],
): CutCopyCosts | undefined {
  const tiers = topology.tiers;
  const k = tiers.length;
  const blocks = tiers.map((tier) => {
    const block = tier.device.channelBlock;
    return (block === 8 || block === 16) && tier.device.kernelModels?.dataMovement ? block : undefined;
  });
  if (blocks.every((b) => b === undefined)) return undefined;
  const copied = source.tensors.flatMap((tensor, t) => (tensor.layoutCopies ? [t] : []));
  if (copied.length === 0) return undefined;
  const row = new Int32Array(source.tensors.length).fill(-1);
  const outMs = new Float64Array(copied.length * k);
  const inMs = new Float64Array(copied.length * k);
  const outEnergyMj = new Float64Array(copied.length * k);
  const inEnergyMj = new Float64Array(copied.length * k);
  copied.forEach((t, r) => {
    row[t] = r;
    const tensor = source.tensors[t]!;
    tiers.forEach((tier, i) => {
      const block = blocks[i];
      const copies = block === undefined ? undefined : tensor.layoutCopies![block];
      if (!copies) return;
      const ms = layoutCopyMs(tier.device, 1, tensor.bytes);
      if (copies.out) outMs[r * k + i] = ms;
      if (copies.in) inMs[r * k + i] = ms;
      outEnergyMj[r * k + i] = power[i]! * outMs[r * k + i]!;
      inEnergyMj[r * k + i] = power[i]! * inMs[r * k + i]!;
    });
  });
  return { row, outMs, inMs, outEnergyMj, inEnergyMj };
}
