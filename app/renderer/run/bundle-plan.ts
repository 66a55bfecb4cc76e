/**
 * The predicted figures of the design the last bundle was exported from, for the Run tab's time
 * estimate. The export result carries the plan's latency but not its throughput, so the design
 * is evaluated here in the bundle's serving mode, as the figures bar does for relay: the canvas's own evaluation while the bundle is
 * still the canvas's design, else the bundle's placement and topology evaluated once per bundle.
 */
import type { Evaluation } from '../../../core/partition/evaluate.js';
import { placementOfRecord } from '../../../core/partition/placement.js';
import { problemFromSource } from '../../../core/partition/problem-from-source.js';
import { evaluateServing } from '../../../core/partition/serving-mode.js';
import type { Store } from '../store/store-types.js';
import { isEarlierDesign } from './measured-staleness.js';
import { selectLastExport, type ExportRecord } from './run-slice.js';
import { selectServingEvaluation } from './serving-figures.js';

// Kept per bundle (and model), so the tab's selector returns the same object on every render.
const earlier = new WeakMap<ExportRecord, { source: object; evaluation: Evaluation | null }>();

/**
 * The plan's predicted evaluation for the last bundle; null without a bundle or a model. Of the
 * model as bound now: a bundle of other input sizes is costed at these (its own latency is in
 * the export result).
 */
export function selectBundleEvaluation(state: Store): Evaluation | null {
  const bundle = selectLastExport(state);
  const opened = state.opened;
  if (!bundle || !opened) return null;
  // A stock bundle costs the device's extra hops (core/partition/serving-mode.ts).
  const serving = bundle.args.serving ?? 'relay';
  if (!isEarlierDesign(state.design, bundle.args)) return selectServingEvaluation(state, serving);
  const known = earlier.get(bundle);
  if (known?.source === opened.partition) return known.evaluation;
  let evaluation: Evaluation | null;
  try {
    const problem = problemFromSource(opened.partition, bundle.args.topology);
    const unitOf = new Map(problem.units.map((unit, u) => [unit.name, u]));
    const placement = placementOfRecord(problem, unitOf, bundle.args.placement);
    evaluation = evaluateServing(problem, placement, serving);
  } catch {
    // A topology this model cannot be costed on: the tab shows no estimate rather than a wrong one.
    evaluation = null;
  }
  earlier.set(bundle, { source: opened.partition, evaluation });
  return evaluation;
}
