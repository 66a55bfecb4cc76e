/**
 * The Run tab's time estimate: the plan's latency per sequential run, its throughput per
 * streamed request, plus starting the tiers (and calibrating), said the way a person would; and
 * the plan it reads is the exported design's, also once the canvas has moved on from it.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import { selectBundleEvaluation } from '../../app/renderer/run/bundle-plan.js';
import {
  CALIBRATE_S,
  formatEstimate,
  runEstimateS,
  TIER_START_S,
} from '../../app/renderer/run/run-estimate.js';
import { selectCommittedEvaluation } from '../../app/renderer/design/figures.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

describe('runEstimateS', () => {
  it('adds the runs at the latency, the stream at the throughput and starting the tiers', () => {
    // The walkthrough's ocr run at 640×640: 666 ms a request, ≈2 requests/s pipelined.
    const seconds = runEstimateS({
      latencyMs: 666,
      throughputPerS: 2,
      runs: 20,
      stream: 50,
      calibrate: false,
    });
    expect(seconds).toBeCloseTo(20 * 0.666 + 50 / 2 + TIER_START_S, 9);
    expect(formatEstimate(seconds)).toBe('about 40 s');
  });

  it('adds calibrating when asked to, and nothing for an empty stream', () => {
    const base = { latencyMs: 100, throughputPerS: 20, runs: 10, stream: 0 };
    expect(runEstimateS({ ...base, calibrate: false })).toBeCloseTo(1 + TIER_START_S, 9);
    expect(runEstimateS({ ...base, calibrate: true })).toBeCloseTo(1 + TIER_START_S + CALIBRATE_S, 9);
  });

  it('streams one request per latency when the throughput is no rate', () => {
    for (const throughputPerS of [Infinity, 0]) {
      const seconds = runEstimateS({ latencyMs: 500, throughputPerS, runs: 2, stream: 4, calibrate: false });
      expect(seconds).toBeCloseTo(6 * 0.5 + TIER_START_S, 9);
    }
  });
});

describe('formatEstimate', () => {
  it('rounds to 5 s under a minute, to the minute under an hour, then to a tenth of an hour', () => {
    expect(formatEstimate(0.4)).toBe('about 5 s');
    expect(formatEstimate(12.4)).toBe('about 10 s');
    expect(formatEstimate(12.6)).toBe('about 15 s');
    expect(formatEstimate(57)).toBe('about 55 s');
    expect(formatEstimate(58)).toBe('about 1 min');
    expect(formatEstimate(150)).toBe('about 3 min');
    expect(formatEstimate(3600)).toBe('about 1 h');
    expect(formatEstimate(5400)).toBe('about 1.5 h');
    expect(formatEstimate(Infinity)).toBe('unknown');
  });
});

describe("the plan the estimate reads: the bundle's design", () => {
  const FILE = path.resolve('samples/edge-prune-vehicle.onnx');
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const { view, partition } = analysedSample(FILE);

  beforeEach(() => {
    startDesignOf(openedModel(FILE, view, partition), topology);
  });

  function exportTheCanvas(): void {
    const state = useStudio.getState();
    const design = state.design!;
    const latencyMs = selectCommittedEvaluation(state)!.latencyMs;
    state.exportEnded({
      record: {
        sessionId: state.opened!.sessionId,
        args: {
          topology: design.topology,
          placement: design.placement,
          pins: [],
          inputs: {},
          objective: 'latency',
          outDir: '/b',
          zip: false,
          force: false,
          onUnreachable: 'fail',
          verify: true,
        },
        result: {
          bundleDir: '/b',
          zipPath: null,
          segments: [],
          crossings: [],
          predicted: { latencyMs, deviceEnergyMj: 0, linkBytes: 0 },
          verification: null,
        },
      },
    });
  }

  it('is none before an export', () => {
    expect(selectBundleEvaluation(useStudio.getState())).toBeNull();
  });

  it("is the canvas's evaluation while the canvas shows the exported design", () => {
    exportTheCanvas();
    const state = useStudio.getState();
    expect(selectBundleEvaluation(state)).toBe(selectCommittedEvaluation(state));
  });

  it('stays the exported design once a layer moved, the same object on every read', () => {
    exportTheCanvas();
    const exported = selectCommittedEvaluation(useStudio.getState())!;
    expect(useStudio.getState().moveLayers([view.layers[0]!.id], 'edge').moved).toBeGreaterThan(0);
    const state = useStudio.getState();
    const moved = selectCommittedEvaluation(state)!;
    expect(moved.latencyMs).not.toBe(exported.latencyMs);
    const plan = selectBundleEvaluation(state)!;
    expect(plan).not.toBe(moved);
    expect(plan.latencyMs).toBe(exported.latencyMs);
    expect(plan.throughputPerS).toBe(exported.throughputPerS);
    expect(plan.latencyMs).toBe(state.lastExport!.result.predicted.latencyMs);
    expect(selectBundleEvaluation(useStudio.getState())).toBe(plan);
  });
});
