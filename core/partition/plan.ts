/** A suggested placement with its figures, as solvers return it. */
import type { Evaluation } from './evaluate.js';
import type { Objective } from './objective.js';
import type { Placement } from './placement.js';

export const SOLVER_NAMES = ['single-split', 'two-split', 'min-cut', 'tiers'] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

export interface Plan {
  readonly solver: SolverName | 'pareto' | 'device-only' | 'server-only';
  readonly objective: Objective;
  readonly placement: Placement;
  readonly evaluation: Evaluation;
  /** Whether the placement is proven optimal for the objective under the constraints. */
  readonly exact: boolean;
  /** How the plan was found, in words (family searched, heuristics used, what was capped). */
  readonly notes: readonly string[];
}
