/**
 * Other input sizes make the canvas another design than the bundle run: the bundle runs the shapes
 * it was exported with (its manifest's bindings), so after the user binds other sizes the measured
 * figures are refused as of an earlier design, and the Run tab says the bundle is older; binding
 * the exported sizes again (or undo) makes them the canvas's again.
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
import { isEarlierDesign, measuredIsStale } from '../../app/renderer/run/measured-staleness.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { measuredEvents } from './support/measured-events.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const FILE = path.resolve('samples/ocr-det-mini.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const { view, partition } = analysedSample(FILE);

const MEASURED: readonly HarnessEvent[] = measuredEvents([10, 0, 0], [8, 0, 0]);

describe('measured figures after other input sizes are bound', () => {
  let stop: () => void = () => undefined;
  beforeEach(() => {
    startDesignOf(openedModel(FILE, view, partition), topology);
    useStudio.getState().setInputs({ x: '1x3x64x64' });
    useStudio.getState().dismissNotice();
    stop = startMeasuredStaleness();
  });
  afterEach(() => stop());

  it('are of an earlier design until the exported sizes are bound again', () => {
    const state = useStudio.getState();
    const design = state.design!;
    const exported = { topology: design.topology, placement: design.placement, inputs: design.inputs };
    const args = { bundleDir: '/b', runs: 1, stream: 0, emulateLinks: true, calibrate: false };
    state.harnessChanged(withEvents(startedRun(1, state.opened!.sessionId, args, exported), MEASURED));
    expect(showMeasuredOnGraph()).toBe(true);

    useStudio.getState().setInputs({ x: '1x3x128x128' });
    const after = useStudio.getState();
    expect(isEarlierDesign(after.design, exported)).toBe(true);
    expect(measuredIsStale(after)).toBe(true);
    expect(after.metric).not.toBe(MEASURED_METRIC.key);
    expect(showMeasuredOnGraph()).toBe(false);
    expect(measuredUnavailable()).toMatch(/export and run again/);

    // Undo binds the exported sizes again: the same design as the bundle's.
    useStudio.getState().undo();
    expect(useStudio.getState().design!.inputs).toEqual({ x: '1x3x64x64' });
    expect(isEarlierDesign(useStudio.getState().design, exported)).toBe(false);
    expect(showMeasuredOnGraph()).toBe(true);
  });
});
