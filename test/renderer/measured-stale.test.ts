/**
 * Measured figures are of the design the bundle was exported from: after the user moves a layer
 * or undoes an edit on the same model, the heat goes back to the predicted time with a notice
 * (the per-layer shares would otherwise describe the old split under the new lanes), and
 * "Show measured on the graph" refuses until a bundle of what the canvas shows is run.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import type { HarnessEvent } from '../../app/shared/studio-api.js';
import { startedRun, withEvents } from '../../app/renderer/run/harness-run.js';
import {
  measuredUnavailable,
  showMeasuredOnGraph,
  startMeasuredStaleness,
} from '../../app/renderer/run/measured-actions.js';
import { MEASURED_METRIC } from '../../app/renderer/run/measured-overlay.js';
import { STALE_MEASURED_NOTICE } from '../../app/renderer/run/measured-staleness.js';
import { PREDICTED_METRICS } from '../../app/renderer/overlay/predicted.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { measuredEvents } from './support/measured-events.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const FILE = path.resolve('samples/edge-prune-vehicle.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const { view, partition } = analysedSample(FILE);
const firstLayer = view.layers[0]!.id;

const MEASURED: readonly HarnessEvent[] = measuredEvents([10, 0, 0], [8, 0, 0]);

/** A run of the bundle exported from the design the canvas shows now, shown on the graph. */
function runAndShowMeasured(): void {
  const state = useStudio.getState();
  const args = { bundleDir: '/b', runs: 1, stream: 0, emulateLinks: true, calibrate: false };
  state.harnessChanged(withEvents(startedRun(1, state.opened!.sessionId, args, state.design!), MEASURED));
  expect(showMeasuredOnGraph()).toBe(true);
  expect(useStudio.getState().metric).toBe(MEASURED_METRIC.key);
}

describe('the measured heat after the design changes', () => {
  let stop: () => void = () => undefined;
  beforeEach(() => {
    startDesignOf(openedModel(FILE, view, partition), topology);
    useStudio.getState().dismissNotice();
    stop = startMeasuredStaleness();
  });
  afterEach(() => stop());

  it('goes back to the predicted time with a notice when a layer moves', () => {
    runAndShowMeasured();
    expect(useStudio.getState().moveLayers([firstLayer], 'edge').moved).toBeGreaterThan(0);
    const state = useStudio.getState();
    expect(state.metric).toBe(PREDICTED_METRICS[0]!.key);
    expect(state.notice).toBe(STALE_MEASURED_NOTICE);
  });

  it('refuses to show the old run again until the canvas is the exported design', () => {
    runAndShowMeasured();
    useStudio.getState().moveLayers([firstLayer], 'edge');
    expect(showMeasuredOnGraph()).toBe(false);
    expect(measuredUnavailable()).toMatch(/export and run again/);
    expect(useStudio.getState().metric).toBe(PREDICTED_METRICS[0]!.key);
  });

  it('keeps the measured heat while the design is the one exported', () => {
    runAndShowMeasured();
    // A view change (the selection) is not a design change.
    useStudio.getState().select(firstLayer);
    const state = useStudio.getState();
    expect(state.metric).toBe(MEASURED_METRIC.key);
    expect(state.notice).toBeNull();
  });

  it('leaves another heat alone when the design changes', () => {
    runAndShowMeasured();
    useStudio.getState().setMetric('macs');
    useStudio.getState().moveLayers([firstLayer], 'edge');
    expect(useStudio.getState().metric).toBe('macs');
    expect(useStudio.getState().notice).toBeNull();
  });
});
