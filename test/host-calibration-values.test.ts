/**
 * The studio's calibration runs as the tiers will (note15 "Left" 2 and 4): through the real web
 * host, the This machine job feeds the session's input values (sr = 16000 set in the header) and
 * times with one intra-op thread unless asked for more, as the harness pins each tier; the kept
 * table is keyed by both, and a second calibration reuses the layers and the host peak it kept
 * instead of measuring a new one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profilePlan } from '../app/host/profile-job.js';
import type { JobEvent, JobRequest, ProfileResult } from '../app/shared/studio-api.js';
import { parseStudioArgs } from '../app/shared/studio-validate.js';
import type { WebStudioClient } from '../app/shared/web-client.js';
import { readMeasurementTable } from '../core/profiling/measurement-table-file.js';
import { srBranchModel } from './support/branch-models.js';
import { expectOpened as opened, webHostHarness } from './support/studio-host-fixtures.js';

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-calibration-values-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs jobs on `client` (its event stream watched from the start), each resolving with its end event. */
function jobRunner(client: WebStudioClient): (sessionId: string, request: JobRequest) => Promise<JobEvent> {
  const ended = new Map<string, JobEvent>();
  const waiting = new Map<string, (event: JobEvent) => void>();
  client.onJob((event) => {
    if (event.type !== 'done' && event.type !== 'failed') return;
    ended.set(event.jobId, event);
    waiting.get(event.jobId)?.(event);
  });
  return async (sessionId, request) => {
    const answer = await client.startJob(sessionId, request);
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return ended.get(answer.jobId) ?? new Promise<JobEvent>((resolve) => waiting.set(answer.jobId, resolve));
  };
}

function profileResult(end: JobEvent): ProfileResult {
  if (end.type !== 'done' || end.result.kind !== 'profile') throw new Error(JSON.stringify(end));
  return end.result.value;
}

describe("the studio's calibration", () => {
  it("feeds the session's input values, times with 1 thread, and reuses the layers and peak it kept", async () => {
    const host = await hosts.start();
    const job = jobRunner(host.client);
    await host.client.eventsConnected();
    const model = opened(await host.client.openBytes('vad-like.onnx', srBranchModel()));
    // sr = 16000 typed in the header's value field: the session's analysis takes it.
    const analysed = await job(model.sessionId, {
      kind: 'analyse',
      args: { inputs: { x: '1x64' }, inputValues: { sr: '16000' } },
    });
    expect(analysed.type).toBe('done');

    const first = profileResult(
      await job(model.sessionId, { kind: 'profile', args: { runs: 1, warmup: 0 } }),
    );
    expect(first).toMatchObject({ threads: 1, inputValues: { sr: '16000' } });
    expect(first.kept?.measured).toEqual(['vad-like.onnx']);
    const table = readMeasurementTable(path.join(host.configDir, 'this-machine.measurements.json'));
    expect(table.models.map((m) => [m.key.inputValues, m.key.intraOpThreads])).toEqual([
      [{ sr: [16000] }, 1],
    ]);
    expect(table.peak).toMatchObject({ gflops: first.peakGflops, intraOpThreads: 1 });

    // Nothing new to time: the layers and the peak are the kept ones, so the figures stay put.
    const second = profileResult(
      await job(model.sessionId, { kind: 'profile', args: { runs: 1, warmup: 0 } }),
    );
    expect(second.kept).toMatchObject({ reused: ['vad-like.onnx'], measured: [] });
    expect(second.peakGflops).toBe(first.peakGflops);
    expect(first.peakKeptFrom).toBeUndefined();
    expect(second.peakKeptFrom).toBe(table.peak!.measuredAt);
    expect(second.profile.peakGflops).toEqual(first.profile.peakGflops);
  });

  it('asks cutline profile for the threads chosen, and refuses a thread count that is not one', () => {
    const model = { path: '/m/vad.onnx', fileName: 'vad.onnx', sha256: '0'.repeat(64), inputs: {} };
    const argvOf = (threads?: number) => {
      const plan = profilePlan(
        { ...model, inputValues: { sr: '8000' } },
        { runs: 1, warmup: 0, ...(threads ? { threads } : {}) },
      );
      fs.rmSync(plan.tempDir, { recursive: true, force: true });
      return plan.argv.join(' ');
    };
    expect(argvOf()).toContain('--threads 1');
    expect(argvOf(4)).toContain('--threads 4');
    expect(argvOf()).toContain('--input-value sr=8000');
    const check = (threads: unknown) =>
      parseStudioArgs('startJob', ['s', { kind: 'profile', args: { runs: 1, warmup: 0, threads } }]);
    expect(check(2).ok).toBe(true);
    for (const bad of [0, 1.5, '2', 100_000]) {
      const result = check(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      expect(!result.ok && result.message).toMatch(/^startJob: args\[1\]\.args\.threads: /);
    }
  });
});
