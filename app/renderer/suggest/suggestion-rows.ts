/**
 * The Suggestions table's rows: the current design, then each placement the solvers found (one
 * row naming every solver that found it, plan-groups.ts), with figures
 * evaluated in the page on the design's partition problem (so they are the figures bar's, to
 * the last digit, when the row is applied).
 */
import { isCutlineError } from '../../../core/errors.js';
import { parseConstraints } from '../../../core/partition/constraint-text.js';
import { violations } from '../../../core/partition/constraints.js';
import { evaluatePlacement, type Evaluation } from '../../../core/partition/evaluate.js';
import type { TierName } from '../../../core/profiles/types.js';
import type { Suggestion } from '../../shared/studio-api.js';
import { placementArray, type DesignProblem } from '../design/figures.js';
import type { Design } from '../store/design-types.js';
import { groupPlans, groupTitle, solversName } from './plan-groups.js';
import { effectiveRecord, matchesDesign } from './preview-moves.js';
import type { SortKey } from './sort.js';

export interface SuggestionRow {
  readonly key: string;
  /**
   * The solvers that found it (`min-cut`, `single-split · min-cut`, with " (all agree)" when every
   * solver did), or "Current design".
   */
  readonly solver: string;
  /** Each solver that found it, in the plans' order; empty for the current design. */
  readonly solvers: readonly string[];
  /** Whether every solver that answered found it (and there were several). */
  readonly allAgree: boolean;
  readonly isCurrent: boolean;
  /** Proved best (true), heuristic (false); null for the current design. */
  readonly exact: boolean | null;
  readonly notes: readonly string[];
  /** What applying it records ("Apply min-cut suggestion"). */
  readonly label: string;
  /** What the figures bar calls its preview ("min-cut suggestion"). */
  readonly previewLabel: string;
  readonly placement: Readonly<Record<string, TierName>>;
  readonly evaluation: Evaluation;
  /** Whether the design is this placement now. */
  readonly applied: boolean;
}

const evaluations = new WeakMap<object, { built: DesignProblem; evaluation: Evaluation }>();

/** The evaluation of a placement record on the design problem, kept per record. */
function evaluationOf(built: DesignProblem, record: Readonly<Record<string, TierName>>): Evaluation {
  const known = evaluations.get(record);
  if (known?.built === built) return known.evaluation;
  const evaluation = evaluatePlacement(built.problem, placementArray(built, record));
  evaluations.set(record, { built, evaluation });
  return evaluation;
}

/**
 * What the design breaks of the constraints the solvers were given (`cutline solve --constraint`
 * text), in the CLI's words: "latency deadline: takes 27.67 ms, 27.17 ms over the 0.5 ms deadline".
 */
export function brokenConstraints(
  built: DesignProblem,
  constraintTexts: readonly string[],
  evaluation: Evaluation,
  placement: Readonly<Record<string, TierName>>,
): string[] {
  let constraints;
  try {
    constraints = parseConstraints(constraintTexts, built.problem);
  } catch (error) {
    // Text the page wrote itself; a model re-analysed since may lack a pinned layer.
    if (isCutlineError(error)) return [error.message];
    throw error;
  }
  const broken = violations(built.problem, constraints, evaluation).map(
    (v) => `${v.constraint}: ${v.message}`,
  );
  if (constraints.allowedTiers) {
    const allowed = new Set([0, ...constraints.allowedTiers]);
    const used = placementArray(built, placement);
    const off = built.problem.tiers.filter((_, t) => !allowed.has(t) && used.includes(t));
    if (off.length > 0) broken.push(`uses the ${off.join(' and the ')}, which the solvers may not`);
  }
  return broken;
}

/**
 * The rows: the current design first (its notes say which of `constraintTexts` it breaks), then
 * each plan.
 */
export function suggestionRows(
  built: DesignProblem,
  design: Pick<Design, 'placement' | 'pins'>,
  plans: readonly Suggestion[],
  constraintTexts: readonly string[] = [],
): SuggestionRow[] {
  const current = evaluationOf(built, design.placement);
  const rows: SuggestionRow[] = [
    {
      key: 'current',
      solver: 'Current design',
      solvers: [],
      allAgree: false,
      isCurrent: true,
      exact: null,
      notes: brokenConstraints(built, constraintTexts, current, design.placement).map((b) => `breaks ${b}`),
      label: 'Current design',
      previewLabel: 'Current design',
      placement: design.placement,
      evaluation: current,
      applied: false,
    },
  ];
  for (const group of groupPlans(plans)) {
    // Evaluated as applying would leave it (pins kept), so the row equals the figures after Apply.
    const record = effectiveRecord(design, group.placement);
    const name = solversName(group);
    rows.push({
      key: `${group.solvers[0]}:${group.firstIndex}`,
      solver: groupTitle(group),
      solvers: group.solvers,
      allAgree: group.allAgree,
      isCurrent: false,
      exact: group.exact,
      notes: group.notes,
      label: `Apply ${name} suggestion`,
      previewLabel: `${name} suggestion`,
      placement: group.placement,
      evaluation: evaluationOf(built, record),
      applied: matchesDesign(design, group.placement),
    });
  }
  return rows;
}

/** Sort keys of the table's columns (`hop-H` for the bytes on hop H). */
export function suggestionSortKey(row: SuggestionRow, column: string): SortKey {
  const e = row.evaluation;
  switch (column) {
    case 'solver':
      return row.solver;
    case 'latency':
      return e.latencyMs;
    case 'throughput':
      return e.throughputPerS;
    case 'energy':
      return e.deviceEnergyMj;
    case 'raw-input':
      return !e.rawInputLeavesDevice;
    case 'device-layers':
      // "all" (nothing leaves the device) is the deepest.
      return e.deviceLayersBeforeLeaving ?? Number.MAX_SAFE_INTEGER;
    case 'exact':
      return row.exact;
    case 'notes':
      return row.notes.join('; ');
  }
  const hop = /^hop-([0-9]+)$/.exec(column);
  if (hop) {
    const traffic = e.hops[Number(hop[1])];
    return traffic ? traffic.upBytes + traffic.downBytes : null;
  }
  return null;
}
