/**
 * What Electron runs and what gets packaged: the esbuild bundles of main, preload and the
 * analysis worker (the bundled worker analyses a real model in plain Node, without tsx), the
 * bundled `cutline` command the packaged studio's export, harness and profile jobs run (moved
 * where no TypeScript source, tsx or esbuild can be reached, as in a packaged app), and
 * electron-builder.yml, checked by electron-builder's own configuration validator.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
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
import { createStudioHost } from '../app/host/studio-host.js';
import { loadTopology } from '../core/profiles/load.js';
import { bundleMain } from '../app/main/bundle.js';
import {
  CLI_FILE,
  MAIN_BUNDLE_DIR,
  MAIN_FILE,
  studioPaths,
  TIER_FILE,
  TIER_RUNTIME_DIR,
  WORKER_FILE,
} from '../app/main/paths.js';
import { CONTENT_SECURITY_POLICY } from '../app/host/web/responses.js';
import {
  CHANNELS,
  EVENT_CHANNELS,
  type HostCommand,
  type JobEvent,
  type JobRequest,
  type StudioApi,
  type StudioMethod,
} from '../app/shared/studio-api.js';
import { PRIVATE_CHANNELS } from '../app/main/channels.js';
import { projectOf } from './support/project-files.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FAKE_ELECTRON = path.join(ROOT, 'test/support/fake-electron.cjs');
const run = promisify(execFile);
const NODE_BUILTINS = new Set(builtinModules);
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

describe('the bundled cutline command', () => {
  /** A packaged app's unpacked folder: the bundles under dist/main, onnxruntime-node beside them. */
  let unpacked: string;
  let cli: string;
  const bundled = (...args: string[]) =>
    run(process.execPath, [cli, ...args], { cwd: tmp, maxBuffer: 1 << 26 });

  beforeAll(async () => {
    const built = await bundleMain({ outDir: path.join(tmp, 'cli-build', MAIN_BUNDLE_DIR) });
    expect(built.warnings).toEqual([]);
    // Two folders deeper than where it was built: the source paths the bundle keeps (relative to
    // itself) lead nowhere, as in a packaged app, so nothing can fall back on the checkout.
    const resources = path.join(tmp, 'packaged', 'resources');
    unpacked = path.join(resources, 'app.asar.unpacked');
    fs.cpSync(built.outDir, path.join(unpacked, MAIN_BUNDLE_DIR), { recursive: true });
    fs.mkdirSync(path.join(unpacked, 'node_modules'));
    for (const name of ['onnxruntime-node', 'onnxruntime-common'])
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(unpacked, 'node_modules', name));
    cli = studioPaths(path.join(resources, 'app.asar'), { packaged: true, resourcesPath: resources }).cli!;
    expect(cli).toBe(path.join(unpacked, MAIN_BUNDLE_DIR, CLI_FILE));
  });

  it('requires nothing but Node built-ins and onnxruntime-node to run its jobs', () => {
    const required = (file: string): string[] =>
      [
        ...new Set(
          [
            ...fs
              .readFileSync(path.join(unpacked, MAIN_BUNDLE_DIR, file), 'utf8')
              .matchAll(/require\("([^"]+)"\)/g),
          ]
            .map((m) => m[1]!)
            .filter((name) => !name.startsWith('node:') && !NODE_BUILTINS.has(name)),
        ),
      ].sort();
    // esbuild only for `cutline studio`'s renderer build, loaded on demand; never by the jobs.
    expect(required(CLI_FILE)).toEqual(['esbuild', 'onnxruntime-node']);
    expect(required(TIER_FILE)).toEqual(['onnxruntime-node']);
  });

  it('prints its version and analyses a model', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect((await bundled('--version')).stdout.trim()).toBe(version.version);
    const { stdout } = await bundled('analyze', sample('edge-prune-vehicle'), '--json');
    const analysis = JSON.parse(stdout) as { layers: unknown[]; model: { path: string } };
    expect(analysis.model.path).toBe(sample('edge-prune-vehicle'));
    expect(analysis.layers).toHaveLength(13);
  });

  it("exports and runs the harness as the packaged studio's jobs, tiers from the build", async () => {
    const host = createStudioHost({
      configDir: fs.mkdtempSync(path.join(tmp, 'config-')),
      analysis: { prewarm: false, processJobs: { cliEntry: cli } },
    });
    const events: JobEvent[] = [];
    host.onJob((event) => events.push(event));
    const end = async (request: JobRequest, sessionId: string): Promise<JobEvent> => {
      const started = host.startJob(sessionId, request);
      if (!started.ok) throw new Error(started.error.message);
      await expect
        .poll(
          () => events.find((e) => e.jobId === started.jobId && (e.type === 'done' || e.type === 'failed')),
          {
            timeout: 120_000,
          },
        )
        .toBeDefined();
      return events.find((e) => e.jobId === started.jobId && (e.type === 'done' || e.type === 'failed'))!;
    };
    try {
      const opened = await host.openPath(sample('edge-prune-vehicle'), 'dialog');
      if (!opened.ok) throw new Error(opened.error.message);
      const { sessionId, partition } = opened.model;
      const names = partition.units.map((unit) => unit.name);
      const outDir = path.join(tmp, 'cli-bundles', 'vehicle');
      const exported = await end(
        {
          kind: 'export',
          args: {
            topology: loadTopology('pi4-wifi-edge-wan-cloud'),
            placement: Object.fromEntries([
              ...names.slice(4, 8).map((name) => [name, 'edge' as const]),
              ...names.slice(8).map((name) => [name, 'cloud' as const]),
            ]),
            pins: [],
            inputs: {},
            objective: 'latency',
            outDir,
            zip: false,
            force: false,
            onUnreachable: 'fail',
            verify: true,
          },
        },
        sessionId,
      );
      if (exported.type !== 'done' || exported.result.kind !== 'export')
        throw new Error(JSON.stringify(exported));
      expect(exported.result.value.segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
      expect(exported.result.value.verification).toMatchObject({ ok: true });
      // The bundle's runtime is the one built with the app (esbuild does not ship).
      expect(fs.readFileSync(path.join(outDir, 'runtime', 'cutline-tier.mjs'))).toEqual(
        fs.readFileSync(path.join(unpacked, MAIN_BUNDLE_DIR, TIER_RUNTIME_DIR, 'cutline-tier.mjs')),
      );

      const harness = await end(
        {
          kind: 'harness',
          args: { bundleDir: outDir, runs: 2, stream: 2, emulateLinks: true, calibrate: false },
        },
        sessionId,
      );
      if (harness.type !== 'done' || harness.result.kind !== 'harness')
        throw new Error(JSON.stringify(harness));
      expect(harness.result.value).toMatchObject({ requests: 4, answered: 4, failed: 0, verified: true });
      const tiers = events.flatMap((e) =>
        e.type === 'partial' && e.partial.kind === 'harness' && e.partial.value.event === 'tier'
          ? [e.partial.value]
          : [],
      );
      expect(tiers.map((t) => t.tier)).toEqual(['cloud', 'edge', 'device']);
    } finally {
      await host.close();
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
      parseOrtProfile: ['p.json', '[]'],
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
      asarUnpack: expect.arrayContaining([
        `${MAIN_BUNDLE_DIR}/${WORKER_FILE}`,
        `${MAIN_BUNDLE_DIR}/${CLI_FILE}`,
        `${MAIN_BUNDLE_DIR}/${TIER_FILE}`,
        `${MAIN_BUNDLE_DIR}/${TIER_RUNTIME_DIR}/**/*`,
        'node_modules/onnxruntime-node/**/*',
        'node_modules/onnxruntime-common/**/*',
      ]),
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
