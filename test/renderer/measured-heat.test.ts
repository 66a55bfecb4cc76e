/**
 * The measured heat belongs to the model it was measured on: after "Show measured on the graph",
 * opening another model or re-analysing this one with new input sizes drops the run's figures,
 * and the graph's heat goes back to the default metric instead of naming figures no node has
 * (the Heat select then showed MACs while the graph was coloured by nothing).
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import { startedRun, withEvents } from '../../app/renderer/run/harness-run.js';
import { showMeasuredOnGraph } from '../../app/renderer/run/measured-actions.js';
import { MEASURED_METRIC } from '../../app/renderer/run/measured-overlay.js';
import { DEFAULT_METRIC } from '../../app/renderer/overlay/static-costs.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { measuredEvents } from './support/measured-events.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const FILE = path.resolve('samples/edge-prune-vehicle.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const { view, partition } = analysedSample(FILE);

function showMeasured(): void {
  const state = useStudio.getState();
  const run = withEvents(
    startedRun(
      1,
      state.opened!.sessionId,
      { bundleDir: '/b', runs: 1, stream: 0, emulateLinks: true, calibrate: false },
      state.design!,
    ),
    measuredEvents([10, 0, 0], [8, 0, 0]),
  );
  state.harnessChanged(run);
  expect(showMeasuredOnGraph()).toBe(true);
  expect(useStudio.getState().metric).toBe(MEASURED_METRIC.key);
}

describe('the measured heat after a new analysis', () => {
  beforeEach(() => startDesignOf(openedModel(FILE, view, partition), topology));

  it('goes back to the default metric when another model opens', () => {
    showMeasured();
    startDesignOf(openedModel(FILE, view, partition), topology);
    const state = useStudio.getState();
    expect(state.metric).toBe(DEFAULT_METRIC);
    expect(state.overlay.metrics.map((m) => m.key)).toContain(DEFAULT_METRIC);
  });

  it('goes back to the default metric when the model is re-analysed', () => {
    showMeasured();
    const { opened } = useStudio.getState();
    useStudio.getState().analysisReplaced({ view, partition, inputs: {} }, `${opened!.jobId}-again`);
    expect(useStudio.getState().metric).toBe(DEFAULT_METRIC);
  });

  it('keeps a heat the new figures still have', () => {
    useStudio.getState().setMetric('params');
    startDesignOf(openedModel(FILE, view, partition), topology);
    expect(useStudio.getState().metric).toBe('params');
  });
});
