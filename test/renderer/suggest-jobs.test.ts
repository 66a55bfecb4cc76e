/**
 * The Suggestions and Cut points tabs' jobs through the page's own actions against a real web
 * host (real HTTP, server-sent events, the session worker): Suggest writes the settings to the
 * design as one step and lands the solvers' plans, whose rows' figures are the page's evaluator's;
 * an impossible deadline lists each solver with the CLI's message; results go stale when the
 * settings or the topology change; the cut points arrive ranked and a row applies as one step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { loadTopology } from '../../core/profiles/load.js';
import { applySuggestion, cutPointPlacement } from '../../app/renderer/actions/suggestion.js';
import { setStudioApi } from '../../app/renderer/api/studio-api.js';
import {
  placementArray,
  selectCommittedEvaluation,
  selectCommittedProblem,
} from '../../app/renderer/design/figures.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { hostJobs } from '../../app/renderer/actions/job-runner.js';
import {
  cancelSuggest,
  CUT_POINT_LIMIT,
  runCutPoints,
  runSuggest,
} from '../../app/renderer/suggest/run-jobs.js';
import {
  selectSolveApplicable,
  selectSolveForm,
  selectSolveResult,
  selectSolveStale,
} from '../../app/renderer/suggest/solve-selectors.js';
import { suggestionRows } from '../../app/renderer/suggest/suggestion-rows.js';
import { chainModel, expectOpened, webHostHarness } from '../support/studio-host-fixtures.js';

const SAMPLE = path.resolve('samples/resnet-mini.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const CHAIN_LAYERS = 3000;

let dir: string;
const hosts = webHostHarness(() => dir);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-suggest-jobs-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const state = () => useStudio.getState();

/** Opens a model (the sample unless given) on a real web host and starts its design in the store, as the page does. */
async function openOnHost(bytes = new Uint8Array(fs.readFileSync(SAMPLE))): Promise<void> {
  const { client } = await hosts.start();
  setStudioApi(client);
  // The tabs' runner subscribes to the host's job events; wait until they flow.
  hostJobs();
  await client.eventsConnected();
  const model = expectOpened(await client.openBytes('model.onnx', bytes));
  state().openFinished({ ok: true, model });
  state().setSolveRun(null);
  state().setCutRun(null);
  state().startDesign(
    {
      placement: {},
      pins: [],
      topology,
      topologyId: topology.spec.id,
      inputs: {},
      objective: 'latency',
      constraints: [],
    },
    null,
  );
}

function editForm(change: Parameters<typeof Object.assign>[1]): void {
  state().setSolveDraft(state().opened!.sessionId, { ...selectSolveForm(state())!, ...change });
}

describe('suggestions as a host job', () => {
  it('writes the settings as one step, lands the plans and the Pareto front, and goes stale on a change', async () => {
    await openOnHost();
    editForm({ objective: 'throughput', rawInputOnDevice: true });
    const progress: number[] = [];
    const unsubscribe = useStudio.subscribe((s) => {
      if (s.solveRun?.status === 'running') progress.push(s.solveRun.fraction);
    });
    expect(await runSuggest()).toEqual({ ok: true });
    unsubscribe();
    expect(progress.length).toBeGreaterThan(0);
    expect(state().solveRun?.status).toBe('done');
    expect(state().past.map((e) => e.label)).toEqual(['Solver settings: throughput']);
    expect(state().design!.constraints).toEqual(['raw-input-on-device']);
    expect(state().solveDraft).toBeNull();

    const result = selectSolveResult(state())!;
    expect(result.plans.length).toBeGreaterThan(0);
    expect(result.pareto?.points.length).toBeGreaterThan(0);
    expect(selectSolveStale(state())).toBe(false);
    expect(selectSolveApplicable(state())).toBe(true);

    // Each row's figures are the page's evaluator's on the design's problem, and keep the constraint.
    const built = selectCommittedProblem(state())!;
    const rows = suggestionRows(built, state().design!, result.plans);
    expect(rows[0]!.solver).toBe('Current design');
    for (const row of rows.slice(1)) {
      const evaluation = evaluatePlacement(built.problem, placementArray(built, row.placement));
      expect(row.evaluation.throughputPerS).toBe(evaluation.throughputPerS);
      expect(row.evaluation.rawInputLeavesDevice).toBe(false);
    }

    // Applying the best row is one step; the figures bar then shows the row's figures.
    const best = rows.slice(1).find((row) => !row.applied)!;
    expect(best).toBeDefined();
    applySuggestion(best.placement, best.label);
    expect(state().past.at(-1)!.label).toBe(best.label);
    expect(selectCommittedEvaluation(state())!.deviceEnergyMj).toBe(best.evaluation.deviceEnergyMj);
    // A placement change is not a settings change: the results still stand.
    expect(selectSolveStale(state())).toBe(false);

    editForm({ deadlineMs: '50' });
    expect(selectSolveStale(state())).toBe(true);
    state().setSolveDraft(state().opened!.sessionId, null);
    expect(selectSolveStale(state())).toBe(false);
    state().editLink(0, { uplinkMbps: 1 });
    expect(selectSolveStale(state())).toBe(true);
    expect(selectSolveApplicable(state())).toBe(false);
  });

  it('lists each solver that finds nothing with the CLI message naming the constraint and by how much', async () => {
    await openOnHost();
    editForm({ deadlineMs: '0.001' });
    await runSuggest();
    const result = selectSolveResult(state())!;
    expect(result.plans).toHaveLength(0);
    expect(result.infeasible.length).toBeGreaterThan(0);
    for (const item of result.infeasible)
      expect(item.message).toMatch(/latency deadline: .* ms over the 0.001 ms deadline/);
    // The current design's row says what it breaks, in the same words.
    const rows = suggestionRows(
      selectCommittedProblem(state())!,
      state().design!,
      result.plans,
      state().solveRun!.basis.constraints,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.notes).toEqual([
      expect.stringMatching(/^breaks latency deadline: takes .* ms over the 0.001 ms deadline$/),
    ]);
  });

  it('Cancel stops the solvers on the host, asked even before the host has answered with the job', async () => {
    // A chain long enough (seconds of solving) that its solvers are still running when Cancel arrives.
    await openOnHost(new Uint8Array(chainModel(CHAIN_LAYERS)));
    const running = runSuggest();
    cancelSuggest();
    expect(state().solveRun?.cancelRequested).toBe(true);
    await running;
    // The host answered CANCELLED (a finished solve would have left its results): the run is
    // gone and what was there before (nothing) shows again.
    expect(state().solveRun).toBeNull();
  });

  it('refuses a field it cannot read without running anything', async () => {
    await openOnHost();
    editForm({ minDeviceLayers: 'many' });
    const outcome = await runSuggest();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problems.map((p) => p.field)).toEqual(['min-device-layers']);
    expect(state().solveRun).toBeNull();
    expect(state().past).toHaveLength(0);
  });
});

describe('cut points as a host job', () => {
  it('ranks the cuts onto the last tier by default, and a row applies as its single cut', async () => {
    await openOnHost();
    await runCutPoints();
    const run = state().cutRun!;
    expect(run.status).toBe('done');
    const result = run.result!;
    const units = selectCommittedProblem(state())!.problem.units.length;
    expect(result.serverTier).toBe(2);
    expect(result.total).toBe(units + 1);
    expect(result.points.length).toBe(Math.min(CUT_POINT_LIMIT, units + 1));
    const latencies = result.points.map((p) => p.latencyMs);
    expect([...latencies].sort((a, b) => a - b)).toEqual(latencies);

    const point = result.points.find((p) => p.deviceLayers > 0 && p.deviceLayers < units)!;
    applySuggestion(cutPointPlacement(point.deviceLayers, result.serverTier), 'Apply cut');
    const evaluation = selectCommittedEvaluation(state())!;
    expect(evaluation.latencyMs).toBe(point.latencyMs);
    expect(evaluation.deviceEnergyMj).toBe(point.deviceEnergyMj);
    expect(state().past).toHaveLength(1);

    state().setCutServerTier(1);
    await runCutPoints();
    expect(state().cutRun!.result!.serverTier).toBe(1);
  });
});
