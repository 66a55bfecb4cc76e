/**
 * What the Suggestions tab (and the Pareto chart) read: the settings form, the constraints the
 * solvers would be asked to keep now, the last solve's result for the open model, and whether
 * that result is stale (the model, topology, objective or constraints changed since).
 */
import type { SolveResult } from '../../shared/studio-api.js';
import type { Store } from '../store/store-types.js';
import type { JobBasis, SolveBasis, SolveRun } from './suggest-slice.js';
import {
  constraintTexts,
  formFromDesign,
  objectiveText,
  solverConstraints,
  type FieldProblem,
  type SolveForm,
} from './solve-settings.js';

let formMemo: { objective: string; constraints: readonly string[]; form: SolveForm } | null = null;

/** The settings shown: the draft being edited, else what the design says. */
export function selectSolveForm(s: Store): SolveForm | null {
  const { design, opened, solveDraft } = s;
  if (!design || !opened) return null;
  if (solveDraft && solveDraft.sessionId === opened.sessionId) return solveDraft.form;
  if (formMemo?.objective !== design.objective || formMemo.constraints !== design.constraints) {
    formMemo = {
      objective: design.objective,
      constraints: design.constraints,
      form: formFromDesign(design.objective, design.constraints),
    };
  }
  return formMemo.form;
}

export type SolveRequestText =
  | {
      readonly ok: true;
      readonly objective: string;
      /** The design's constraints (no pins): what is written back to the design. */
      readonly designConstraints: readonly string[];
      /** What the solvers keep: the design's constraints and, if kept, the pins. */
      readonly constraints: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** The objective and constraints the solvers would be asked for now, or what is wrong with a field. */
export function solveRequestText(s: Store): SolveRequestText | null {
  const form = selectSolveForm(s);
  const { design } = s;
  if (!form || !design) return null;
  const texts = constraintTexts(
    form,
    design.topology.tiers.map((t) => t.name),
  );
  if (!texts.ok) return texts;
  return {
    ok: true,
    objective: objectiveText(form),
    designConstraints: texts.constraints,
    constraints: solverConstraints(texts.constraints, form, design.pins, design.placement),
  };
}

/** Whether a job's basis is still the open model's analysis on the design's topology. */
export function sameProblem(basis: JobBasis, s: Pick<Store, 'opened' | 'design'>): boolean {
  return (
    s.opened !== null &&
    s.design !== null &&
    basis.sessionId === s.opened.sessionId &&
    basis.partition === s.opened.partition &&
    basis.topology === s.design.topology
  );
}

const sameTexts = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/** The last solve of the open model (running, done or failed); null when there is none. */
export const selectSolveRun = (s: Store): SolveRun | null =>
  s.solveRun !== null && s.opened !== null && s.solveRun.basis.sessionId === s.opened.sessionId
    ? s.solveRun
    : null;

/** The last solve's result for the open model (plans, infeasible solvers, Pareto front); null if none. */
export const selectSolveResult = (s: Store): SolveResult | null => selectSolveRun(s)?.result ?? null;

/** Whether the result was computed for other settings than the ones now (so it is stale). */
export function isSolveStale(basis: SolveBasis, s: Store): boolean {
  if (!sameProblem(basis, s)) return true;
  const now = solveRequestText(s);
  return !now?.ok || now.objective !== basis.objective || !sameTexts(now.constraints, basis.constraints);
}

/** Whether the last solve's result is stale (false when there is none). */
export const selectSolveStale = (s: Store): boolean => {
  const run = selectSolveRun(s);
  return run !== null && run.result !== null && isSolveStale(run.basis, s);
};

/** Whether the last solve's placements still fit the design (same model and topology): they may be applied. */
export const selectSolveApplicable = (s: Store): boolean => {
  const run = selectSolveRun(s);
  return run !== null && sameProblem(run.basis, s);
};
