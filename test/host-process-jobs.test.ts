/**
 * The host's process jobs on a model uploaded as bytes (the host keeps a copy for them): an
 * export from that copy, at most MAX_PROCESS_JOBS at once (BUSY beyond), and closing the session
 * stops its running harness runs with every tier process they started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { MAX_PROCESS_JOBS } from '../app/host/process-jobs.js';
import type { StudioHost } from '../app/host/studio-host.js';
import type { JobEvent, JobRequest } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { expectOpened, studioHostHarness } from './support/studio-host-fixtures.js';

const { dir, newHost } = studioHostHarness('cutline-host-process-');

/** Collects a host's job events; `until` waits for a condition on one job's events. */
function watch(host: StudioHost): {
  events: (jobId: string) => JobEvent[];
  until: (jobId: string, accept: (events: readonly JobEvent[]) => boolean) => Promise<readonly JobEvent[]>;
} {
  const byJob = new Map<string, JobEvent[]>();
  const checks = new Set<() => void>();
  host.onJob((event) => {
    byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), event]);
    for (const check of [...checks]) check();
  });
  const events = (jobId: string): JobEvent[] => byJob.get(jobId) ?? [];
  return {
    events,
    until: (jobId, accept) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (!accept(events(jobId))) return;
          checks.delete(check);
          resolve(events(jobId));
        };
        checks.add(check);
        check();
      }),
  };
}

function start(host: StudioHost, sessionId: string, request: JobRequest): string {
  const answer = host.startJob(sessionId, request);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.jobId;
}

const ended = (events: readonly JobEvent[]): JobEvent | undefined =>
  events.find((e) => e.type === 'done' || e.type === 'failed');

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('process jobs of an uploaded model', () => {
  it('export from the host copy, answer BUSY beyond the limit, and stop with the session', async () => {
    const host = newHost({ exportsDir: path.join(dir, 'bundles') });
    const jobs = watch(host);
    const bytes = fs.readFileSync(path.join(SAMPLES_DIR, 'resnet-mini.onnx'));
    const model = expectOpened(await host.openBytes('resnet-mini.onnx', new Uint8Array(bytes)));
    expect(model.path).toBeNull();
    const names = model.partition.units.map((unit) => unit.name);
    const outDir = await host.suggestExportDir(model.sessionId);
    expect(path.basename(outDir)).toMatch(/^resnet-mini-/);

    const exportId = start(host, model.sessionId, {
      kind: 'export',
      args: {
        topology: loadTopology('n2-wifi-i7'),
        placement: Object.fromEntries(names.slice(names.length >> 1).map((name) => [name, 'edge' as const])),
        pins: [],
        inputs: {},
        objective: 'latency',
        outDir,
        zip: true,
        force: false,
        onUnreachable: 'local',
        verify: true,
      },
    });
    const exported = ended(await jobs.until(exportId, (list) => ended(list) !== undefined));
    expect(exported).toMatchObject({
      type: 'done',
      result: {
        kind: 'export',
        value: { bundleDir: outDir, zipPath: `${outDir}.zip`, verification: { ok: true } },
      },
    });
    expect(fs.existsSync(`${outDir}.zip`)).toBe(true);

    // As many long harness runs as the host allows, then BUSY.
    const harness: JobRequest = {
      kind: 'harness',
      args: { bundleDir: outDir, runs: 1000, stream: 0, emulateLinks: true, calibrate: false },
    };
    const runs = Array.from({ length: MAX_PROCESS_JOBS }, () => start(host, model.sessionId, harness));
    expect(host.startJob(model.sessionId, harness)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    for (const jobId of runs) {
      await jobs.until(jobId, (list) =>
        list.some(
          (e) => e.type === 'partial' && e.partial.value.event === 'request' && e.partial.value.index >= 0,
        ),
      );
    }
    const tierPids = runs.flatMap((jobId) =>
      jobs
        .events(jobId)
        .flatMap((e) =>
          e.type === 'partial' && e.partial.value.event === 'tier' ? [e.partial.value.pid] : [],
        ),
    );
    expect(tierPids).toHaveLength(2 * MAX_PROCESS_JOBS);

    await host.closeSession(model.sessionId);
    for (const jobId of runs) {
      const end = ended(await jobs.until(jobId, (list) => ended(list) !== undefined));
      expect(end).toMatchObject({ type: 'failed', error: { code: 'SESSION_CLOSED' } });
    }
    for (const pid of tierPids) expect(gone(pid), `tier process ${pid}`).toBe(true);
  });
});
