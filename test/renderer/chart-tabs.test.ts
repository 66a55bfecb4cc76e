/**
 * The Pareto and Bandwidth tabs' data against a real web host (real HTTP, server-sent events,
 * the session worker) and the CLI: the sweep run through the tab's action has the points and
 * change bandwidths of `cutline sweep --json` to the bit; setting the link from a change marker
 * is one undoable step after which the design's figures are the sweep's "this design" figures
 * at that bandwidth, and the sweep still fits the design. The Pareto chart's points, evaluated
 * in the page, are the front of `cutline solve --pareto --json`; applying one is one step.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import type { Topology } from '../../core/profiles/types.js';
import { applySuggestion, cutPointPlacement } from '../../app/renderer/actions/suggestion.js';
import { setStudioApi } from '../../app/renderer/api/studio-api.js';
import { paretoChartData, signedDelta } from '../../app/renderer/charts/pareto-data.js';
import { runSweep, setLinkBandwidth } from '../../app/renderer/charts/sweep-actions.js';
import { changeMarkers, DEFAULT_SWEEP_FORM, sweepFitsDesign } from '../../app/renderer/charts/sweep-data.js';
import { selectCommittedEvaluation, selectCommittedProblem } from '../../app/renderer/design/figures.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { hostJobs } from '../../app/renderer/actions/job-runner.js';
import { runSuggest } from '../../app/renderer/suggest/run-jobs.js';
import { selectSolveResult } from '../../app/renderer/suggest/solve-selectors.js';
import { expectOpened, webHostHarness } from '../support/studio-host-fixtures.js';

const CUTLINE = path.resolve('bin/cutline.js');
const TOPOLOGY_ID = 'pi4-wifi-edge-wan-cloud';
const topology = loadTopology(TOPOLOGY_ID);

let dir: string;
const hosts = webHostHarness(() => dir);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-chart-tabs-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const state = () => useStudio.getState();

/** Opens a sample on a real web host and starts its design in the store, as the page does. */
async function openOnHost(sample: string, on: Topology = topology): Promise<void> {
  const { client } = await hosts.start();
  setStudioApi(client);
  hostJobs();
  await client.eventsConnected();
  const file = path.resolve('samples', sample);
  const model = expectOpened(await client.openBytes(sample, new Uint8Array(fs.readFileSync(file))));
  state().openFinished({ ok: true, model });
  state().setSolveRun(null);
  state().setSweepRun(null);
  state().startDesign(
    {
      placement: {},
      pins: [],
      topology: on,
      topologyId: on.spec.id,
      inputs: {},
      objective: 'latency',
      constraints: [],
    },
    null,
  );
}

function cli(args: readonly string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [CUTLINE, ...args], { encoding: 'utf8' }));
}

interface CliSweep {
  readonly link: unknown;
  readonly server: string;
  readonly points: readonly Record<string, number | string>[];
  readonly changes: readonly number[];
}

describe('the bandwidth tab', () => {
  it('sweeps as `cutline sweep --json` does, and a change marker sets the link as one step', async () => {
    await openOnHost('resnet-mini.onnx');
    // A design with layers off the device, so its curve is not the device-only one.
    state().applyPlacement(cutPointPlacement(8, 1), 'Cut after 8 layers');
    const design = state().design!;
    const link = topology.hops[0]!;

    expect(await runSweep({ ...DEFAULT_SWEEP_FORM, hop: 0 })).toEqual({ ok: true });
    const run = state().sweepRun!;
    expect(run.status).toBe('done');
    const result = run.result!;

    const expected = cli([
      'sweep',
      'samples/resnet-mini.onnx',
      '--topology',
      TOPOLOGY_ID,
      '--link',
      link.id,
      '--from',
      '0.1',
      '--to',
      '1000',
      '--steps',
      '25',
      '--json',
    ]) as CliSweep;
    expect(result.link).toEqual(expected.link);
    expect(result.server).toBe(expected.server);
    expect(result.changes).toEqual(expected.changes);
    expect(result.points).toHaveLength(25);
    // Every field of the CLI's points, to the bit; the design's own curve on top.
    expect(result.points.map(({ currentMs: _, ...point }) => point)).toEqual(expected.points);
    expect(result.points.some((p) => p.currentMs !== p.deviceOnlyMs)).toBe(true);

    // Each change marker names a point of the sweep whose best split differs from the one before.
    const markers = changeMarkers(result);
    expect(markers.map((m) => m.mbps)).toEqual(expected.changes);
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of markers) {
      expect(result.points[marker.index]!.mbps).toBe(marker.mbps);
      expect(result.points[marker.index - 1]!.mbps).toBe(marker.afterMbps);
      expect(marker.description).toMatch(/^Between .* Mb\/s and .* Mb\/s the best split becomes /);
    }

    // Clicking the first marker: one step, after which the figures bar shows the design's curve there.
    const marker = markers[0]!;
    const before = state().past.length;
    setLinkBandwidth(0, marker.mbps);
    expect(state().past).toHaveLength(before + 1);
    expect(state().past.at(-1)!.label).toBe('Edit the Device–Edge link');
    const hop = state().design!.topology.hops[0]!;
    expect([hop.uplinkMbps, hop.downlinkMbps]).toEqual([marker.mbps, marker.mbps]);
    expect(selectCommittedEvaluation(state())!.latencyMs).toBeCloseTo(
      result.points[marker.index]!.currentMs,
      9,
    );
    // The sweep does not depend on the swept link's bandwidth: it still fits the design.
    expect(sweepFitsDesign(run.args, state().design!)).toBe(true);

    state().undo();
    expect(state().design!.topology.hops[0]!.uplinkMbps).toBe(link.uplinkMbps);
    // Another placement, or another link's bandwidth, makes the sweep stale.
    state().applyPlacement({}, 'All on the device');
    expect(sweepFitsDesign(run.args, state().design!)).toBe(false);
    state().undo();
    expect(state().design!.placement).toEqual(design.placement);
    expect(sweepFitsDesign(run.args, state().design!)).toBe(true);
    state().editLink(1, { uplinkMbps: 3 });
    expect(sweepFitsDesign(run.args, state().design!)).toBe(false);
  });

  it('refuses a range the CLI refuses, naming the field, without running anything', async () => {
    await openOnHost('resnet-mini.onnx');
    const outcome = await runSweep({ ...DEFAULT_SWEEP_FORM, from: '10', to: '1', steps: '1' });
    expect(outcome).toEqual({
      ok: false,
      problems: [
        { field: 'to', message: 'To (1) must be larger than From (10).' },
        { field: 'steps', message: 'Steps: type a whole number from 2 to 200, such as 25.' },
      ],
    });
    expect(state().sweepRun).toBeNull();
  });
});

interface CliFrontPoint {
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly exact: boolean;
  readonly source: string;
}

describe('the Pareto tab', () => {
  it("shows the front of `cutline solve --pareto --json` with the page's figures; a point applies as one step", async () => {
    await openOnHost('transformer-encoder.onnx');
    expect(await runSuggest()).toEqual({ ok: true });
    const result = selectSolveResult(state())!;
    const built = selectCommittedProblem(state())!;
    const data = paretoChartData(built, state().design!, result);

    const expected = cli([
      'solve',
      'samples/transformer-encoder.onnx',
      '--topology',
      TOPOLOGY_ID,
      '--pareto',
      '--json',
    ]) as {
      pareto: { points: CliFrontPoint[]; notes: string[] };
      plans: { solver: string; placement: Record<string, string> }[];
    };
    expect(data.notes).toEqual(expected.pareto.notes);
    expect(data.front.length).toBeGreaterThan(1);
    expect(data.front.map((p) => [p.latencyMs, p.deviceEnergyMj, p.exact, p.name.split(' · ')[0]])).toEqual(
      expected.pareto.points.map((p, i) => [p.latencyMs, p.deviceEnergyMj, p.exact, `Front ${i + 1}`]),
    );
    // One marker per placement the CLI's plans give (every node named, so equal placements are
    // equal JSON), naming its solvers in the CLI's order.
    const byPlacement = new Map<string, string[]>();
    for (const plan of expected.plans) {
      const key = JSON.stringify(plan.placement);
      byPlacement.set(key, [...(byPlacement.get(key) ?? []), plan.solver]);
    }
    expect(data.suggestions.map((s) => s.name)).toEqual(
      [...byPlacement.values()].map(
        (solvers) =>
          `${solvers.join(' · ')}${solvers.length > 1 && solvers.length === expected.plans.length ? ' (all agree)' : ''} suggestion`,
      ),
    );
    // The design (all on the device) is marked, with the figures bar's figures.
    const now = selectCommittedEvaluation(state())!;
    expect([data.current.latencyMs, data.current.deviceEnergyMj]).toEqual([
      now.latencyMs,
      now.deviceEnergyMj,
    ]);
    expect(data.current.applied).toBe(true);
    // A front point that is the design now is marked as applied; the others are not.
    for (const point of data.front) {
      expect(point.applied).toBe(Object.keys(point.placement).length === 0);
    }

    const point = data.front.find((p) => !p.applied)!;
    const before = state().past.length;
    applySuggestion(point.placement, point.applyLabel);
    expect(state().past).toHaveLength(before + 1);
    expect(state().past.at(-1)!.label).toBe(point.applyLabel);
    const after = selectCommittedEvaluation(state())!;
    expect([after.latencyMs, after.deviceEnergyMj]).toEqual([point.latencyMs, point.deviceEnergyMj]);
    const again = paretoChartData(selectCommittedProblem(state())!, state().design!, result);
    expect(again.front.find((p) => p.id === point.id)!.applied).toBe(true);
    expect(again.current.latencyMs).toBe(point.latencyMs);

    state().undo();
    expect(selectCommittedEvaluation(state())!.latencyMs).toBe(now.latencyMs);
  });

  it('says a difference from the design with its sign', () => {
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    expect(signedDelta(5.5, 4, ms)).toBe('+1.50 ms');
    expect(signedDelta(3, 4, ms)).toBe('−1.00 ms');
    expect(signedDelta(4, 4, ms)).toBe('±0');
  });
});
