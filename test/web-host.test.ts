/**
 * The local web host over real loopback sockets: every StudioApi method through the browser
 * client (app/shared/web-client.ts), progress over server-sent events, cancelling a long open,
 * a worker exhausted by a huge model, and the recent list across restarts. Access control and
 * bad requests: test/host-web-access.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type {
  HostCommand,
  JobEvent,
  ProgressEvent,
  ProjectFile,
  RecoveredDesign,
} from '../app/shared/studio-api.js';
import { createWebStudioClient, type WebStudioClient } from '../app/shared/web-client.js';
import { analyzeFile } from '../core/analyze.js';
import {
  chainModel,
  expectOpened as opened,
  tinyModel,
  webHostHarness,
} from './support/studio-host-fixtures.js';

/** Nodes in the slow model: its analysis takes seconds, long enough to cancel mid-way. */
const SLOW_MODEL_NODES = 300_000;

let dir: string;
let tinyPath: string;
let slowModel: Uint8Array;
const hosts = webHostHarness(() => dir);
const start = hosts.start;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-web-'));
  tinyPath = path.join(dir, 'models', 'tiny.onnx');
  fs.mkdirSync(path.dirname(tinyPath));
  fs.writeFileSync(tinyPath, tinyModel());
  slowModel = chainModel(SLOW_MODEL_NODES);
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Resolves with the first progress event matching `accept`; subscribe before starting the job.
 * Tests keep one other listener for their whole run: the client closes the event stream when
 * its last listener leaves, and events sent while it reconnects would be missed.
 */
function progressEvent(
  client: WebStudioClient,
  accept: (event: ProgressEvent) => boolean,
): Promise<ProgressEvent> {
  return new Promise((resolve) => {
    const unsubscribe = client.onProgress((event) => {
      if (!accept(event)) return;
      unsubscribe();
      resolve(event);
    });
  });
}

describe('every StudioApi method through the web client', () => {
  it('answers hostInfo, samples, opens, recent files, projects and cancel', async () => {
    const { web, client, configDir } = await start({ studio: { commandLinePath: tinyPath } });

    expect(await client.hostInfo()).toEqual({
      kind: 'web',
      version: web.host.version,
      platform: process.platform,
      nativeDialogs: false,
    });

    const initial = opened(await client.initialModel());
    expect(initial).toMatchObject({ fileName: 'tiny.onnx', path: tinyPath });
    expect(initial.view.layers.map((l) => l.id)).toEqual(['add', 'relu']);

    expect(await client.openWithDialog()).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });

    expect(opened(await client.openRecent(tinyPath)).path).toBe(tinyPath);
    const never = path.join(dir, 'never-chosen.onnx');
    fs.writeFileSync(never, tinyModel());
    expect(await client.openRecent(never)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(await client.openRecent('/etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });

    const uploaded = opened(await client.openBytes('upload.onnx', tinyModel()));
    expect(uploaded).toMatchObject({ fileName: 'upload.onnx', path: null });
    const hostile = await client.openBytes(
      'evil.onnx',
      new TextEncoder().encode('<script>alert(1)</script>'),
    );
    expect(hostile).toMatchObject({
      ok: false,
      error: { code: 'NOT_ONNX', message: expect.stringContaining('evil.onnx') },
    });

    const samples = await client.listSamples();
    expect(samples.map((s) => s.id)).toContain('transformer-encoder');
    const sample = opened(await client.openSample('transformer-encoder'));
    expect(sample.view.summary.inputs[0]?.name).toBe('input_ids');
    expect(await client.openSample('nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    expect((await client.listRecent()).map((r) => r.path)).toEqual([tinyPath]);

    const project: ProjectFile = {
      format: 'cutline-project',
      version: 2,
      model: { fileName: 'tiny.onnx', path: tinyPath, sha256: initial.sha256 },
      inputs: {},
      topology: { kind: 'bundled', id: 'n2-wifi-i7' },
      placement: { relu: 'edge' },
      pins: ['relu'],
      objective: 'latency',
      constraints: [],
      view: { expanded: [], selected: null, metric: 'macs' },
    };
    const saved = await client.saveProject(project, { saveAs: true });
    const projectPath = path.join(configDir, 'projects', `tiny-${initial.sha256.slice(0, 12)}.cutline.json`);
    expect(saved).toEqual({ ok: true, path: projectPath });
    expect(JSON.parse(fs.readFileSync(projectPath, 'utf8'))).toEqual(project);

    await expect(client.cancel(crypto.randomUUID())).resolves.toBeUndefined();

    const command = new Promise<HostCommand>((resolve) => {
      const unsubscribe = client.onCommand((received) => {
        unsubscribe();
        resolve(received);
      });
    });
    await client.eventsConnected();
    web.sendCommand({ type: 'theme', theme: 'dark' });
    expect(await command).toEqual({ type: 'theme', theme: 'dark' });
  });

  it('streams progress events over SSE in stage order', async () => {
    const { client } = await start();
    const events: ProgressEvent[] = [];
    const done = progressEvent(client, (event) => event.stage === 'done');
    client.onProgress((event) => events.push(event));
    await client.eventsConnected();
    const result = opened(await client.openSample('mobilenetv2-mini'));
    expect(await done).toMatchObject({ jobId: result.jobId, fraction: 1 });
    expect(events.map((e) => e.stage)).toEqual([
      'read',
      'decode',
      'graph',
      'shapes',
      'costs',
      'layers',
      'view',
      'done',
    ]);
    expect(events.every((e) => e.jobId === result.jobId && e.message.length > 0)).toBe(true);
  });
});

describe('a long open', () => {
  it('is cancelled by cancel(jobId) and the host keeps serving', async () => {
    const { client } = await start();
    client.onProgress(() => undefined);
    const running = progressEvent(client, (event) => event.stage === 'shapes');
    await client.eventsConnected();
    const result = client.openBytes('chain.onnx', slowModel);
    const { jobId } = await running;
    await client.cancel(jobId);
    expect(await result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(opened(await client.openSample('resnet-mini')).fileName).toBe('resnet-mini.onnx');
  });

  it('is cancelled when the page goes away mid-request', async () => {
    const { web, client, origin } = await start();
    client.onProgress(() => undefined);
    const running = progressEvent(client, (event) => event.stage === 'graph');
    await client.eventsConnected();
    const abort = new AbortController();
    const request = fetch(`${origin}/api/openBytes?name=chain.onnx`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Cutline-Token': web.token },
      body: slowModel,
      signal: abort.signal,
    });
    const { jobId } = await running;
    const finished = progressEvent(client, (event) => event.jobId === jobId && event.stage === 'done');
    abort.abort();
    await expect(request).rejects.toThrow();
    expect((await finished).message).toMatch(/cancelled/);
  });

  it('that exhausts its analysis process fails with ANALYSIS_OUT_OF_MEMORY while the host keeps serving', async () => {
    const { client } = await start({ studio: { analysis: { heapMb: 64 } } });
    const result = await client.openBytes('chain.onnx', slowModel);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'ANALYSIS_OUT_OF_MEMORY', message: expect.stringContaining('memory') },
    });
    expect(opened(await client.openSample('edge-prune-vehicle')).view.summary.nodeCount).toBe(13);
  });
});

describe('sessions, jobs, topologies and projects over HTTP', () => {
  it('runs an analyse job with a binding and streams its events, the answer first', async () => {
    const { client } = await start();
    const model = opened(await client.openSample('transformer-encoder'));
    const events: JobEvent[] = [];
    const known: { jobId?: string } = {};
    const knownAtEvent: (string | undefined)[] = [];
    const ended = new Promise<JobEvent>((resolve) => {
      client.onJob((event) => {
        // The page knows the job's id (startJob's answer) before the job's first event.
        knownAtEvent.push(known.jobId);
        events.push(event);
        if (event.type === 'done' || event.type === 'failed') resolve(event);
      });
    });
    await client.eventsConnected();
    const started = await client.startJob(model.sessionId, {
      kind: 'analyse',
      args: { inputs: { input_ids: '4x8' } },
    });
    if (!started.ok) throw new Error(started.error.message);
    known.jobId = started.jobId;
    const end = await ended;
    if (end.type !== 'done' || end.result.kind !== 'analyse') throw new Error(JSON.stringify(end));
    const reference = analyzeFile(path.join(SAMPLES_DIR, 'transformer-encoder.onnx'), {
      inputShapes: { input_ids: [4, 8] },
    });
    expect(end.result.value.view.summary.totals.macs).toBe(reference.totals.macs);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.every((e) => e.jobId === started.jobId)).toBe(true);
    expect(knownAtEvent).toEqual(events.map(() => started.jobId));

    expect(
      await client.startJob(model.sessionId, { kind: 'analyse', args: { inputs: 'x' } } as never),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await client.closeSession(model.sessionId);
    expect(await client.startJob(model.sessionId, { kind: 'analyse', args: { inputs: {} } })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_CLOSED' },
    });
  });

  it('lists and loads topologies, parses an upload and refuses a file path in it', async () => {
    const { client } = await start();
    const list = await client.listTopologies();
    expect(list.map((t) => t.id)).toContain('pi4-wifi-edge-wan-cloud');
    const loaded = await client.loadTopology('n2-wifi-i7');
    expect(loaded).toMatchObject({ ok: true, bundledId: 'n2-wifi-i7' });
    expect(await client.lastTopology()).toMatchObject({ ok: true, bundledId: 'pi4-wifi-edge-wan-cloud' });
    if (loaded.ok) await client.rememberTopology('n2-wifi-i7', loaded.topology);
    expect(await client.lastTopology()).toMatchObject({ ok: true, bundledId: 'n2-wifi-i7' });
    expect(await client.loadTopology('../../etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const upload = {
      id: 'up',
      name: 'Uploaded',
      tiers: [{ name: 'device', device: '/etc/passwd' }],
      links: [],
    };
    const refused = await client.parseTopology('up.json', JSON.stringify(upload));
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_TOPOLOGY' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/^up\.json: tiers\[0\]\.device names the file/);
    expect(await client.openTopologyWithDialog()).toMatchObject({
      ok: false,
      error: { code: 'NOT_SUPPORTED' },
    });
    expect((await client.listProfiles()).devices.length).toBeGreaterThan(3);
  });

  it('saves a project, and after a reload (a new page) opens it from the recent list or as an upload', async () => {
    const first = await start({ studio: { commandLinePath: tinyPath } });
    const model = opened(await first.client.initialModel());
    const project: ProjectFile = {
      format: 'cutline-project',
      version: 2,
      model: { fileName: 'tiny.onnx', path: tinyPath, sha256: model.sha256 },
      inputs: {},
      topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
      placement: { relu: 'cloud' },
      pins: [],
      objective: 'energy',
      constraints: ['raw-input-on-device'],
      view: { expanded: [], selected: 'relu', metric: 'macs' },
    };
    const saved = await first.client.saveProject(project, { saveAs: false });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(await first.client.setDirty(true)).toBeUndefined();

    const page = createWebStudioClient({ baseUrl: first.origin, token: first.web.token });
    const recent = await page.listRecent();
    expect(recent[0]).toMatchObject({ kind: 'project', path: saved.path });
    const reopened = await page.openRecentProject(saved.path);
    expect(reopened).toMatchObject({
      ok: true,
      project,
      projectPath: saved.path,
      model: { sha256: model.sha256 },
    });
    const uploaded = await page.openProjectText('tiny.cutline.json', fs.readFileSync(saved.path, 'utf8'));
    expect(uploaded).toMatchObject({ ok: true, project, projectPath: null });
    expect(await page.openRecentProject('/etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(await page.openProjectWithDialog()).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(await page.initialProject()).toBeNull();

    expect(await page.recovery()).toBeNull();
    const design: RecoveredDesign = { project, projectPath: null, savedAt: new Date().toISOString() };
    await page.autosave(design);
    expect(await page.recovery()).toEqual(design);
    expect(await page.openRecovery()).toMatchObject({ ok: true, project });
    await page.autosave(null);
    expect(await page.recovery()).toBeNull();
    page.close();
  });
});

describe('the recent list', () => {
  it('persists across host restarts and keeps those files openable', async () => {
    const first = await start({ studio: { commandLinePath: tinyPath } });
    opened(await first.client.initialModel());
    await hosts.stop(first);

    const second = await start({ studio: { configDir: first.configDir } });
    const recent = await second.client.listRecent();
    expect(recent.map((r) => [r.path, r.fileName])).toEqual([[tinyPath, 'tiny.onnx']]);
    expect(opened(await second.client.openRecent(tinyPath)).path).toBe(tinyPath);
    expect(opened(await second.client.initialModel()).fileName).toBe('edge-prune-vehicle.onnx');
  });
});
