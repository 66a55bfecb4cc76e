/**
 * "Show measured on the graph": the last run's measured compute per tier laid over the graph
 * through the overlay the costs and predictions use (see measured-overlay.ts for how a tier's
 * time is shared out over its layers), and the graph's heat switched to it.
 */
import { designProblem, placementArray } from '../design/figures.js';
import type { Unsubscribe } from '../../shared/studio-api.js';
import { PREDICTED_METRICS } from '../overlay/predicted.js';
import { useStudio } from '../store/store.js';
import { runFigures, runTierNames } from './harness-run.js';
import { MEASURED_METRIC, measuredOverlay } from './measured-overlay.js';
import { measuredIsStale, STALE_MEASURED_NOTICE } from './measured-staleness.js';
import { selectHarnessRun } from './run-slice.js';

/**
 * Lays the measured figures over the graph; false when nothing has been measured yet or the
 * canvas has changed since the bundle was exported (see measured-staleness.ts).
 */
export function showMeasuredOnGraph(): boolean {
  const state = useStudio.getState();
  const run = selectHarnessRun(state);
  if (!run || !state.opened || measuredIsStale(state)) return false;
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

/** Why "Show measured on the graph" showed nothing, for the Run tab. */
export const measuredUnavailable = (): string =>
  measuredIsStale(useStudio.getState())
    ? 'The canvas has changed since the bundle was exported: export and run again to measure this design.'
    : 'Nothing measured yet: wait for the first answered request.';

/** For the life of the window: an edit after the run switches the measured heat off, with a notice. */
export function startMeasuredStaleness(): Unsubscribe {
  return useStudio.subscribe((state, previous) => {
    if (state.design === previous.design && state.metric === previous.metric) return;
    if (state.metric !== MEASURED_METRIC.key || !measuredIsStale(state)) return;
    hideMeasuredOnGraph();
    useStudio.getState().noticed(STALE_MEASURED_NOTICE);
  });
}

export const selectMeasuredShown = (s: { metric: string }): boolean => s.metric === MEASURED_METRIC.key;
