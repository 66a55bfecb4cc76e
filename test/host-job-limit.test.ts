/**
 * A session holds a bounded number of jobs: a page starting jobs in a loop is answered BUSY
 * instead of queueing them without end in the host and the worker, and a page opening models in
 * a loop does not start a worker per request. Real workers, real sample.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { createSessionRunner, MAX_JOBS_PER_SESSION, MAX_RUNNING_OPENS } from '../app/host/session-runner.js';
import { createStudioHost, type StudioHost } from '../app/host/studio-host.js';
import type { JobEvent, JobRequest } from '../app/shared/studio-api.js';
import { expectOpened } from './support/studio-host-fixtures.js';

const RESNET = path.join(SAMPLES_DIR, 'resnet-mini.onnx');

let dir: string;
let host: StudioHost;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-limit-'));
  host = createStudioHost({ configDir: dir });
});
afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('jobs per session', () => {
  it(`accepts ${MAX_JOBS_PER_SESSION} jobs at once, answers BUSY beyond, and accepts again once they end`, async () => {
    const opened = expectOpened(await host.openSample('resnet-mini'));
    const topology = await host.topologies.load('pi4-wifi-edge-wan-cloud');
    if (!topology.ok) throw new Error(topology.error.message);
    const request: JobRequest = { kind: 'problem', args: { topology: topology.topology } };

    const ended = new Set<string>();
    const failures: JobEvent[] = [];
    let allEnded = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      allEnded = resolve;
    });
    const accepted: string[] = [];
    const unsubscribe = host.onJob((event: JobEvent) => {
      if (event.type !== 'done' && event.type !== 'failed') return;
      if (event.type === 'failed') failures.push(event);
      ended.add(event.jobId);
      if (accepted.length === MAX_JOBS_PER_SESSION && accepted.every((id) => ended.has(id))) allEnded();
    });

    for (let i = 0; i < MAX_JOBS_PER_SESSION; i++) {
      const started = host.startJob(opened.sessionId, request);
      if (!started.ok) throw new Error(`job ${i} refused: ${started.error.message}`);
      accepted.push(started.jobId);
    }
    const refused = host.startJob(opened.sessionId, request);
    expect(refused).toEqual({
      ok: false,
      error: { code: 'BUSY', message: expect.stringContaining('Wait for them to end') },
    });

    await done;
    unsubscribe();
    expect(failures).toEqual([]);
    expect(host.startJob(opened.sessionId, request)).toEqual({ ok: true, jobId: expect.any(String) });
  });
});

describe('opens at once', () => {
  it(`analyses at most ${MAX_RUNNING_OPENS} models at once, answers BUSY beyond, and opens again after`, async () => {
    const runner = createSessionRunner({ prewarm: false }, () => undefined);
    try {
      const request = { source: { kind: 'file', path: RESNET } as const, inputs: {} };
      const pending = Array.from({ length: MAX_RUNNING_OPENS + 1 }, (_, i) =>
        runner.open(`open-${i}`, request, () => undefined),
      );
      const outcomes = await Promise.all(pending);
      expect(outcomes.slice(0, MAX_RUNNING_OPENS).map((o) => o.ok)).toEqual(
        Array.from({ length: MAX_RUNNING_OPENS }, () => true),
      );
      expect(outcomes[MAX_RUNNING_OPENS]).toEqual({
        ok: false,
        error: { code: 'BUSY', message: expect.stringContaining('being opened already') },
      });
      expect((await runner.open('again', request, () => undefined)).ok).toBe(true);
    } finally {
      await runner.close();
    }
  });
});
