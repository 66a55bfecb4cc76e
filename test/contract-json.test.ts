/**
 * Everything that crosses the host boundary is plain JSON: the web host speaks JSON and Electron
 * structured clone, so a value must survive both unchanged. Every contract type, made by the
 * real host from real sample models (an OpenedModel with its view and partition, every JobEvent
 * variant with real results, topologies, profiles, projects, recovery, recent files, commands),
 * goes through JSON.stringify/parse and must come back deep-equal, and holds no typed array,
 * Map, Set, undefined, NaN or ±Infinity anywhere.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { createStudioHost, type StudioHost } from '../app/host/studio-host.js';
import type {
  HostCommand,
  JobEvent,
  OpenedModel,
  ProjectFile,
  ProjectOpenResult,
  RecoveredDesign,
} from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { migrateV1 } from '../core/project/parse.js';
import { chainModel } from './support/studio-host-fixtures.js';

let dir: string;
let host: StudioHost;
let opened: OpenedModel;
let project: ProjectFile;
let modelPath: string;
const jobEvents: JobEvent[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-contract-'));
  host = createStudioHost({ configDir: path.join(dir, 'config') });
  host.onJob((event) => jobEvents.push(event));
  modelPath = path.join(dir, 'encoder.onnx');
  fs.copyFileSync(path.join(SAMPLES_DIR, 'transformer-encoder.onnx'), modelPath);
  const result = await host.openPath(modelPath, 'dialog');
  if (!result.ok) throw new Error(result.error.message);
  opened = result.model;
  project = {
    format: 'cutline-project',
    version: 2,
    model: {
      fileName: 'encoder.onnx',
      path: modelPath,
      sha256: createHash('sha256').update(fs.readFileSync(modelPath)).digest('hex'),
    },
    inputs: { input_ids: '1x16' },
    topology: { kind: 'inline', topology: loadTopology('pi4-wifi-edge-wan-cloud') },
    placement: { [opened.view.layers[2]!.id]: 'edge', [opened.view.layers[4]!.id]: 'cloud' },
    pins: [opened.view.layers[2]!.id],
    objective: 'weighted:1,0.5',
    constraints: ['raw-input-on-device', 'memory:edge=2GB'],
    view: { expanded: [], selected: opened.view.layers[0]!.id, metric: 'latency' },
  };
}, 120_000);
afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Where in `value` something is that JSON cannot carry as it is; empty when it is plain JSON. */
function nonJson(value: unknown, at = '$'): string[] {
  if (value === undefined) return [`${at}: undefined`];
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at}: ${value}`];
  if (typeof value !== 'object') return [`${at}: a ${typeof value}`];
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return [`${at}: ${value.constructor.name}`];
  if (value instanceof Map || value instanceof Set) return [`${at}: ${value.constructor.name}`];
  if (Array.isArray(value)) {
    const holes = value.length - Object.keys(value).length;
    return [
      ...(holes > 0 ? [`${at}: a sparse array`] : []),
      ...value.flatMap((v, i) => nonJson(v, `${at}[${i}]`)),
    ];
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return [`${at}: a ${value.constructor.name}`];
  return Object.entries(value).flatMap(([key, v]) => nonJson(v, `${at}.${key}`));
}

function expectPlainJson(value: unknown): void {
  expect(nonJson(value)).toEqual([]);
  expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value);
}

/** Runs one job to its end, keeping every event it sent. */
async function runJob(start: () => ReturnType<StudioHost['startJob']>): Promise<JobEvent[]> {
  const started = start();
  if (!started.ok) throw new Error(started.error.message);
  await expect
    .poll(
      () => jobEvents.some((e) => e.jobId === started.jobId && (e.type === 'done' || e.type === 'failed')),
      {
        timeout: 120_000,
      },
    )
    .toBe(true);
  return jobEvents.filter((e) => e.jobId === started.jobId);
}

describe('the contract as JSON', () => {
  it('OpenedModel of a real sample, with its view and partition source', () => {
    expect(opened.view.layers.length).toBeGreaterThan(10);
    expect(opened.partition.units.length).toBeGreaterThan(10);
    expectPlainJson(opened);
    expectPlainJson({ ok: true, model: opened });
  });

  it('every JobEvent variant, with real results', async () => {
    const analyse = await runJob(() =>
      host.startJob(opened.sessionId, { kind: 'analyse', args: { inputs: { input_ids: '1x16' } } }),
    );
    const problem = await runJob(() =>
      host.startJob(opened.sessionId, {
        kind: 'problem',
        args: { topology: loadTopology('pi4-wifi-edge-wan-cloud') },
      }),
    );
    const bad = await runJob(() =>
      host.startJob(opened.sessionId, { kind: 'analyse', args: { inputs: { input_ids: '1x?' } } }),
    );
    const seen = new Set([...analyse, ...problem, ...bad].map((e) => `${e.type}:${e.kind}`));
    expect(seen).toEqual(
      new Set([
        'progress:analyse',
        'log:analyse',
        'done:analyse',
        'progress:problem',
        'done:problem',
        'failed:analyse',
      ]),
    );
    // A problem has typed arrays and may have Infinity in core; on the wire it must not.
    const done = problem.find((e) => e.type === 'done');
    if (done?.type !== 'done' || done.result.kind !== 'problem') throw new Error('no problem');
    expect(done.result.value.problem.computeMs.length).toBeGreaterThan(0);
    for (const event of [...analyse, ...problem, ...bad]) expectPlainJson(event);
  });

  it('a cancelled job, and a job of a closed session', async () => {
    const big = await host.openBytes('chain.onnx', chainModel(30_000));
    if (!big.ok) throw new Error(big.error.message);
    const started = host.startJob(big.model.sessionId, { kind: 'analyse', args: { inputs: {} } });
    if (!started.ok) throw new Error('refused');
    host.cancelJob(started.jobId);
    await host.closeSession(big.model.sessionId);
    const refused = host.startJob(big.model.sessionId, { kind: 'analyse', args: { inputs: {} } });
    expect(refused.ok).toBe(false);
    expectPlainJson(refused);
    expectPlainJson(started);
    const cancelled = jobEvents.filter((e) => e.jobId === started.jobId);
    expect(cancelled.at(-1)).toMatchObject({ type: 'failed', error: { code: 'CANCELLED' } });
    for (const event of cancelled) expectPlainJson(event);
  });

  it('TopologyResult, TopologyInfo and ProfileLibrary', async () => {
    const topologies = await host.topologies.list();
    expect(topologies.length).toBeGreaterThan(3);
    expectPlainJson(topologies);
    for (const id of topologies.map((t) => t.id)) expectPlainJson(await host.topologies.load(id));
    expectPlainJson(await host.topologies.last());
    expectPlainJson(await host.topologies.parse('bad.json', '{"id": 1}'));
    const profiles = await host.topologies.profiles();
    expect(profiles.devices.length).toBeGreaterThan(3);
    expectPlainJson(profiles);
  });

  it('ProjectFile, ProjectOpenResult both ways, RecoveredDesign and RecentFile', async () => {
    expectPlainJson(project);
    expectPlainJson(
      migrateV1({ format: 'cutline-project', version: 1, model: project.model, placement: {} }),
    );
    const projectPath = path.join(dir, 'design.cutline.json');
    expect(await host.saveProject(projectPath, project)).toEqual({ ok: true, path: projectPath });
    const good: ProjectOpenResult = await host.openProjectPath(projectPath, 'recent');
    expect(good.ok).toBe(true);
    expectPlainJson(good);
    const moved = { ...project, model: { ...project.model, path: path.join(dir, 'gone.onnx') } };
    const missing = await host.openProjectText('moved.json', JSON.stringify(moved));
    expect(missing).toMatchObject({ ok: false, error: { code: 'MODEL_MISSING' } });
    expectPlainJson(missing);
    expectPlainJson(await host.openProjectText('corrupt.json', '{'));

    const design: RecoveredDesign = { project, projectPath, savedAt: new Date().toISOString() };
    await host.autosave(design);
    const recovered = await host.recovery();
    expect(recovered).toEqual(design);
    expectPlainJson(recovered);
    expectPlainJson(await host.openRecovery());

    const recent = await host.listRecent();
    expect(recent.map((r) => r.kind).sort()).toEqual(['model', 'project']);
    expectPlainJson(recent);
  });

  it('HostCommand, every variant', async () => {
    const openedAgain = await host.openSample('resnet-mini');
    const commands: HostCommand[] = [
      ...(
        [
          'open-dialog',
          'open-project',
          'open-topology',
          'save',
          'save-as',
          'export',
          'close',
          'fit-view',
          'zoom-in',
          'zoom-out',
          'undo',
          'redo',
          'shortcuts',
        ] as const
      ).map((type) => ({ type })),
      { type: 'theme', theme: 'dark' },
      { type: 'opened', result: openedAgain },
      { type: 'opened', result: await host.openSample('no-such-sample') },
      { type: 'project-opened', result: await host.openProjectText('x.json', '[]') },
    ];
    for (const command of commands) expectPlainJson(command);
  });
});
