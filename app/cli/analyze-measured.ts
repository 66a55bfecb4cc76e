/**
 * `cutline analyze MODEL --measured PROFILE.json`: beside each layer's costs, the time this
 * machine measured for it (the measurement table `cutline profile --save PROFILE.json` kept) and
 * what the calibrated profile predicts for it. A layer's time is its node's kernel plus those of
 * the plumbing folded into it; a model the table does not hold (other bytes or input shapes) says
 * so in one line instead of showing empty columns.
 *
 * A kernel-level profile (`--kernels`) predicts the kernels a tier runs, fused, so it is held
 * against the kernel timings kept for the model (kernel-comparison.ts), not the unoptimised
 * per-node table: a layer fused into another's kernel reads "fused into" that layer.
 */
import type { Analysis } from '../../core/analyze.js';
import { layerWork, predictComputeMs } from '../../core/predict/roofline.js';
import {
  fileSha256,
  measurementTablePath,
  readMeasurementTable,
} from '../../core/profiling/measurement-table-file.js';
import type { ModelMeasurements } from '../../core/profiling/measurement-table.js';
import { compareKernels, findKernelEntry } from '../../core/profiling/kernel-comparison.js';
import type { DeviceProfile } from '../../core/profiles/types.js';
import { sameValues, valuesKeyOf, type ValuesKey } from '../../core/profiling/table-values.js';
import type { InputValueText } from '../../core/shape/input-values.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';
import { plainName } from '../../core/text/quote-name.js';

export interface MeasuredColumns {
  /** Per layer (in `analysis.layers.layers` order): measured and predicted ms, or null. */
  readonly layers: readonly {
    readonly measuredMs: number | null;
    readonly predictedMs: number;
    /** Kernel-level: the layer whose kernel runs this one's work (no figures of its own). */
    readonly fusedInto?: string;
    /** Its row in the layer table (the "#" column). */
    readonly fusedIntoLayer?: number;
  }[];
  /** The line above the table: what was measured when, or why nothing was found. */
  readonly note: string;
  /** False when the table holds no measurement of this model at these shapes. */
  readonly found: boolean;
  /** What was measured: each node unoptimised, or each kernel as a tier runs it (kernel-level profile). */
  readonly basis: 'nodes' | 'kernels';
}

/** @param inputValues the values the analysis was made with: a kept timing holds for the same values only. */
export function measuredColumns(
  modelPath: string,
  analysis: Analysis,
  profilePath: string,
  inputValues: readonly InputValueText[] = [],
): MeasuredColumns {
  const profile = loadDeviceProfile(profilePath);
  const tableFile = measurementTablePath(profilePath);
  const table = readMeasurementTable(tableFile);
  const sha = fileSha256(modelPath);
  const shapes = Object.fromEntries(
    analysis.summary.inputs.map((input) => [
      input.name,
      input.shape?.map((d) => (typeof d === 'number' ? d : 1)),
    ]),
  );
  const values = valuesKeyOf(inputValues);
  if (profile.kernelModels)
    return kernelColumns(analysis, profile, table.kernels ?? [], { sha, shapes, values }, profilePath);
  const entry =
    table.models.find(
      (m) => m.key.modelSha256 === sha && sameShapes(m, shapes) && sameValues(m.key.inputValues, values),
    ) ?? null;
  const byName = new Map((entry?.nodes ?? []).map((n) => [n.name, n.medianMs]));
  const layers = analysis.layers.layers.map((layer) => {
    const times = [layer.node, ...layer.hidden].flatMap((index) => {
      const ms = byName.get(analysis.graph.nodes[index]!.name);
      return ms === undefined || ms === null ? [] : [ms];
    });
    return {
      measuredMs: times.length > 0 ? times.reduce((a, b) => a + b, 0) : null,
      predictedMs: predictComputeMs(profile, 'fp32', layerWork(analysis, layer)),
    };
  });
  const where = plainName(tableFile, 300);
  return entry
    ? {
        layers,
        found: true,
        basis: 'nodes',
        note: `measured on this machine ${entry.measuredAt.slice(0, 16).replace('T', ' ')} UTC (${entry.runs} runs, medians; ${where}); predicted by ${plainName(profile.name)}`,
      }
    : {
        layers,
        found: false,
        basis: 'nodes',
        note: `${where} holds no measurement of this model at these input shapes: calibrate on it with \`cutline profile MODEL --save ${plainName(profilePath, 300)}\`; predicted by ${plainName(profile.name)}`,
      };
}

/** The kernel-level profile against the kernel timings kept for the model. */
function kernelColumns(
  analysis: Analysis,
  profile: DeviceProfile,
  kernels: Parameters<typeof findKernelEntry>[0],
  model: {
    readonly sha: string;
    readonly shapes: Record<string, (number | undefined)[] | undefined>;
    readonly values: ValuesKey | undefined;
  },
  profilePath: string,
): MeasuredColumns {
  const bound = Object.fromEntries(
    Object.entries(model.shapes).map(([name, dims]) => [name, (dims ?? []).map((d) => d ?? -1)]),
  );
  const entry = findKernelEntry(kernels, model.sha, bound, model.values);
  const c = compareKernels(analysis, entry, profile);
  const rowOf = new Map(analysis.layers.layers.map((layer, k) => [layer.name, k]));
  const layers = c.layers.map(({ name: _name, opType: _op, ...times }) => {
    const row = times.fusedInto === undefined ? undefined : rowOf.get(times.fusedInto);
    return row === undefined ? times : { ...times, fusedIntoLayer: row };
  });
  const where = plainName(measurementTablePath(profilePath), 300);
  if (!c.timing) {
    return {
      layers,
      found: false,
      basis: 'kernels',
      note: `${where} holds no kernel timing of this model at these input shapes, which the kernel-level profile must be held against: calibrate on it with \`cutline profile MODEL --kernels --save ${plainName(profilePath, 300)}\`; predicted by ${plainName(profile.name)}`,
    };
  }
  const t = c.timing;
  const threads =
    t.intraOpThreads === null
      ? "onnxruntime's default threads"
      : `${t.intraOpThreads} thread${t.intraOpThreads === 1 ? '' : 's'}`;
  return {
    layers,
    found: true,
    basis: 'kernels',
    note: `kernels as a tier runs them (graph optimisations on, ${threads}), measured on this machine ${t.measuredAt.slice(0, 16).replace('T', ' ')} UTC (${t.runs} runs, medians; ${where}); predicted by the kernel-level predictor of ${plainName(profile.name)}; a fused layer runs in its anchor's kernel; Σ measured ${ms(c.measuredSumMs)} against Σ predicted ${ms(c.predictedSumMs)}, layout reorders ${ms(t.boundaryMs)} more`,
  };
}

function sameShapes(
  entry: ModelMeasurements,
  shapes: Record<string, (number | undefined)[] | undefined>,
): boolean {
  const names = Object.keys(entry.key.inputShapes);
  return (
    names.length === Object.keys(shapes).length &&
    names.every((name) => {
      const want = shapes[name];
      const had = entry.key.inputShapes[name]!;
      return want !== undefined && want.length === had.length && had.every((d, i) => d === want[i]);
    })
  );
}

const ms = (value: number): string =>
  value >= 100
    ? `${value.toFixed(0)} ms`
    : value >= 1
      ? `${value.toFixed(2)} ms`
      : `${(value * 1000).toFixed(1)} µs`;

/** A layer's two cells: measured ('-' when unmeasured) and predicted. */
export function timeCells(layer: MeasuredColumns['layers'][number] | undefined): string[] {
  if (!layer) return ['-', '-'];
  // The anchor's row number keeps the column narrow; --json names it (fusedInto).
  if (layer.fusedInto !== undefined)
    return [layer.fusedIntoLayer !== undefined ? `fused into #${layer.fusedIntoLayer}` : 'fused', '-'];
  return [layer.measuredMs === null ? '-' : ms(layer.measuredMs), ms(layer.predictedMs)];
}
