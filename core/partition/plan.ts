/** A suggested placement with its figures, as solvers return it. */
import { evaluatePlacement, type Evaluation } from './evaluate.js';
import type { Objective } from './objective.js';
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';

export const SOLVER_NAMES = ['single-split', 'two-split', 'min-cut', 'tiers'] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

export interface Plan {
  readonly solver: SolverName | 'pareto' | 'device-only' | 'server-only' | 'given';
  readonly objective: Objective;
  readonly placement: Placement;
  readonly evaluation: Evaluation;
  /** Whether the placement is proven optimal for the objective under the constraints. */
  readonly exact: boolean;
  /** How the plan was found, in words (family searched, heuristics used, what was capped). */
  readonly notes: readonly string[];
}

/** A placement someone chose (a file, a benchmark, a test) as a plan: evaluated, proving nothing. */
export function givenPlan(
  problem: PartitionProblem,
  placement: Placement,
  objective: Objective,
  note: string,
): Plan {
  return {
    solver: 'given',
    objective,
    placement,
    evaluation: evaluatePlacement(problem, placement),
    exact: false,
    notes: [note],
  };
}
