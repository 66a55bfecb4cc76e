/**
 * A model's data-dependent layers costed from this machine's measurement table
 * (`<profile>.measurements.json`, kept by `cutline profile --save` and the studio's calibration):
 * the entry for the same model file (SHA-256) at the same input shapes gives the layers' times,
 * and the calibrated profile beside the table identifies the tiers that run this machine.
 */
import type { Analysis } from '../analyze.js';
import { withMeasuredUnits } from '../partition/measured-units.js';
import type { PartitionSource } from '../partition/source-types.js';
import type { DeviceProfile } from '../profiles/types.js';
import type { Shape } from '../graph/types.js';
import type { InputValueText } from '../shape/input-values.js';
import { concreteInputShapes } from './feeds.js';
import type { MeasurementTable, ModelMeasurements } from './measurement-table.js';
import { sameValues, valuesKeyOf } from './table-values.js';

/**
 * The newest entry of `table` that measured the model whose file hashes to `modelSha256` at the
 * input shapes `analysis` runs with (unbound dimensions count as 1, as profiling binds them) and
 * fed the same input values (`sr = 16000` runs another branch than random data), or null. Any
 * session options and runs: a median of the layer is what is wanted.
 */
export function tableEntryFor(
  table: MeasurementTable,
  modelSha256: string,
  analysis: Analysis,
  bindings: Readonly<Record<string, Shape>> = {},
  inputValues: readonly InputValueText[] = [],
): ModelMeasurements | null {
  const shapes = concreteInputShapes(analysis.graph, bindings);
  const values = valuesKeyOf(inputValues);
  const entries = table.models
    .filter(
      (m) =>
        m.key.modelSha256 === modelSha256 &&
        sameShapes(m.key.inputShapes, shapes) &&
        sameValues(m.key.inputValues, values),
    )
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt));
  return entries[0] ?? null;
}

/**
 * `source` with its data-dependent units costed from `entry`, measured on the machine whose
 * calibrated profile is `machine` (see core/partition/measured-units.ts).
 */
export function sourceWithTableEntry(
  source: PartitionSource,
  entry: ModelMeasurements,
  machine: DeviceProfile,
): PartitionSource {
  const byName = new Map(entry.nodes.map((n) => [n.name, n.medianMs]));
  return withMeasuredUnits(source, {
    machine,
    measuredAt: entry.measuredAt,
    nodeMs: (name) => byName.get(name) ?? null,
  });
}

function sameShapes(
  a: Readonly<Record<string, readonly number[]>>,
  b: Readonly<Record<string, readonly number[]>>,
): boolean {
  const names = Object.keys(a);
  return (
    names.length === Object.keys(b).length &&
    names.every((name) => {
      const x = a[name];
      const y = b[name];
      return x !== undefined && y !== undefined && x.length === y.length && x.every((d, i) => d === y[i]);
    })
  );
}
