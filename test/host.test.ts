/**
 * StudioHost, the host logic shared by Electron main and the web host: which paths may be
 * opened, analysis in worker threads (errors, crashes, time limits), the samples, the recent
 * list and project files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECENT_LIMIT } from '../app/host/recent-files.js';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { RECENT_LIST_FILE } from '../app/host/studio-host.js';
import type { OpenResult, ProgressEvent, ProjectFile } from '../app/shared/studio-api.js';
import { expectOpened, studioHostHarness, tinyModel } from './support/studio-host-fixtures.js';

const { dir, newHost } = studioHostHarness('cutline-host-');

function writeFile(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

function expectFailure(result: OpenResult | null, code: string): string {
  if (result === null || result.ok) throw new Error(`expected ${code}, got ${JSON.stringify(result)}`);
  expect(result.error.code).toBe(code);
  return result.error.message;
}

describe('samples', () => {
  it('lists every bundled sample with its title, description and size', async () => {
    const samples = await newHost().listSamples();
    const onDisk = fs.readdirSync(SAMPLES_DIR).filter((name) => name.endsWith('.onnx'));
    expect(samples.map((s) => `${s.id}.onnx`).sort()).toEqual(onDisk.sort());
    const vehicle = samples.find((s) => s.id === 'edge-prune-vehicle')!;
    expect(vehicle.title).toBe('Edge-PRUNE vehicle classifier');
    expect(vehicle.description).toContain('4 classes');
    expect(vehicle.fileBytes).toBe(fs.statSync(path.join(SAMPLES_DIR, 'edge-prune-vehicle.onnx')).size);
  });

  it('opens a sample by id and refuses an unknown id', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('resnet-mini'));
    expect(opened.fileName).toBe('resnet-mini.onnx');
    expect(opened.view.summary.nodeCount).toBeGreaterThan(20);
    expect(opened.view.layers.length).toBe(opened.view.summary.layerCount);
    expectFailure(await host.openSample('no-such-sample'), 'NOT_FOUND');
  });

  it('starts on the vehicle sample when no model was given on the command line', async () => {
    const opened = expectOpened(await newHost().initialModel());
    expect(opened.fileName).toBe('edge-prune-vehicle.onnx');
    expect(opened.view.summary.totals.macs).toBe(81_691_776);
  });

  it('has no initial model when neither a command-line model nor the samples exist', async () => {
    expect(await newHost({ samplesDir: path.join(dir, 'no-samples') }).initialModel()).toBeNull();
  });
});

describe('opening files', () => {
  it('opens the command-line model first, with progress for every stage in order', async () => {
    const file = writeFile('cli/tiny.onnx', tinyModel());
    const host = newHost({ commandLinePath: file });
    const events: ProgressEvent[] = [];
    host.onProgress((event) => events.push(event));
    const opened = expectOpened(await host.initialModel());
    expect(opened).toMatchObject({ fileName: 'tiny.onnx', path: file });
    expect(opened.view.layers.map((l) => l.id)).toEqual(['add', 'relu']);
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
    expect(new Set(events.map((e) => e.jobId))).toEqual(new Set([opened.jobId]));
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it("opens only user-chosen, recent or sample paths for 'recent'", async () => {
    const chosen = writeFile('chosen/a.onnx', tinyModel());
    const never = writeFile('never/b.onnx', tinyModel());
    const host = newHost();
    const message = expectFailure(await host.openPath(never, 'recent'), 'NOT_ALLOWED');
    expect(message).toContain(never);
    expectFailure(
      await host.openPath(path.join(path.dirname(chosen), '..', 'never', 'b.onnx'), 'recent'),
      'NOT_ALLOWED',
    );
    expectOpened(await host.openPath(chosen, 'dialog'));
    expectOpened(await host.openPath(chosen, 'recent'));
    expectOpened(await host.openPath(path.join(SAMPLES_DIR, 'resnet-mini.onnx'), 'recent'));
  });

  it('reports a hostile or broken file by name and keeps working', async () => {
    const host = newHost();
    const message = expectFailure(
      await host.openBytes('photo.onnx', new TextEncoder().encode('GIF89a not a model')),
      'NOT_ONNX',
    );
    expect(message).toContain('photo.onnx');
    const truncated = tinyModel().slice(0, 40);
    expectFailure(await host.openBytes('cut.onnx', truncated), 'TRUNCATED');
    expectFailure(await host.openPath(path.join(dir, 'missing.onnx'), 'dialog'), 'NOT_A_FILE');
    expectOpened(await host.openBytes('tiny.onnx', tinyModel()));
  });

  it('never lets a model read external data outside its own folder', async () => {
    writeFile('secret.bin', new Uint8Array(16));
    const file = writeFile('models/leaky.onnx', tinyModel('../secret.bin'));
    expectFailure(await newHost().openPath(file, 'dialog'), 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR');
    const bytes = fs.readFileSync(file);
    const message = expectFailure(await newHost().openBytes('leaky.onnx', bytes), 'EXTERNAL_DATA_MISSING');
    // An upload has no folder: the message says how to open the model so its data file is found.
    expect(message).toContain('cutline studio path/to/model.onnx');
  });

  it('turns a crashed analysis process into INTERNAL and keeps answering', async () => {
    const crashing = writeFile('crash-worker.mjs', "process.once('message', () => process.exit(3));\n");
    const host = newHost({ analysis: { workerUrl: new URL(`file://${crashing}`) } });
    const message = expectFailure(await host.openSample('resnet-mini'), 'INTERNAL');
    expect(message).toContain('exit code 3');
    expectFailure(await host.openBytes('tiny.onnx', tinyModel()), 'INTERNAL');
    expect((await host.listSamples()).length).toBeGreaterThan(0);
  });

  it('calls an abort without V8 saying it ran out of memory an abort, not ANALYSIS_OUT_OF_MEMORY', async () => {
    // A native library's failed assert aborts the same way V8's heap limit does; only V8's own
    // words on stderr make it a lack of memory.
    const aborting = writeFile('abort-worker.mjs', "process.once('message', () => process.abort());\n");
    const host = newHost({ analysis: { workerUrl: new URL(`file://${aborting}`) } });
    const message = expectFailure(await host.openSample('resnet-mini'), 'INTERNAL');
    expect(message).toContain('aborted (SIGABRT)');
    expect((await host.listSamples()).length).toBeGreaterThan(0);
  });

  it('stops an open that passes its time limit', async () => {
    // No analysis finishes within a millisecond: starting its process alone takes longer.
    const host = newHost({ analysis: { openTimeoutMs: 1, prewarm: false } });
    expect(expectFailure(await host.openSample('edge-prune-vehicle'), 'ANALYSIS_TIME_LIMIT')).toMatch(
      /^edge-prune-vehicle\.onnx was not analysed within 0\.0010 s/,
    );
  });

  it('cancels through an abort signal', async () => {
    const host = newHost();
    const abort = new AbortController();
    abort.abort();
    expectFailure(await host.openSample('resnet-mini', { signal: abort.signal }), 'CANCELLED');
  });
});

describe('recent files', () => {
  it('keeps the newest ten, newest first, one entry per path, across restarts', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    const files = Array.from({ length: RECENT_LIMIT + 2 }, (_, i) =>
      writeFile(`recent/m${i}.onnx`, tinyModel()),
    );
    const first = newHost({ configDir });
    for (const file of files) expectOpened(await first.openPath(file, 'dialog'));
    expectOpened(await first.openPath(files[3]!, 'recent'));
    await first.close();

    const second = newHost({ configDir });
    const recent = await second.listRecent();
    expect(recent.map((r) => r.path)).toEqual([
      files[3],
      ...files
        .slice(2)
        .reverse()
        .filter((f) => f !== files[3]),
    ]);
    expect(recent).toHaveLength(RECENT_LIMIT);
    expect(recent[0]).toMatchObject({ kind: 'model', fileName: 'm3.onnx' });
    expect(Date.parse(recent[0]!.openedAt)).toBeGreaterThanOrEqual(Date.parse(recent[1]!.openedAt));
    // What the user chose last session may be reopened; what fell off the list may not.
    expectOpened(await second.openPath(files[5]!, 'recent'));
    expectFailure(await second.openPath(files[0]!, 'recent'), 'NOT_ALLOWED');
    expect(fs.readdirSync(configDir)).toEqual([RECENT_LIST_FILE]);
  });

  it('reads a list written before projects were listed as models', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    const file = writeFile('old-list/m.onnx', tinyModel());
    fs.writeFileSync(
      path.join(configDir, RECENT_LIST_FILE),
      JSON.stringify({
        version: 1,
        files: [{ path: file, fileName: 'm.onnx', openedAt: new Date().toISOString() }],
      }),
    );
    const host = newHost({ configDir });
    expect(await host.listRecent()).toEqual([expect.objectContaining({ kind: 'model', path: file })]);
    expectOpened(await host.openPath(file, 'recent'));
  });

  it('does not list samples or failed opens, and survives a corrupt list file', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    fs.writeFileSync(path.join(configDir, RECENT_LIST_FILE), '{"version": 1, "files": [{"path": 42}]');
    const host = newHost({ configDir });
    expect(await host.listRecent()).toEqual([]);
    expectOpened(await host.openSample('resnet-mini'));
    expectFailure(await host.openPath(writeFile('junk.onnx', 'junk'), 'dialog'), 'NOT_ONNX');
    expect(await host.listRecent()).toEqual([]);
  });
});

describe('projects', () => {
  const project: ProjectFile = {
    format: 'cutline-project',
    version: 2,
    model: { fileName: 'tiny.onnx', path: null, sha256: 'a'.repeat(64) },
    inputs: {},
    topology: { kind: 'bundled', id: 'n2-wifi-i7' },
    placement: { add: 'edge', relu: 'cloud' },
    pins: [],
    objective: 'latency',
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };

  it('saves a project as JSON, replacing the old file atomically', async () => {
    const host = newHost();
    const file = path.join(dir, 'projects', 'tiny.cutline.json');
    expect(await host.saveProject(file, project)).toEqual({ ok: true, path: file });
    const moved: ProjectFile = { ...project, placement: { add: 'device' } };
    expect(await host.saveProject(file, moved)).toEqual({ ok: true, path: file });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(moved);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['tiny.cutline.json']);
  });

  it('refuses an invalid project and reports an unwritable place', async () => {
    const host = newHost();
    const bad = { ...project, placement: { add: 'moon' } } as unknown as ProjectFile;
    const refused = await host.saveProject(path.join(dir, 'bad.json'), bad);
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(fs.existsSync(path.join(dir, 'bad.json'))).toBe(false);
    const blocker = writeFile('blocker', 'a file, not a folder');
    const unwritable = await host.saveProject(path.join(blocker, 'p.json'), project);
    expect(unwritable).toMatchObject({ ok: false, error: { code: 'WRITE_FAILED' } });
  });
});
