/**
 * The committed design's predicted figures in each serving mode, for the Export tab's Serving
 * choice: relay is the figures bar's own evaluation; stock is core's `evaluateServing`, which
 * charges the extra hops of a device that calls each plain server itself. Kept per placement
 * array, so the tab's selector costs a lookup until the design changes.
 */
import type { Evaluation } from '../../../core/partition/evaluate.js';
import type { Placement } from '../../../core/partition/placement.js';
import { evaluateServing, type ServingMode } from '../../../core/partition/serving-mode.js';
import { placementArray, selectCommittedEvaluation, selectCommittedProblem } from '../design/figures.js';
import type { Store } from '../store/store-types.js';

const stockOf = new WeakMap<Placement, Evaluation>();

/** The committed design's evaluation when served in `mode`; null without a model and a design. */
export function selectServingEvaluation(state: Store, mode: ServingMode): Evaluation | null {
  if (mode === 'relay') return selectCommittedEvaluation(state);
  const built = selectCommittedProblem(state);
  const record = state.design?.placement;
  if (!built || !record) return null;
  // placementArray is kept per problem and record, so a new design or topology is a new key.
  const placement = placementArray(built, record);
  const known = stockOf.get(placement);
  if (known) return known;
  const evaluation = evaluateServing(built.problem, placement, 'stock');
  stockOf.set(placement, evaluation);
  return evaluation;
}

export const selectRelayEvaluation = (s: Store): Evaluation | null => selectServingEvaluation(s, 'relay');
export const selectStockEvaluation = (s: Store): Evaluation | null => selectServingEvaluation(s, 'stock');
