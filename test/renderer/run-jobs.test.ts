/**
 * The Export, Run and This machine tabs' actions against a real web host (real HTTP, server-sent
 * events, the host's `cutline` child processes): exporting the design lands the bundle with its
 * segments and verification, and refuses an existing folder with a coded sentence; the harness
 * run on that bundle streams its events into the store and ends with the summary; a calibration
 * gives a profile a tier can run on, undoably; a model opened since makes all of it moot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import { setStudioApi } from '../../app/renderer/api/studio-api.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { exportDesign, suggestedExportDir } from '../../app/renderer/run/export-actions.js';
import { startHarness } from '../../app/renderer/run/harness-actions.js';
import { calibrateThisMachine, runTierOnThisMachine } from '../../app/renderer/run/calibrate-actions.js';
import { runFigures } from '../../app/renderer/run/harness-run.js';
import {
  selectCalibration,
  selectExportError,
  selectHarnessRun,
  selectLastExport,
} from '../../app/renderer/run/run-slice.js';
import { hostJobs } from '../../app/renderer/actions/job-runner.js';
import { expectOpened, webHostHarness } from '../support/studio-host-fixtures.js';

const SAMPLE = path.resolve('samples/edge-prune-vehicle.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');

let dir: string;
const hosts = webHostHarness(() => dir);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-run-jobs-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const state = () => useStudio.getState();

/** Opens the sample on a real web host and starts a design splitting it device → cloud. */
async function openOnHost(): Promise<void> {
  // Bundles go under the test's folder, not the user's ~/Cutline/bundles.
  const { client } = await hosts.start({ studio: { exportsDir: path.join(dir, 'bundles') } });
  setStudioApi(client);
  hostJobs();
  await client.eventsConnected();
  const model = expectOpened(
    await client.openBytes('edge-prune-vehicle.onnx', new Uint8Array(fs.readFileSync(SAMPLE))),
  );
  state().openFinished({ ok: true, model });
  // The dense layers (the last ones) in the cloud: one crossing up, one down.
  const layers = model.partition.units.map((u) => u.name);
  const cloud = Object.fromEntries(layers.slice(-3).map((id) => [id, 'cloud' as const]));
  state().startDesign(
    {
      placement: cloud,
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

describe('export, run and calibrate from the page', () => {
  it('exports the design, runs its harness and ends with the summary', async () => {
    await openOnHost();
    const sessionId = state().opened!.sessionId;
    const outDir = await suggestedExportDir(sessionId);
    expect(path.dirname(outDir)).toBe(path.join(dir, 'bundles'));
    const options = { outDir, zip: false, force: false, verify: true, onUnreachable: 'fail' as const };
    await exportDesign(options);
    const record = selectLastExport(state());
    expect(selectExportError(state())).toBeNull();
    expect(state().exportJob).toBeNull();
    expect(record?.result.bundleDir).toBe(outDir);
    expect(record?.args.placement).toBe(state().design!.placement);
    expect(record?.result.segments.map((s) => s.tier)).toEqual(['device', 'cloud']);
    expect(fs.existsSync(path.join(outDir, 'manifest.json'))).toBe(true);
    expect(record?.result.verification?.ok).toBe(true);

    // The same folder again without Replace: refused, the bundle written before still shown.
    await exportDesign(options);
    expect(selectExportError(state())?.code).toBe('BAD_BUNDLE');
    expect(selectExportError(state())?.message).toContain('Replace');
    expect(selectLastExport(state())).toBe(record);

    await startHarness({ runs: 4, stream: 3, emulateLinks: false, calibrate: false });
    const run = selectHarnessRun(state())!;
    expect(run.status).toBe('done');
    expect(run.args.bundleDir).toBe(outDir);
    expect(run.tiers).toHaveLength(3);
    expect(run.requests).toHaveLength(7);
    expect(run.summary?.verified).toBe(true);
    const figures = runFigures(run);
    expect(figures.answered).toBe(run.summary!.answered);
    expect(figures.computeMsPerTier[0]).toBeCloseTo(run.summary!.measured.computeMsPerTier[0]!, 9);
  }, 180_000);

  it('calibrates this machine and runs a tier on it as one undoable step', async () => {
    await openOnHost();
    await calibrateThisMachine({ runs: 2, warmup: 1 });
    const calibration = selectCalibration(state());
    expect(state().calibrationJob).toBeNull();
    expect(calibration?.result.layers.length).toBeGreaterThan(0);
    expect(calibration?.result.peakGflops).toBeGreaterThan(0);
    const before = state().design!.topology;
    runTierOnThisMachine(1);
    expect(state().design!.topology.tiers[1]!.device).toBe(calibration!.result.profile);
    state().undo();
    expect(state().design!.topology).toBe(before);

    // Another model opened: the calibration belonged to the closed session.
    await openOnHost();
    expect(selectCalibration(state())).toBeNull();
    expect(selectLastExport(state())).toBeNull();
  }, 180_000);
});
