/**
 * The open model's partition source as the design's figures cost it: the host's source, with
 * the data-dependent layers this machine's calibration timed (the This machine tab, or the one
 * kept in the config folder) costed from their measurement (core/partition/measured-units.ts).
 * The figures bar, the graph's badges, the cut lines and the solvers' requests all read it, so
 * they agree with `cutline solve --measured`.
 */
import { withMeasuredUnits } from '../../../core/partition/measured-units.js';
import type { PartitionSource, SourceMeasurements } from '../../../core/partition/source-types.js';
import { selectCalibration, type CalibrationRecord } from '../run/run-slice.js';
import type { Store } from '../store/store-types.js';

/**
 * The source each calibration was first shown with: a calibration times the model at the shapes
 * it was analysed with, so after a re-analysis (other bindings or values) it no longer applies
 * until the model is calibrated again (a kept one answers in a second).
 */
const calibratedSource = new WeakMap<CalibrationRecord, PartitionSource>();

let memo: { source: PartitionSource; record: CalibrationRecord | null; value: PartitionSource } | null = null;

/** The open model's source with its measured data-dependent layers; null before a model is open. */
export function selectCostedSource(state: Store): PartitionSource | null {
  const source = state.opened?.partition;
  if (!source) return null;
  const record = selectCalibration(state);
  if (memo?.source === source && memo.record === record) return memo.value;
  if (record && !calibratedSource.has(record)) calibratedSource.set(record, source);
  const value =
    record && calibratedSource.get(record) === source && source.units.some((u) => u.dataDependent)
      ? withMeasuredUnits(source, timingsOf(record))
      : source;
  memo = { source, record, value };
  return value;
}

/** The measurements the figures use (what a solve request sends to the host), or undefined. */
export function selectSourceMeasurements(state: Store): SourceMeasurements | undefined {
  return selectCostedSource(state)?.measured;
}

function timingsOf(record: CalibrationRecord) {
  const byName = new Map(record.result.layers.map((l) => [l.name, l.measuredMs]));
  return {
    machine: record.result.profile,
    measuredAt: record.result.measuredAt ?? '',
    nodeMs: (name: string) => byName.get(name) ?? null,
  };
}
