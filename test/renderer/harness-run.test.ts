/**
 * The Run tab's live figures against the harness's own summary: a real bundle (the vehicle CNN
 * split device → edge → cloud) run by the real harness with emulated links, its events folded
 * into the page's run in batches as they would arrive; the counts, medians per tier and per link
 * and the largest difference the page shows while it runs are the summary's. A failing request
 * makes the run "not verified" however equal the other answers are.
 */
import { formatTolerance } from '../../core/export/tolerance.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness, type HarnessEvent, type HarnessSummary } from '../../core/bundle/harness.js';
import { comparisonRows } from '../../app/renderer/run/comparison.js';
import { requestSeries } from '../../app/renderer/run/request-series.js';
import {
  differsText,
  endedRun,
  runFigures,
  startedRun,
  verificationOf,
  withEvents,
  type HarnessRun,
} from '../../app/renderer/run/harness-run.js';
import { loadTopology } from '../../core/profiles/load.js';
import { exportVehicleChain, VEHICLE_MODEL } from '../support/vehicle-bundle.js';

const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const ARGS = { runs: 6, stream: 5, emulateLinks: true, calibrate: false };

let work: string;
let events: HarnessEvent[];
let summary: HarnessSummary;

const runOf = (bundleDir: string): HarnessRun =>
  startedRun(1, 'session-1', { bundleDir, ...ARGS }, { topology, placement: {} });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-run-tab-'));
  const bundle = await exportVehicleChain(path.join(work, 'chain'), 'pi4-wifi-edge-wan-cloud', 'fail');
  events = [];
  summary = await runHarness({
    bundleDir: bundle.dir,
    model: VEHICLE_MODEL,
    runs: ARGS.runs,
    streamRequests: ARGS.stream,
    emulateLinks: true,
    onEvent: (event) => events.push(event),
  });
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a harness run folded from its events', () => {
  it('shows while it runs what the summary then says', () => {
    // Three batches, as the page draws them: the split points are arbitrary.
    const third = Math.ceil(events.length / 3);
    let run = runOf(path.join(work, 'chain'));
    for (let i = 0; i < events.length; i += third) run = withEvents(run, events.slice(i, i + third));
    const figures = runFigures(run);

    expect(run.tiers.map((t) => t.tier)).toEqual(['cloud', 'edge', 'device']);
    expect(run.links.map((l) => l.hop).sort()).toEqual([0, 1]);
    expect(run.predicted?.tiers).toEqual(['device', 'edge', 'cloud']);
    // Warm-up requests are untimed and left out; every timed one is a point, in order answered.
    expect(run.warmups).toBeGreaterThan(0);
    expect(run.requests.map((r) => r.seq)).toEqual(
      Array.from({ length: ARGS.runs + ARGS.stream }, (_, i) => i + 1),
    );
    expect(figures.answered).toBe(summary.answered);
    expect(figures.failed).toBe(summary.failed);
    expect(figures.fallbacks).toBe(summary.fallbacks);
    expect(figures.maxAbsDiff).toBe(summary.maxAbsDiff);
    expect(figures.tolerance).toBe(summary.tolerance);
    expect(figures.medianLatencyMs).toBeCloseTo(summary.measured.latencyMs, 9);
    figures.computeMsPerTier.forEach((ms, t) =>
      expect(ms).toBeCloseTo(summary.measured.computeMsPerTier[t]!, 9),
    );
    figures.hopMs.forEach((ms, h) => expect(ms).toBeCloseTo(summary.hops[h]!.measuredMs, 9));
    expect(run.summary).toEqual(summary);
    const verified = verificationOf(run, figures);
    expect(verified).toEqual({
      state: 'verified',
      maxAbsDiff: summary.maxAbsDiff,
      tolerance: summary.tolerance,
      output: summary.output ?? null,
      element: summary.element ?? null,
      rule: "rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1)",
    });
    expect(figures.output).toBe(summary.output ?? null);
    expect(figures.element).toBe(summary.element ?? null);

    // Measured next to predicted: one row per tier and per link, the plan's figures from the
    // 'predicted' event, the emulated links' expected time once the summary is there.
    const rows = comparisonRows(run, figures);
    expect(rows.map((r) => r.label)).toEqual([
      'Device compute',
      'Edge compute',
      'Cloud compute',
      'Device ↔ Edge link',
      'Edge ↔ Cloud link',
    ]);
    expect(rows.slice(0, 3).map((r) => r.planMs)).toEqual(summary.predicted.planComputeMsPerTier);
    expect(rows.slice(3).map((r) => r.thisMachineMs)).toEqual(summary.hops.map((h) => h.emulatedMs));
    expect(rows.slice(0, 3).map((r) => r.thisMachineMs)).toEqual([null, null, null]);
  });

  it('says "so far" before the summary, and the same object for nothing new', () => {
    const before = events.findIndex((e) => e.event === 'summary');
    const run = withEvents(runOf('b'), events.slice(0, before));
    const figures = runFigures(run);
    expect(run.summary).toBeNull();
    expect(verificationOf(run, figures)).toEqual({
      state: 'so-far',
      maxAbsDiff: figures.maxAbsDiff,
      tolerance: figures.tolerance,
      output: figures.output,
      element: figures.element,
      rule: "rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1)",
    });
    expect(withEvents(run, [])).toBe(run);
    // Stopped before the summary: nothing can be said to be verified.
    const stopped = endedRun(run, { ok: false, error: { code: 'CANCELLED', message: 'Stopped.' } });
    expect(stopped.status).toBe('stopped');
    expect(verificationOf(stopped, figures)).toEqual({
      state: 'not-verified',
      reason: `stopped before the end (the ${figures.answered} answers equal the whole model's within rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1); ${
        figures.maxAbsDiff === 0
          ? 'every element identical'
          : `furthest off: ${figures.maxAbsDiff!.toExponential(1)} where ${formatTolerance(figures.tolerance!)} is allowed, output ${figures.output}, element ${figures.element}`
      })`,
    });
  });

  it('draws every request while they are few, one in N of the answers past the limit, every failure', () => {
    const run = withEvents(runOf('d'), events);
    const all = requestSeries(run.requests);
    expect(all.stride).toBe(1);
    expect(all.sequential).toHaveLength(ARGS.runs);
    expect(all.stream).toHaveLength(ARGS.stream);
    const failure = { ...run.requests[0]!, seq: 99, ok: false, error: 'refused' };
    const thinned = requestSeries([...run.requests, failure], 4);
    expect(thinned.stride).toBe(Math.ceil((ARGS.runs + ARGS.stream) / 4));
    expect(thinned.sequential.length + thinned.stream.length).toBeLessThanOrEqual(4);
    expect(thinned.failed).toEqual([failure]);
  });

  it('leaves requests the device answered alone out of the figures, and out of verified', () => {
    const before = events.findIndex((e) => e.event === 'summary');
    const sequential = withEvents(runOf('e'), events.slice(0, before));
    const fallback: HarnessEvent = {
      event: 'request',
      index: ARGS.runs + ARGS.stream,
      phase: 'latency',
      ok: true,
      latencyMs: 1e6,
      computeMsPerTier: [1e6, 0, 0],
      hopMs: [0, 0],
      maxAbsDiff: 0,
      fallback: true,
    };
    const run = withEvents(sequential, [fallback]);
    const figures = runFigures(run);
    expect(figures.fallbacks).toBe(1);
    expect(figures.answered).toBe(summary.answered);
    // Its huge times change no median: they are not the split's.
    expect(figures.medianLatencyMs).toBe(runFigures(sequential).medianLatencyMs);
    expect(figures.computeMsPerTier).toEqual(runFigures(sequential).computeMsPerTier);
    expect(verificationOf(run, figures)).toEqual({
      state: 'not-verified',
      reason: '1 answered by the device alone',
    });
  });

  it('is not verified once a request failed, however equal the other answers', () => {
    const before = events.findIndex((e) => e.event === 'summary');
    const failure: HarnessEvent = {
      event: 'request',
      index: ARGS.runs,
      phase: 'stream',
      ok: false,
      latencyMs: 3,
      maxAbsDiff: null,
      fallback: false,
      error: 'cloud: connection refused',
    };
    const run = withEvents(runOf('c'), [...events.slice(0, before), failure]);
    const figures = runFigures(run);
    expect(figures.failed).toBe(1);
    expect(figures.answered).toBe(summary.answered);
    expect(verificationOf(run, figures)).toEqual({ state: 'not-verified', reason: '1 failed' });
    expect(run.requests.at(-1)).toMatchObject({ ok: false, error: 'cloud: connection refused' });
  });

  it('names the output and element of an answer over its allowance', () => {
    const before = events.findIndex((e) => e.event === 'summary');
    const wrong: HarnessEvent = {
      event: 'request',
      index: ARGS.runs,
      phase: 'stream',
      ok: true,
      latencyMs: 3,
      maxAbsDiff: 0.5,
      tolerance: 1e-3,
      output: 'logits',
      element: 7,
      fallback: false,
    };
    const run = withEvents(runOf('e'), [...events.slice(0, before), wrong]);
    const figures = runFigures(run);
    expect(figures).toMatchObject({ maxAbsDiff: 0.5, tolerance: 1e-3, output: 'logits', element: 7 });
    const verification = verificationOf(run, figures);
    if (verification.state !== 'differs') throw new Error(`expected differs, got ${verification.state}`);
    expect(differsText(verification)).toBe(
      "output logits, element 7 differs from the whole model's by 5.0e-1, above its allowance 1e-3 (rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1))",
    );
  });
});
