/**
 * The Pareto chart's points: the front the solve job traced, each solver's suggestion and the
 * current design, every one evaluated in the page on the design's partition problem (as applying
 * it would leave the design: pins kept), so a point's figures are the figures bar's after Apply.
 */
import { evaluatePlacement, type Evaluation } from '../../../core/partition/evaluate.js';
import type { TierName } from '../../../core/profiles/types.js';
import type { SolveResult, Suggestion } from '../../shared/studio-api.js';
import { placementArray, type DesignProblem } from '../design/figures.js';
import type { Design } from '../store/design-types.js';
import { groupPlans, groupTitle, solversName } from '../suggest/plan-groups.js';
import { effectiveRecord, matchesDesign } from '../suggest/preview-moves.js';

export type ParetoPointKind = 'front' | 'suggestion' | 'current';

export interface ParetoChartPoint {
  /** Unique among the chart's points: `front-3`, `plan-min-cut-0`, `current`. */
  readonly id: string;
  readonly kind: ParetoPointKind;
  /**
   * What the point is called in the legend, tooltip and table ("Front 3 · single split",
   * "min-cut · tiers suggestion": one point per placement, naming every solver that found it).
   */
  readonly name: string;
  /** What applying it records in the history ("Apply Pareto point 3"). */
  readonly applyLabel: string;
  /** Proved best (filled marker) or heuristic (hollow); null for the current design. */
  readonly exact: boolean | null;
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly linkBytes: number;
  /** Layers on the device. */
  readonly deviceLayers: number;
  readonly notes: readonly string[];
  /** The suggestion's placement as sent (previewSuggestion and applySuggestion keep the pins). */
  readonly placement: Readonly<Record<string, TierName>>;
  /** Whether the design is this placement now. */
  readonly applied: boolean;
}

export interface ParetoChartData {
  /** By ascending latency, as the solve job returns them. */
  readonly front: readonly ParetoChartPoint[];
  readonly suggestions: readonly ParetoChartPoint[];
  readonly current: ParetoChartPoint;
  readonly notes: readonly string[];
}

/** What each source of a front point means (core/partition/pareto.ts's `source`). */
const FRONT_SOURCES: Readonly<Record<string, string>> = {
  single: 'single split',
  return: 'split, back to the device',
  tiered: 'device → edge → cloud',
  hull: 'min cut (hull)',
  ranked: 'ranked min cuts',
};

export const frontSourceName = (source: string): string => FRONT_SOURCES[source] ?? source;

function pointOf(
  built: DesignProblem,
  design: Pick<Design, 'placement' | 'pins'>,
  suggestion: Pick<Suggestion, 'placement' | 'exact' | 'notes'> | null,
  fields: Pick<ParetoChartPoint, 'id' | 'kind' | 'name' | 'applyLabel'>,
): ParetoChartPoint {
  const placement = suggestion?.placement ?? design.placement;
  const record = suggestion ? effectiveRecord(design, placement) : placement;
  const evaluation: Evaluation = evaluatePlacement(built.problem, placementArray(built, record));
  return {
    ...fields,
    exact: suggestion ? suggestion.exact : null,
    latencyMs: evaluation.latencyMs,
    deviceEnergyMj: evaluation.deviceEnergyMj,
    linkBytes: evaluation.linkBytes,
    deviceLayers: evaluation.unitsPerTier[0] ?? 0,
    notes: suggestion ? suggestion.notes : [],
    placement,
    applied: suggestion ? matchesDesign(design, placement) : true,
  };
}

export function paretoChartData(
  built: DesignProblem,
  design: Pick<Design, 'placement' | 'pins'>,
  result: Pick<SolveResult, 'plans' | 'pareto'>,
): ParetoChartData {
  const front = (result.pareto?.points ?? []).map((point, i) =>
    pointOf(built, design, point, {
      id: `front-${i + 1}`,
      kind: 'front',
      name: `Front ${i + 1} · ${frontSourceName(point.source)}`,
      applyLabel: `Apply Pareto point ${i + 1}`,
    }),
  );
  // One marker per placement, naming every solver that found it, as the Suggestions table's rows.
  const suggestions = groupPlans(result.plans).map((group) =>
    pointOf(built, design, group, {
      id: `plan-${group.solvers[0]}-${group.firstIndex}`,
      kind: 'suggestion',
      name: `${groupTitle(group)} suggestion`,
      applyLabel: `Apply ${solversName(group)} suggestion`,
    }),
  );
  const current = pointOf(built, design, null, {
    id: 'current',
    kind: 'current',
    name: 'This design',
    applyLabel: '',
  });
  return { front, suggestions, current, notes: result.pareto?.notes ?? [] };
}

/** The difference of a point from the design, signed, for the table ("+1.20 ms"). */
export function signedDelta(value: number, reference: number, format: (v: number) => string): string {
  const delta = value - reference;
  if (Math.abs(delta) < 1e-9 * Math.max(1, Math.abs(reference))) return '±0';
  return `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`;
}

/**
 * An axis domain around `values` with a margin (8 % of their span, or 5 % of the value when they
 * are all equal), so no marker sits on the plot's edge where it would be cut in half.
 */
export function paddedDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const margin = high > low ? (high - low) * 0.08 : Math.abs(low) * 0.05 || 1;
  return [Math.max(0, low - margin), high + margin];
}

/** Both axes' domains over every point of the chart. */
export function paretoDomains(data: ParetoChartData): {
  readonly latencyMs: [number, number];
  readonly deviceEnergyMj: [number, number];
} {
  const all = [...data.front, ...data.suggestions, data.current];
  return {
    latencyMs: paddedDomain(all.map((p) => p.latencyMs)),
    deviceEnergyMj: paddedDomain(all.map((p) => p.deviceEnergyMj)),
  };
}
