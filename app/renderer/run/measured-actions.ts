/**
 * "Show measured on the graph": the last run's measured compute per tier laid over the graph
 * through the overlay the costs and predictions use (see measured-overlay.ts for how a tier's
 * time is shared out over its layers), and the graph's heat switched to it.
 */
import { designProblem, placementArray } from '../design/figures.js';
import { PREDICTED_METRICS } from '../overlay/predicted.js';
import { useStudio } from '../store/store.js';
import { runFigures, runTierNames } from './harness-run.js';
import { MEASURED_METRIC, measuredOverlay } from './measured-overlay.js';
import { selectHarnessRun } from './run-slice.js';

/** Lays the measured figures over the graph; false when nothing has been measured yet. */
export function showMeasuredOnGraph(): boolean {
  const state = useStudio.getState();
  const run = selectHarnessRun(state);
  if (!run || !state.opened) return false;
  const perRunTier = run.summary?.measured.computeMsPerTier ?? runFigures(run).computeMsPerTier;
  const names = runTierNames(run);
  // The bundle's tiers are the topology's, in its order; matched by name all the same.
  const perTopologyTier = run.design.topology.tiers.map((tier) => {
    const i = names.indexOf(tier.name);
    return i < 0 ? null : (perRunTier[i] ?? null);
  });
  if (perTopologyTier.every((ms) => ms === null)) return false;
  const built = designProblem(state.opened.partition, run.design.topology);
  const placement = placementArray(built, run.design.placement);
  state.setNodeFigures(measuredOverlay(state.opened.view, built, placement, perTopologyTier));
  state.setMetric(MEASURED_METRIC.key);
  return true;
}

/** Back to the predicted time as the graph's heat. */
export function hideMeasuredOnGraph(): void {
  useStudio.getState().setMetric(PREDICTED_METRICS[0]!.key);
}

export const selectMeasuredShown = (s: { metric: string }): boolean => s.metric === MEASURED_METRIC.key;
