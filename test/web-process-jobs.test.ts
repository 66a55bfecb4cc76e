/**
 * The export, harness and profile jobs through the real web host (loopback sockets, server-sent
 * events, the browser client): each is a `cutline` child process of the host running real
 * onnxruntime and, for the harness, a process per tier. Stopping a harness mid-run leaves no tier
 * process and no process group behind; the harness refuses folders the host did not export, and
 * runs those it exported before a restart (the list is kept in the config folder).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExportArgs,
  HarnessEvent,
  JobEvent,
  JobRequest,
  OpenedModel,
  Topology,
} from '../app/shared/studio-api.js';
import type { WebStudioClient } from '../app/shared/web-client.js';
import { expectOpened as opened, webHostHarness } from './support/studio-host-fixtures.js';

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-process-jobs-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every job event the client receives, by job id; subscribed for the whole test. */
function jobEvents(client: WebStudioClient): {
  events: (jobId: string) => JobEvent[];
  /** Resolves with the job's `done` or `failed` event. */
  end: (jobId: string) => Promise<JobEvent>;
  /** Resolves once `accept` holds for the job's events so far. */
  until: (jobId: string, accept: (events: readonly JobEvent[]) => boolean) => Promise<void>;
} {
  const byJob = new Map<string, JobEvent[]>();
  const waiters = new Set<() => void>();
  client.onJob((event) => {
    byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), event]);
    for (const check of [...waiters]) check();
  });
  const events = (jobId: string): JobEvent[] => byJob.get(jobId) ?? [];
  const until = (jobId: string, accept: (list: readonly JobEvent[]) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!accept(events(jobId))) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const isEnd = (e: JobEvent): boolean => e.type === 'done' || e.type === 'failed';
  return {
    events,
    until,
    end: async (jobId) => {
      await until(jobId, (list) => list.some(isEnd));
      return events(jobId).find(isEnd)!;
    },
  };
}

async function started(client: WebStudioClient, sessionId: string, request: JobRequest): Promise<string> {
  const answer = await client.startJob(sessionId, request);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.jobId;
}

const harnessEvents = (events: readonly JobEvent[]): HarnessEvent[] =>
  events.flatMap((e) => (e.type === 'partial' && e.partial.kind === 'harness' ? [e.partial.value] : []));

/** ocr-det-mini split three ways (layers 40–69 on the edge, 70 on in the cloud), bound to 64×64. */
function exportArgs(model: OpenedModel, topology: Topology, outDir: string): ExportArgs {
  const names = model.partition.units.map((unit) => unit.name);
  return {
    topology,
    placement: Object.fromEntries([
      ...names.slice(40, 70).map((name) => [name, 'edge' as const]),
      ...names.slice(70).map((name) => [name, 'cloud' as const]),
    ]),
    pins: [],
    inputs: { x: '1x3x64x64' },
    objective: 'latency',
    outDir,
    zip: false,
    force: false,
    onUnreachable: 'fail',
    verify: true,
  };
}

/** The process group of a running process, from /proc (Linux). */
function processGroup(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (in parentheses, which may hold spaces): state, ppid, pgrp, …
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function gone(target: number): boolean {
  try {
    process.kill(target, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('export, harness and profile jobs over HTTP', () => {
  it('exports the design, runs its harness with emulated links, stops one mid-run and refuses others', async () => {
    const exportsDir = path.join(dir, 'bundles');
    const { client } = await hosts.start({ studio: { exportsDir } });
    const jobs = jobEvents(client);
    await client.eventsConnected();
    const model = opened(await client.openSample('ocr-det-mini'));
    const loaded = await client.loadTopology('pi4-wifi-edge-wan-cloud');
    if (!loaded.ok) throw new Error(loaded.error.message);

    const outDir = await client.suggestExportDir(model.sessionId);
    expect(path.dirname(outDir)).toBe(exportsDir);
    expect(path.basename(outDir)).toMatch(/^ocr-det-mini-\d{8}-\d{4}$/);
    expect(fs.existsSync(outDir)).toBe(false);
    expect(await client.chooseExportDir(outDir)).toMatchObject({
      ok: false,
      error: { code: 'NOT_SUPPORTED' },
    });

    // Export.
    const args = exportArgs(model, loaded.topology, outDir);
    const exportId = await started(client, model.sessionId, { kind: 'export', args });
    const exported = await jobs.end(exportId);
    if (exported.type !== 'done' || exported.result.kind !== 'export')
      throw new Error(JSON.stringify(exported));
    const result = exported.result.value;
    expect(result.bundleDir).toBe(outDir);
    expect(result.segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
    for (const segment of result.segments)
      expect(segment.bytes).toBe(fs.statSync(path.join(outDir, segment.file)).size);
    expect(result.crossings.length).toBeGreaterThan(0);
    expect(result.verification).toMatchObject({ ok: true });
    expect(result.verification!.maxAbsDiff).toBeLessThanOrEqual(result.verification!.tolerance);
    expect(jobs.events(exportId).some((e) => e.type === 'progress')).toBe(true);

    // The same folder again without Replace: the error says what to do.
    const againId = await started(client, model.sessionId, { kind: 'export', args });
    const again = await jobs.end(againId);
    expect(again).toMatchObject({ type: 'failed', error: { code: 'BAD_BUNDLE' } });
    if (again.type === 'failed') expect(again.error.message).toContain('tick "Replace"');

    // The harness with emulated links: requests stream in, the summary is verified.
    const harnessId = await started(client, model.sessionId, {
      kind: 'harness',
      args: { bundleDir: outDir, runs: 3, stream: 3, emulateLinks: true, calibrate: false },
    });
    const harnessEnd = await jobs.end(harnessId);
    if (harnessEnd.type !== 'done' || harnessEnd.result.kind !== 'harness')
      throw new Error(JSON.stringify(harnessEnd));
    const streamed = harnessEvents(jobs.events(harnessId));
    const requests = streamed.filter((e) => e.event === 'request' && e.index >= 0);
    expect(requests).toHaveLength(6);
    for (const request of requests) {
      expect(request).toMatchObject({ ok: true, fallback: false });
      if (request.event === 'request') {
        expect(request.computeMsPerTier).toHaveLength(3);
        expect(request.hopMs).toHaveLength(2);
      }
    }
    expect(streamed.filter((e) => e.event === 'link' && e.emulated)).toHaveLength(2);
    expect(streamed.some((e) => e.event === 'predicted')).toBe(true);
    // The partials arrive before the end, in the order the harness printed them.
    const harnessList = jobs.events(harnessId);
    expect(harnessList.at(-1)).toBe(harnessEnd);
    expect(harnessEnd.result.value).toMatchObject({ requests: 6, answered: 6, failed: 0, verified: true });

    // Another harness, stopped mid-run: its tier processes and their group are gone after the end.
    const longId = await started(client, model.sessionId, {
      kind: 'harness',
      args: { bundleDir: outDir, runs: 500, stream: 0, emulateLinks: true, calibrate: false },
    });
    await jobs.until(longId, (list) =>
      harnessEvents(list).some((e) => e.event === 'request' && e.index >= 1),
    );
    const tierPids = harnessEvents(jobs.events(longId)).flatMap((e) => (e.event === 'tier' ? [e.pid] : []));
    expect(tierPids).toHaveLength(3);
    const groups = new Set(tierPids.map(processGroup));
    expect(groups.size).toBe(1);
    await client.cancelJob(longId);
    expect(await jobs.end(longId)).toMatchObject({ type: 'failed', error: { code: 'CANCELLED' } });
    for (const pid of tierPids) expect(gone(pid), `tier process ${pid}`).toBe(true);
    for (const group of groups) expect(gone(-group), `process group ${group}`).toBe(true);

    // A folder this host did not export is refused before anything runs.
    const elsewhere = path.join(dir, 'not-exported');
    fs.mkdirSync(elsewhere, { recursive: true });
    expect(
      await client.startJob(model.sessionId, {
        kind: 'harness',
        args: { bundleDir: elsewhere, runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'NOT_ALLOWED',
        message: expect.stringContaining('Export the design from the studio first'),
      },
    });
  });

  it('runs the harness on a bundle exported before the host restarted, but not on one whose manifest is gone', async () => {
    const exportsDir = path.join(dir, 'restart-bundles');
    const first = await hosts.start({ studio: { exportsDir } });
    const { configDir } = first;
    let jobs = jobEvents(first.client);
    await first.client.eventsConnected();
    let model = opened(await first.client.openSample('ocr-det-mini'));
    const loaded = await first.client.loadTopology('pi4-wifi-edge-wan-cloud');
    if (!loaded.ok) throw new Error(loaded.error.message);
    const kept = path.join(exportsDir, 'kept');
    const emptied = path.join(exportsDir, 'emptied');
    for (const outDir of [kept, emptied]) {
      const args = { ...exportArgs(model, loaded.topology, outDir), verify: false };
      const end = await jobs.end(await started(first.client, model.sessionId, { kind: 'export', args }));
      expect(end).toMatchObject({ type: 'done' });
    }
    await hosts.stop(first);
    fs.rmSync(path.join(emptied, 'manifest.json'));

    const second = await hosts.start({ studio: { exportsDir, configDir } });
    jobs = jobEvents(second.client);
    await second.client.eventsConnected();
    model = opened(await second.client.openSample('ocr-det-mini'));
    const harnessArgs = { runs: 2, stream: 0, emulateLinks: false, calibrate: false };
    const end = await jobs.end(
      await started(second.client, model.sessionId, {
        kind: 'harness',
        args: { bundleDir: kept, ...harnessArgs },
      }),
    );
    if (end.type !== 'done' || end.result.kind !== 'harness') throw new Error(JSON.stringify(end));
    expect(end.result.value).toMatchObject({ requests: 2, answered: 2, verified: true });
    // A listed folder that no longer holds its bundle is refused (and forgotten), as any other.
    expect(
      await second.client.startJob(model.sessionId, {
        kind: 'harness',
        args: { bundleDir: emptied, ...harnessArgs },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });

  it('calibrates this machine on the session model: a device profile and per-layer rows', async () => {
    const { client } = await hosts.start();
    const jobs = jobEvents(client);
    await client.eventsConnected();
    const model = opened(await client.openSample('ocr-det-mini'));
    const profileId = await started(client, model.sessionId, {
      kind: 'profile',
      args: { runs: 3, warmup: 1 },
    });
    const end = await jobs.end(profileId);
    if (end.type !== 'done' || end.result.kind !== 'profile') throw new Error(JSON.stringify(end));
    const result = end.result.value;
    expect(result.profile.id).toBe('this-machine');
    expect(result.profile.peakGflops.fp32).toBeGreaterThan(0);
    expect(result.peakGflops).toBeGreaterThan(0);
    expect(result.layers.length).toBeGreaterThan(10);
    const names = new Set(model.partition.units.map((unit) => unit.name));
    for (const layer of result.layers) {
      expect(names.has(layer.name), layer.name).toBe(true);
      expect(layer.measuredMs).toBeGreaterThanOrEqual(0);
      expect(layer.predictedMs).toBeGreaterThan(0);
    }
    expect(Number.isFinite(result.medianAbsErrorPct)).toBe(true);
    expect(result.note).toContain('in-sample');
    expect(jobs.events(profileId).some((e) => e.type === 'progress')).toBe(true);
  });

  it('stops a page’s jobs when it leaves (reload, tab closed): its sessions are closed', async () => {
    const { client } = await hosts.start();
    const jobs = jobEvents(client);
    await client.eventsConnected();
    const model = opened(await client.openSample('ocr-det-mini'));
    const profileId = await started(client, model.sessionId, {
      kind: 'profile',
      args: { runs: 1000, warmup: 0 },
    });
    // Running: onnxruntime is timing the layers.
    await jobs.until(profileId, (list) => list.some((e) => e.type === 'log'));
    client.leave();
    const end = await jobs.end(profileId);
    expect(end).toMatchObject({ type: 'failed', error: { code: 'SESSION_CLOSED' } });
    // The session is gone too: a job on it is refused.
    const again = await client.startJob(model.sessionId, { kind: 'profile', args: { runs: 1, warmup: 0 } });
    expect(again.ok).toBe(false);
  });
});
