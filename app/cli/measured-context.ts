/**
 * `--measured PROFILE.json` on the partition commands: the model's data-dependent layers costed
 * from this machine's measurement table kept beside the calibrated profile
 * (core/profiling/measured-source.ts), and the one line that says what was used.
 */
import type { Analysis } from '../../core/analyze.js';
import type { Shape } from '../../core/graph/types.js';
import type { PartitionSource } from '../../core/partition/source-types.js';
import type { InputValueText } from '../../core/shape/input-values.js';
import {
  fileSha256,
  measurementTablePath,
  readMeasurementTable,
} from '../../core/profiling/measurement-table-file.js';
import { sourceWithTableEntry, tableEntryFor } from '../../core/profiling/measured-source.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';
import { plainName } from '../../core/text/quote-name.js';

export interface MeasuredSource {
  readonly source: PartitionSource;
  /** What was measured and how it is used, or why nothing was (for the command's text). */
  readonly note: string;
}

/**
 * `source` with the data-dependent layers this machine timed (the table beside `profilePath`)
 * costed from their measurement; `source` unchanged, with a note why, when the table holds no
 * measurement of this model at these shapes and input values or the model has no data-dependent
 * layer timed.
 */
export function measuredSource(
  source: PartitionSource,
  analysis: Analysis,
  modelPath: string,
  bindings: Readonly<Record<string, Shape>>,
  profilePath: string,
  inputValues: readonly InputValueText[] = [],
): MeasuredSource {
  const machine = loadDeviceProfile(profilePath);
  const tableFile = measurementTablePath(profilePath);
  const table = readMeasurementTable(tableFile);
  const entry = tableEntryFor(table, fileSha256(modelPath), analysis, bindings, inputValues);
  const where = plainName(tableFile, 300);
  if (!entry) {
    return {
      source,
      note: `${where} holds no measurement of this model at these input shapes${inputValues.length > 0 ? ' and values' : ''} (calibrate on it with \`cutline profile MODEL --save ${plainName(profilePath, 300)}\`); data-dependent layers stay lower bounds`,
    };
  }
  const measured = sourceWithTableEntry(source, entry, machine);
  const count = measured.measured?.units.length ?? 0;
  if (count === 0) return { source, note: `no data-dependent layer of this model is timed in ${where}` };
  const when = entry.measuredAt.slice(0, 16).replace('T', ' ');
  return {
    source: measured,
    note:
      `${count === 1 ? '1 data-dependent layer' : `${count} data-dependent layers`} measured on this machine ${when} UTC (${where}): ` +
      `tiers running ${plainName(machine.name, 200)} take the measured time, other tiers that time × their predicted ÷ this machine's predicted; ` +
      'both hold for inputs like the measured ones',
  };
}
