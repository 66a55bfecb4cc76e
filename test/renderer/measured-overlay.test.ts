/**
 * Measured figures on the graph: each tier's measured compute shared over the layers the bundle
 * put on it in proportion to their predicted time, on a real sample split over three tiers; the
 * shares add up to the measurement per tier, follow the prediction's proportions, roll up into
 * blocks, and a tier nothing was measured on leaves its layers without a value. Showing it from
 * the Run tab's state sets the graph's heat to it.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import { designProblem, placementArray } from '../../app/renderer/design/figures.js';
import { startedRun, withEvents } from '../../app/renderer/run/harness-run.js';
import { showMeasuredOnGraph } from '../../app/renderer/run/measured-actions.js';
import { MEASURED_METRIC, measuredOverlay } from '../../app/renderer/run/measured-overlay.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { measuredEvents } from './support/measured-events.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const FILE = path.resolve('samples/resnet-mini.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const { view, partition } = analysedSample(FILE);
const KEY = MEASURED_METRIC.key;

/** The first third of the layers on the device, the next on the edge, the rest in the cloud. */
function threeWaySplit(): Record<string, 'edge' | 'cloud'> {
  const built = designProblem(partition, topology);
  const units = built.problem.units.map((u) => u.name);
  const third = Math.ceil(units.length / 3);
  return Object.fromEntries(
    units.slice(third).map((id, i) => [id, i < third ? ('edge' as const) : ('cloud' as const)]),
  );
}

describe('measured per-tier compute on the graph', () => {
  const record = threeWaySplit();
  const built = designProblem(partition, topology);
  const placement = placementArray(built, record);
  const k = built.problem.tiers.length;

  it('shares each tier measurement over its layers by predicted time', () => {
    const measured = [12, 3, null];
    const overlay = measuredOverlay(view, built, placement, measured);
    expect(overlay.metrics).toEqual([MEASURED_METRIC]);
    const sums = [0, 0, 0];
    let cloudValues = 0;
    for (const layer of view.layers) {
      const unit = built.unitOf.get(layer.id);
      if (unit === undefined) continue;
      const tier = placement[unit]!;
      const value = overlay.values.get(layer.id)?.[KEY];
      if (tier === 2) {
        if (value !== undefined) cloudValues++;
        continue;
      }
      sums[tier]! += value!;
      // Proportional to the prediction: value / predicted is the same for every layer of a tier.
      const predicted = built.problem.computeMs[unit * k + tier]!;
      const predictedOnTier = built.problem.units.reduce(
        (s, _, u) => s + (placement[u] === tier ? built.problem.computeMs[u * k + tier]! : 0),
        0,
      );
      expect(value).toBeCloseTo((measured[tier]! * predicted) / predictedOnTier, 12);
    }
    expect(sums[0]).toBeCloseTo(12, 9);
    expect(sums[1]).toBeCloseTo(3, 9);
    expect(cloudValues).toBe(0);
    // Blocks hold their layers' sums, so a collapsed block shows what it measured.
    const block = view.blocks.find((b) => b.layers.length > 1)!;
    const inside = block.layers.reduce((s, id) => s + (overlay.values.get(id)?.[KEY] ?? 0), 0);
    const nested = block.blocks.reduce((s, id) => s + (overlay.values.get(id)?.[KEY] ?? 0), 0);
    expect(overlay.values.get(block.id)?.[KEY]).toBeCloseTo(inside + nested, 9);
  });
});

describe('Show measured on the graph', () => {
  beforeEach(() => {
    const model = openedModel(FILE, view, partition);
    startDesignOf(model, topology, threeWaySplit());
  });

  it('lays the run figures over the graph and makes them the heat', () => {
    const state = useStudio.getState();
    const sessionId = state.opened!.sessionId;
    const design = state.design!;
    let run = startedRun(
      7,
      sessionId,
      { bundleDir: '/b', runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      design,
    );
    state.harnessChanged(run);
    // Nothing measured yet: nothing to show.
    expect(showMeasuredOnGraph()).toBe(false);
    run = withEvents(run, measuredEvents([5, 2, 1], [8, 4, 2], { planHopMs: [1, 1], hopMs: [3, 3] }));
    useStudio.getState().harnessChanged(run);
    expect(showMeasuredOnGraph()).toBe(true);
    const after = useStudio.getState();
    expect(after.metric).toBe(KEY);
    const built = designProblem(partition, topology);
    const placement = placementArray(built, design.placement);
    let deviceSum = 0;
    for (const [u, unit] of built.problem.units.entries())
      if (placement[u] === 0) deviceSum += after.overlay.values.get(unit.name)?.[KEY] ?? 0;
    expect(deviceSum).toBeCloseTo(8, 9);
    // The other metrics are still there to switch back to.
    expect(after.overlay.metrics.map((m) => m.key)).toContain('macs');
  });

  it('ignores a run of a model opened since', () => {
    const run = startedRun(
      8,
      'another-session',
      { bundleDir: '/b', runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      useStudio.getState().design!,
    );
    useStudio.getState().harnessChanged(run);
    useStudio.getState().harnessEvents(8, [
      {
        event: 'request',
        index: 0,
        phase: 'latency',
        ok: true,
        latencyMs: 1,
        computeMsPerTier: [1, 1, 1],
        hopMs: [0, 0],
        maxAbsDiff: 0,
        fallback: false,
      },
    ]);
    expect(useStudio.getState().harnessRun?.requests).toHaveLength(1);
    expect(showMeasuredOnGraph()).toBe(false);
    // Events of an older run are dropped.
    useStudio.getState().harnessEvents(7, [{ event: 'error', message: 'old' }]);
    expect(useStudio.getState().harnessRun?.problems).toEqual([]);
  });
});
