/**
 * Whether a data-dependent layer's figure on its tier comes from this machine's calibration
 * (core/partition/measured-units.ts): `measured` where the tier runs the calibrated machine,
 * `scaled` on another device. The badges and the details then say so instead of `≥`.
 */
import type { MeasuredMark, PartitionProblem, PartitionUnit } from '../../../core/partition/problem.js';
import type { TierName } from '../../../core/profiles/types.js';
import { selectCommittedProblem, selectDesignFigures, type DesignFigures } from '../design/figures.js';
import type { Store } from '../store/store.js';

/** How the layer's time on tier `tier` was derived from a measurement, or undefined when it was not. */
export function selectMeasuredMark(state: Store, layerId: string, tier: TierName): MeasuredMark | undefined {
  const built = selectCommittedProblem(state);
  const unit = built?.unitOf.get(layerId);
  if (!built || unit === undefined) return undefined;
  const measured = built.problem.units[unit]?.measured;
  if (!measured) return undefined;
  const t = built.problem.tiers.indexOf(tier);
  return measured.perTier[t] ?? undefined;
}

/** What a measured or scaled time means, for its badge's and details' tooltip. */
export function measuredMarkTitle(mark: MeasuredMark, tierTitle: string, day: string | null): string {
  const when = day ? ` (calibration ${day})` : '';
  return mark === 'measured'
    ? `Measured on this machine${when}: the ${tierTitle} runs this machine's calibrated profile, so its time is the measured median. It holds for inputs like the measured one.`
    : `Scaled from a measurement on this machine${when}: the measured median × the ${tierTitle}'s predicted time ÷ this machine's. It holds for inputs like the measured one.`;
}

export interface DataDependentCounts {
  /** Data-dependent layers still lower bounds: no measurement costs them on the tier they run on. */
  readonly bounded: number;
  /** Data-dependent layers costed from a measurement (measured or scaled) on their tier. */
  readonly measured: number;
}

const countsOf = new WeakMap<DesignFigures, DataDependentCounts>();

/** The data-dependent layers of `figures`' placement, bounded and measured (kept per figures). */
export function dataDependentCounts(figures: DesignFigures): DataDependentCounts {
  let counts = countsOf.get(figures);
  if (!counts) {
    let bounded = 0;
    let measured = 0;
    const { units } = figures.problem;
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!;
      if (!unit.dataDependent) continue;
      if (unit.measured?.perTier[figures.placement[u]!]) measured++;
      else bounded++;
    }
    counts = { bounded, measured };
    countsOf.set(figures, counts);
  }
  return counts;
}

/** How many data-dependent layers the figures on screen still count as lower bounds (the note beside them). */
export function selectBoundedDataDependentCount(state: Store): number {
  const figures = selectDesignFigures(state);
  return figures ? dataDependentCounts(figures).bounded : 0;
}

/**
 * Whether a unit's time is a lower bound on some tier: data-dependent and not costed there from a
 * measurement. A unit measured on every tier is a bound nowhere, whatever the placement.
 */
export function boundSomewhere(unit: PartitionUnit): boolean {
  return (
    unit.dataDependent !== undefined && (!unit.measured || unit.measured.perTier.some((m) => m === null))
  );
}

const boundUnitCounts = new WeakMap<PartitionProblem, number>();

/**
 * How many data-dependent layers of the design's problem a placement may still run as lower bounds
 * (`boundSomewhere`): the Suggestions table marks its plans' figures `≥` when any may.
 */
export function selectBoundDataDependentUnits(state: Store): number {
  const problem = selectCommittedProblem(state)?.problem;
  if (!problem) return 0;
  let count = boundUnitCounts.get(problem);
  if (count === undefined) {
    count = problem.units.reduce((n, unit) => n + (boundSomewhere(unit) ? 1 : 0), 0);
    boundUnitCounts.set(problem, count);
  }
  return count;
}
