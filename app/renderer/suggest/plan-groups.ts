/**
 * The solvers' plans grouped by placement: when several solvers find the same placement (on the
 * samples all four often say "everything on the edge"), the Suggestions table and the Pareto chart
 * show it once, naming every solver that found it, so agreement reads as news, not as repeated rows.
 */
import type { TierName } from '../../../core/profiles/types.js';
import { tierOf } from '../../../core/tiers.js';
import type { Suggestion } from '../../shared/studio-api.js';

export interface PlanGroup {
  /** The solvers that found this placement, in the order the plans came. */
  readonly solvers: readonly string[];
  /** Where the group's first plan is in the plans (for a stable key). */
  readonly firstIndex: number;
  /** Proved best if any of its solvers proved it. */
  readonly exact: boolean;
  /** Every solver's notes, each once, in order. */
  readonly notes: readonly string[];
  /** The first plan's placement (the others' equal it). */
  readonly placement: Readonly<Record<string, TierName>>;
  /** Whether every plan is in this group (and there is more than one). */
  readonly allAgree: boolean;
}

/** Whether two placements put every layer on the same tier (an absent layer is on the device). */
export function samePlacement(
  a: Readonly<Record<string, TierName>>,
  b: Readonly<Record<string, TierName>>,
): boolean {
  if (a === b) return true;
  for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (tierOf(a, id) !== tierOf(b, id)) return false;
  }
  return true;
}

/** The plans grouped by placement, groups in the order of their first plan (the solvers' order). */
export function groupPlans(plans: readonly Suggestion[]): PlanGroup[] {
  const groups: { first: number; members: Suggestion[] }[] = [];
  plans.forEach((plan, i) => {
    const group = groups.find((g) => samePlacement(g.members[0]!.placement, plan.placement));
    if (group) group.members.push(plan);
    else groups.push({ first: i, members: [plan] });
  });
  return groups.map(({ first, members }) => ({
    solvers: members.map((m) => m.source),
    firstIndex: first,
    exact: members.some((m) => m.exact),
    notes: [...new Set(members.flatMap((m) => m.notes))],
    placement: members[0]!.placement,
    allAgree: members.length > 1 && members.length === plans.length,
  }));
}

/** The solvers of a group as one name: "min-cut", "single-split · two-split". */
export const solversName = (group: Pick<PlanGroup, 'solvers'>): string => group.solvers.join(' · ');

/** What a group's name ends with when every solver found it. */
export const ALL_AGREE = ' (all agree)';

/** A group's name with the agreement said: "single-split · two-split · min-cut · tiers (all agree)". */
export const groupTitle = (group: Pick<PlanGroup, 'solvers' | 'allAgree'>): string =>
  `${solversName(group)}${group.allAgree ? ALL_AGREE : ''}`;
