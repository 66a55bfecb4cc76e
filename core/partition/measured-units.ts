/**
 * Data-dependent layers costed from a measurement. A NonMaxSuppression's static cost counts every
 * run-time size as 1, so alone it is only a lower bound; once a calibration timed the layer on
 * some machine (its measurement table, for this model at these input shapes), that time is the
 * better figure:
 *
 * - on a tier whose device IS that machine's calibrated profile, the layer's time is the measured
 *   median itself (`measured`);
 * - on any other tier it is the measurement scaled by the ratio of the tier's predicted time to
 *   the measuring machine's predicted time for the same layer, both at the same assumed sizes, so
 *   the ratio carries only the difference between the devices (`scaled`).
 *
 * Either holds for inputs like the measured ones (as many boxes kept, say): the layer is still
 * data-dependent, but no longer a bare lower bound. The solvers and `evaluatePlacement` read the
 * result through `computeMs` like any other cost, so nothing on the drag path changes.
 */
import { predictComputeMs } from '../predict/compute-time.js';
import { PROFILE_NUMBER_MAX, type DeviceProfile, type Topology } from '../profiles/types.js';
import type { MeasuredMark, UnitMeasured } from './problem.js';
import type { MeasuredUnit, PartitionSource, SourceMeasurements } from './source-types.js';

/**
 * The least a kernel takes in an onnxruntime session on any CPU, ms: what the measuring machine's
 * prediction is floored to before it divides. A kernel-level fit can predict a tiny layer at
 * ~1e-6 ms (its kind's fixed cost fitted to zero); a 5 µs ReduceSum scaled by that ratio read
 * 122 ms on a V100 tier.
 */
export const MIN_RATIO_DENOMINATOR_MS = 0.001;

/** The calibrated profile's id (core/profiling/calibrate.ts names every calibration so). */
export const THIS_MACHINE_PROFILE_ID = 'this-machine';

/** Whether `device` is the calibrated profile of the machine `measurements` were taken on. */
export function isMeasuringMachine(device: DeviceProfile, measurements: SourceMeasurements): boolean {
  return device.id === THIS_MACHINE_PROFILE_ID && device.name === measurements.machine;
}

/**
 * Replaces the compute time (and the device energy it implies) of every measured unit on every
 * tier, in place, and returns how each was derived, by unit index. A unit given twice, out of
 * range, or with a measurement that is not a non-negative number within `PROFILE_NUMBER_MAX` is
 * left as predicted.
 *
 * @param powerW per tier, the device's power while that tier computes (mJ per ms).
 */
export function applyMeasurements(
  measurements: SourceMeasurements | undefined,
  topology: Topology,
  unitCount: number,
  computeMs: Float64Array,
  computeEnergyMj: Float64Array,
  powerW: readonly number[],
): ReadonlyMap<number, UnitMeasured> {
  const marks = new Map<number, UnitMeasured>();
  if (!measurements) return marks;
  const k = topology.tiers.length;
  const here = topology.tiers.map((tier) => isMeasuringMachine(tier.device, measurements));
  for (const { unit, measuredMs, predictedMs } of measurements.units) {
    if (!Number.isInteger(unit) || unit < 0 || unit >= unitCount || marks.has(unit)) continue;
    if (!Number.isFinite(measuredMs) || measuredMs < 0 || measuredMs > PROFILE_NUMBER_MAX) continue;
    // A ratio needs a positive prediction on the measuring machine; without one only that
    // machine's own tiers can take the measurement.
    const scalable = Number.isFinite(predictedMs) && predictedMs > 0;
    const perTier: (MeasuredMark | null)[] = [];
    for (let t = 0; t < k; t++) {
      const cell = unit * k + t;
      const ms = here[t]
        ? measuredMs
        : scalable
          ? (measuredMs * computeMs[cell]!) / Math.max(predictedMs, MIN_RATIO_DENOMINATOR_MS)
          : null;
      // A ratio over a vanishing prediction (1e-200 ms) is no figure: beyond what any profile may
      // say (PROFILE_NUMBER_MAX), the bound stands.
      if (ms === null || !Number.isFinite(ms) || ms > PROFILE_NUMBER_MAX) {
        perTier.push(null);
        continue;
      }
      computeMs[cell] = ms;
      computeEnergyMj[cell] = powerW[t]! * ms;
      perTier.push(here[t] ? 'measured' : 'scaled');
    }
    marks.set(unit, { measuredMs, measuredAt: measurements.measuredAt, perTier });
  }
  return marks;
}

export interface UnitTimings {
  /** The measuring machine's calibrated profile (its name identifies the tiers that run it). */
  readonly machine: DeviceProfile;
  /** ISO 8601 time of the measurement. */
  readonly measuredAt: string;
  /** A node's median kernel time on that machine, ms, or null when it was not timed. */
  readonly nodeMs: (nodeName: string) => number | null;
}

/**
 * `source` with its data-dependent units costed from `timings` (`PartitionSource.measured`): a
 * unit's measured time is the sum over its nodes (`SourceUnit.nodes`) the profiler timed, and the
 * machine's predicted time for it is what its profile predicts (fp32, as it was measured). The
 * same `source` when no data-dependent unit was timed.
 */
export function withMeasuredUnits(source: PartitionSource, timings: UnitTimings): PartitionSource {
  const units: MeasuredUnit[] = [];
  source.units.forEach((unit, u) => {
    if (!unit.dataDependent) return;
    let measuredMs = 0;
    let timed = false;
    for (const node of unit.nodes ?? [unit.name]) {
      const ms = timings.nodeMs(node);
      if (ms === null) continue;
      measuredMs += ms;
      timed = true;
    }
    if (!timed) return;
    units.push({ unit: u, measuredMs, predictedMs: predictComputeMs(timings.machine, 'fp32', unit.work) });
  });
  if (units.length === 0) return source;
  return { ...source, measured: { machine: timings.machine.name, measuredAt: timings.measuredAt, units } };
}
