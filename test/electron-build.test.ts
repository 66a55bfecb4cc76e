/**
 * What Electron runs and what gets packaged: the esbuild bundles of main, preload and the
 * analysis worker (the bundled worker analyses a real model in plain Node, without tsx), and
 * electron-builder.yml, checked by electron-builder's own configuration validator.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionRunner } from '../app/host/session-runner.js';
import { loadTopology } from '../core/profiles/load.js';
import { bundleMain } from '../app/main/bundle.js';
import { MAIN_BUNDLE_DIR, MAIN_FILE, WORKER_FILE } from '../app/main/paths.js';
import { CONTENT_SECURITY_POLICY } from '../app/host/web/responses.js';
import {
  CHANNELS,
  EVENT_CHANNELS,
  type HostCommand,
  type StudioApi,
  type StudioMethod,
} from '../app/shared/studio-api.js';
import { PRIVATE_CHANNELS } from '../app/main/channels.js';
import { projectOf } from './support/project-files.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FAKE_ELECTRON = path.join(ROOT, 'test/support/fake-electron.cjs');
const run = promisify(execFile);
const sample = (id: string): string => path.join(ROOT, 'samples', `${id}.onnx`);
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-electron-build-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('bundles', () => {
  let bundle: Awaited<ReturnType<typeof bundleMain>>;
  beforeAll(async () => {
    bundle = await bundleMain({ outDir: path.join(tmp, 'bundle') });
  });
  const requires = (file: string): string[] => [
    ...new Set([...fs.readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!)),
  ];

  it('builds a sandbox-loadable preload that requires nothing but electron', () => {
    expect(requires(bundle.preload)).toEqual(['electron']);
    expect(bundle.warnings).toEqual([]);
  });

  it('builds main with everything inlined but electron and Node built-ins', () => {
    expect(requires(bundle.main).filter((name) => !name.startsWith('node:'))).toEqual(['electron']);
    expect(fs.readFileSync(bundle.main, 'utf8')).not.toContain('import.meta');
    const manifest = JSON.parse(fs.readFileSync(path.join(bundle.outDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ productName: 'Cutline', main: 'main.cjs' });
  });

  it('builds a session worker that analyses a real model and runs jobs on it without tsx', async () => {
    const events: string[] = [];
    const runner = createSessionRunner({ workerUrl: pathToFileURL(bundle.worker), prewarm: false }, (event) =>
      events.push(event.type),
    );
    try {
      const stages: string[] = [];
      const outcome = await runner.open(
        'job-1',
        { source: { kind: 'file', path: sample('edge-prune-vehicle') }, inputs: {} },
        (stage) => stages.push(stage),
      );
      if (!outcome.ok) throw new Error(outcome.error.message);
      expect(outcome.view.layers.length).toBe(13);
      expect(stages).toContain('shapes');
      const started = runner.startJob(outcome.sessionId, {
        kind: 'problem',
        args: { topology: loadTopology('n2-wifi-i7') },
      });
      expect(started.ok).toBe(true);
      await expect.poll(() => events.at(-1), { timeout: 60_000 }).toBe('done');
    } finally {
      await runner.close();
    }
  });
});

describe('the bundled preload', () => {
  type Listener = (...args: unknown[]) => void;
  interface FakeDragEvent {
    dataTransfer: { types: string[]; files: { path?: string }[] };
    prevented: boolean;
    stopped: boolean;
    preventDefault(): void;
    stopImmediatePropagation(): void;
  }
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const ipcListeners = new Map<string, Set<Listener>>();
  const domListeners = new Map<string, (event: FakeDragEvent) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => invoked.push([channel, ...args]),
      send: (channel: string, ...args: unknown[]) => sent.push([channel, ...args]),
      on: (channel: string, listener: Listener) =>
        ipcListeners.set(channel, (ipcListeners.get(channel) ?? new Set()).add(listener)),
      off: (channel: string, listener: Listener) => ipcListeners.get(channel)?.delete(listener),
    },
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  };
  const emit = (channel: string, payload: unknown) =>
    ipcListeners.get(channel)?.forEach((listener) => listener({}, payload));
  const dragEvent = (files: { path?: string }[]): FakeDragEvent => ({
    dataTransfer: { types: ['Files'], files },
    prevented: false,
    stopped: false,
    preventDefault() {
      this.prevented = true;
    },
    stopImmediatePropagation() {
      this.stopped = true;
    },
  });
  let api: StudioApi;

  beforeAll(async () => {
    const { preload } = await bundleMain({ outDir: path.join(tmp, 'preload-bundle') });
    const context = vm.createContext({
      require: (id: string) => {
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return electron;
      },
      module: { exports: {} },
      addEventListener: (type: string, listener: (event: FakeDragEvent) => void) =>
        domListeners.set(type, listener),
    });
    vm.runInContext(fs.readFileSync(preload, 'utf8'), context);
    api = exposed.cutline as StudioApi;
  });

  it('exposes the StudioApi as window.cutline and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['cutline']);
    expect(Object.keys(api).sort()).toEqual(
      [...Object.keys(CHANNELS), 'onCommand', 'onJob', 'onProgress'].sort(),
    );
  });

  it('sends every request on its channel with its arguments', async () => {
    const project = projectOf({ fileName: 'm.onnx', path: null, sha256: '0'.repeat(64) });
    const args: { readonly [M in StudioMethod]: Parameters<StudioApi[M]> } = {
      hostInfo: [],
      initialModel: [],
      openWithDialog: [],
      openRecent: ['/m.onnx'],
      openBytes: ['m.onnx', new Uint8Array([1, 2])],
      listSamples: [],
      openSample: ['resnet-mini'],
      listRecent: [],
      saveProject: [project, { saveAs: true }],
      cancel: ['job-1'],
      startJob: ['session-1', { kind: 'analyse', args: { inputs: { x: '1x3' } } }],
      cancelJob: ['job-2'],
      closeSession: ['session-1'],
      suggestExportDir: ['session-1'],
      chooseExportDir: ['/home/u/Cutline/bundles/m-20260101-0000'],
      listTopologies: [],
      loadTopology: ['n2-wifi-i7'],
      openTopologyWithDialog: [],
      parseTopology: ['t.json', '{}'],
      listProfiles: [],
      lastTopology: [],
      rememberTopology: [null, loadTopology('n2-wifi-i7')],
      initialProject: [],
      openProjectWithDialog: [],
      openProjectText: ['p.json', '{}'],
      openRecentProject: ['/p.cutline.json'],
      autosave: [{ project, projectPath: null, savedAt: '2026-01-01T00:00:00.000Z' }],
      recovery: [],
      openRecovery: [],
      setDirty: [true],
    };
    invoked.length = 0;
    for (const method of Object.keys(CHANNELS) as StudioMethod[]) {
      await (api[method] as (...list: unknown[]) => Promise<unknown>)(...args[method]);
    }
    expect(invoked).toEqual(
      (Object.keys(CHANNELS) as StudioMethod[]).map((method) => [CHANNELS[method], ...args[method]]),
    );
  });

  it('keeps commands that arrive before the page subscribes, and forwards progress', () => {
    const early: HostCommand = { type: 'fit-view' };
    emit(EVENT_CHANNELS.command, early);
    const commands: HostCommand[] = [];
    const stop = api.onCommand((command) => commands.push(command));
    emit(EVENT_CHANNELS.command, { type: 'zoom-in' });
    stop();
    emit(EVENT_CHANNELS.command, { type: 'zoom-out' });
    expect(commands).toEqual([early, { type: 'zoom-in' }]);

    const progress: unknown[] = [];
    const stopProgress = api.onProgress((event) => progress.push(event));
    emit(EVENT_CHANNELS.progress, { jobId: 'j', stage: 'read', fraction: 0, message: 'Reading' });
    stopProgress();
    emit(EVENT_CHANNELS.progress, { jobId: 'j', stage: 'done', fraction: 1, message: 'Done' });
    expect(progress).toEqual([{ jobId: 'j', stage: 'read', fraction: 0, message: 'Reading' }]);

    const jobs: unknown[] = [];
    const stopJobs = api.onJob((event) => jobs.push(event));
    const log = { type: 'log', jobId: 'j', sessionId: 's', kind: 'analyse', line: 'Analysed' };
    emit(EVENT_CHANNELS.job, log);
    stopJobs();
    emit(EVENT_CHANNELS.job, { ...log, line: 'after' });
    expect(jobs).toEqual([log]);
  });

  it('opens a dropped file by its path, and leaves files without one to the page', () => {
    const over = dragEvent([]);
    domListeners.get('dragover')!(over);
    expect(over.prevented).toBe(true);

    const withPath = dragEvent([{ path: '/models/dropped.onnx' }]);
    domListeners.get('drop')!(withPath);
    expect(withPath).toMatchObject({ prevented: true, stopped: true });
    expect(sent).toEqual([[PRIVATE_CHANNELS.openDroppedFile, '/models/dropped.onnx']]);

    const pathless = dragEvent([{}]);
    domListeners.get('drop')!(pathless);
    expect(pathless).toMatchObject({ prevented: false, stopped: false });
    expect(sent).toHaveLength(1);
  });
});

describe('the bundled main process', () => {
  it('starts against a stand-in Electron: hardened window, page with CSP, IPC, command-line model, menu', async () => {
    const { main } = await bundleMain();
    const env = { ...process.env, CUTLINE_CONFIG_DIR: fs.mkdtempSync(path.join(tmp, 'config-')) };
    const { stdout } = await run(process.execPath, ['-r', FAKE_ELECTRON, main, sample('resnet-mini')], {
      cwd: ROOT,
      env,
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toMatchObject({
      appName: 'Cutline',
      'path:userData': env.CUTLINE_CONFIG_DIR,
      lockData: { modelPath: sample('resnet-mini') },
      privileged: [{ scheme: 'cutline-app', privileges: { standard: true, secure: true } }],
      windowOptions: {
        webPreferences: {
          preload: path.join(ROOT, MAIN_BUNDLE_DIR, 'preload.cjs'),
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
        },
      },
      loadedUrl: 'cutline-app://studio/index.html',
      hasWindowOpenHandler: true,
      permissionsGuarded: true,
      page: { status: 200, csp: CONTENT_SECURITY_POLICY },
      hostInfo: { kind: 'electron', nativeDialogs: true },
      initial: 'resnet-mini.onnx',
      stranger: expect.stringMatching(/^NOT_ALLOWED/),
      channels: Object.values(CHANNELS).sort(),
      openedFromMenu: 'edge-prune-vehicle.onnx',
      titles: ['resnet-mini.onnx — Cutline', 'edge-prune-vehicle.onnx — Cutline'],
    });
    expect(report.progressEvents).toBeGreaterThan(2);
  });
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's validation and packages the bundles for Linux, macOS and Windows", async () => {
    const config = await getConfig(ROOT, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({
      productName: 'Cutline',
      extraMetadata: { main: `${MAIN_BUNDLE_DIR}/${MAIN_FILE}` },
      asarUnpack: [`${MAIN_BUNDLE_DIR}/${WORKER_FILE}`],
      linux: { target: ['AppImage', 'deb'] },
      mac: { target: 'dmg' },
      win: { target: 'nsis' },
    });
  });

  it('registers .onnx files with the app', async () => {
    const config = await getConfig(ROOT, null, null);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'onnx', name: 'ONNX model' })]);
  });
});
