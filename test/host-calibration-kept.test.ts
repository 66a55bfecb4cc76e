/**
 * The studio's calibration keeps its measurements in the config folder: through the real web
 * host, a calibration writes this machine's profile and measurement table there, and a studio
 * started again on the same folder answers from the table (`fromTable`: nothing timed) with the
 * same measured layers; a model never calibrated is PROFILE_NOT_FOUND, not a fresh run, and with
 * nothing kept at all the job is refused before any command starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, ProfileArgs, ProfileResult } from '../app/shared/studio-api.js';
import type { WebStudioClient } from '../app/shared/web-client.js';
import { readMeasurementTable } from '../core/profiling/measurement-table-file.js';
import { expectOpened as opened, webHostHarness } from './support/studio-host-fixtures.js';

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-calibration-kept-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Watches `client`'s job events (subscribed before its event stream connects, as the page does)
 * and runs profile jobs, each resolving with its end event.
 */
function profileJobs(client: WebStudioClient): (sessionId: string, args: ProfileArgs) => Promise<JobEvent> {
  const ended = new Map<string, JobEvent>();
  const waiting = new Map<string, (event: JobEvent) => void>();
  client.onJob((event) => {
    if (event.type !== 'done' && event.type !== 'failed') return;
    ended.set(event.jobId, event);
    waiting.get(event.jobId)?.(event);
  });
  return async (sessionId, args) => {
    const answer = await client.startJob(sessionId, { kind: 'profile', args });
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    const done = ended.get(answer.jobId);
    return done ?? new Promise<JobEvent>((resolve) => waiting.set(answer.jobId, resolve));
  };
}

function profileResult(end: JobEvent): ProfileResult {
  if (end.type !== 'done' || end.result.kind !== 'profile') throw new Error(JSON.stringify(end));
  return end.result.value;
}

describe('calibration kept in the config folder', () => {
  it('is answered from the table after a restart, and a model never calibrated is not found', async () => {
    const first = await hosts.start();
    const firstJob = profileJobs(first.client);
    await first.client.eventsConnected();
    const model = opened(await first.client.openSample('edge-prune-vehicle'));
    // Nothing kept yet: refused at once, no command started.
    expect(
      await first.client.startJob(model.sessionId, {
        kind: 'profile',
        args: { runs: 1, warmup: 0, fromTable: true },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const calibrated = profileResult(await firstJob(model.sessionId, { runs: 1, warmup: 0 }));
    expect(calibrated.kept?.measured).toEqual(['edge-prune-vehicle.onnx']);
    expect(calibrated.kept?.reused).toEqual([]);
    const tableFile = path.join(first.configDir, 'this-machine.measurements.json');
    expect(calibrated.kept?.file).toBe(tableFile);
    expect(fs.existsSync(path.join(first.configDir, 'this-machine.json'))).toBe(true);
    expect(readMeasurementTable(tableFile).models.map((m) => m.modelName)).toEqual([
      'edge-prune-vehicle.onnx',
    ]);
    await hosts.stop(first);

    // The studio reopened on the same folder: the table answers, nothing is timed again.
    const again = await hosts.start({ studio: { configDir: first.configDir } });
    const job = profileJobs(again.client);
    await again.client.eventsConnected();
    const reopened = opened(await again.client.openSample('edge-prune-vehicle'));
    const kept = profileResult(await job(reopened.sessionId, { runs: 1, warmup: 0, fromTable: true }));
    expect(kept.kept?.reused).toEqual(['edge-prune-vehicle.onnx']);
    expect(kept.kept?.measured).toEqual([]);
    expect(kept.measuredAt).toBe(readMeasurementTable(tableFile).models[0]!.measuredAt);
    expect(kept.layers.map((l) => [l.name, l.measuredMs])).toEqual(
      calibrated.layers.map((l) => [l.name, l.measuredMs]),
    );
    expect(kept.profile).toEqual(calibrated.profile);

    const other = opened(await again.client.openSample('resnet-mini'));
    const missing = await job(other.sessionId, { runs: 1, warmup: 0, fromTable: true });
    expect(missing).toMatchObject({ type: 'failed', error: { code: 'PROFILE_NOT_FOUND' } });
  });
});
