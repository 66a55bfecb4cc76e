/** One entry point for every solver, as the CLI and the studio call them. */
import type { Constraints } from './constraints.js';
import type { Objective } from './objective.js';
import type { Plan, SolverName } from './plan.js';
import type { PartitionProblem } from './problem.js';
import { solveCut } from './solve-cut.js';
import { solveSplits, type SplitSearchOptions } from './solve-splits.js';

export function runSolver(
  problem: PartitionProblem,
  solver: SolverName,
  objective: Objective,
  constraints: Constraints,
  options: SplitSearchOptions = {},
): Plan {
  switch (solver) {
    case 'single-split':
    case 'two-split':
      return solveSplits(problem, solver, objective, constraints, options);
    case 'min-cut':
    case 'tiers':
      return solveCut(problem, solver, objective, constraints);
  }
}

/** Solvers that make sense for the topology: `tiers` only adds something with three tiers. */
export function defaultSolvers(problem: PartitionProblem): SolverName[] {
  return problem.tiers.length > 2
    ? ['single-split', 'two-split', 'min-cut', 'tiers']
    : ['single-split', 'two-split', 'min-cut'];
}
