/** From a layer placement (what the solvers return) to the node placement a split is cut from. */
import type { Analysis } from '../analyze.js';
import { nodePlacement, type BuiltProblem } from '../partition/build-problem.js';
import type { Placement } from '../partition/placement.js';

/**
 * Tier index per node of the main graph: a layer's hidden plumbing runs where its layer runs,
 * plumbing that feeds no layer on the device (build-problem's `nodePlacement`).
 */
export function nodeTiersOf(analysis: Analysis, built: BuiltProblem, placement: Placement): Uint8Array {
  const byName = nodePlacement(analysis, built, placement);
  const tiers = built.problem.tiers;
  return Uint8Array.from(analysis.graph.nodes, (node) => Math.max(0, tiers.indexOf(byName[node.name]!)));
}
