/**
 * The Electron app. Its policy and plumbing are tested in Node without Electron's binary: the
 * window's security settings, the link and sender checks, the renderer protocol's files and
 * CSP, the IPC handler table against a real StudioHost, the menu and the command line (the
 * bundles and packaging are in electron-build.test.ts). Where the binary is installed,
 * Playwright's `_electron` launches the app and opens samples; where it is not, the last test
 * says plainly that the launch did not run and why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStudioHost, type StudioHost } from '../app/host/studio-host.js';
import { CONTENT_SECURITY_POLICY } from '../app/host/web/responses.js';
import { modelPathFromArgv } from '../app/main/argv.js';
import { bundleMain } from '../app/main/bundle.js';
import { studioConfigDir } from '../app/main/config-dir.js';
import {
  droppedFileListener,
  studioInvokeHandlers,
  type IpcSender,
  type StudioIpcOptions,
} from '../app/main/ipc.js';
import type { ElectronMethodContext } from '../app/main/ipc-methods.js';
import { findElectronBinary } from '../app/main/launch/electron-binary.js';
import { sampleItemId, studioMenuTemplate, type MenuActions } from '../app/main/menu.js';
import { createRendererResponder } from '../app/main/renderer-protocol.js';
import {
  STUDIO_PAGE_URL,
  STUDIO_SCHEME_PRIVILEGES,
  isTrustedSender,
  studioWindowOptions,
} from '../app/main/security.js';
import {
  CHANNELS,
  type HostCommand,
  type OpenResult,
  type ProjectOpenResult,
  type StudioApi,
} from '../app/shared/studio-api.js';
import { modelRefOf, projectOf, writeProject } from './support/project-files.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const sample = (id: string): string => path.join(ROOT, 'samples', `${id}.onnx`);
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-electron-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('window security', () => {
  it('isolates the page: context isolation, sandbox, no Node, web security on', () => {
    const prefs = studioWindowOptions('/app/dist/main/preload.cjs', '#000').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/dist/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(STUDIO_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(STUDIO_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
  });

  it("trusts IPC only from the studio window's top frame showing the studio page", () => {
    const studio = { name: 'studio window contents' };
    const top = { url: STUDIO_PAGE_URL, parent: null };
    expect(isTrustedSender({ sender: studio, frame: top, studioContents: studio })).toBe(true);
    const subFrame = { url: STUDIO_PAGE_URL, parent: top };
    expect(isTrustedSender({ sender: studio, frame: subFrame, studioContents: studio })).toBe(false);
    expect(isTrustedSender({ sender: studio, frame: null, studioContents: studio })).toBe(false); // the frame has gone
    expect(isTrustedSender({ sender: studio, frame: top, studioContents: null })).toBe(false); // no window
    expect(isTrustedSender({ sender: { name: 'another window' }, frame: top, studioContents: studio })).toBe(
      false,
    );
    const navigated = { url: 'https://evil.example/', parent: null };
    expect(isTrustedSender({ sender: studio, frame: navigated, studioContents: studio })).toBe(false);
  });
});

describe('renderer protocol', () => {
  let respond: (url: string, method?: string) => Promise<Response>;
  beforeAll(() => {
    const dir = path.join(tmp, 'renderer');
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>studio</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(dir, 'assets', 'link.txt'));
    const responder = createRendererResponder(dir);
    respond = (url, method = 'GET') => responder(new Request(url, { method }));
  });

  it('serves the page and its assets with the CSP the web host sends', async () => {
    const page = await respond('cutline-app://studio/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>studio</title>');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline/);
    const script = await respond('cutline-app://studio/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('serves nothing outside the renderer folder, nor for other hosts or methods', async () => {
    for (const url of [
      'cutline-app://studio/../secret.txt',
      'cutline-app://studio/%2e%2e/secret.txt',
      'cutline-app://studio/assets%2f..%2f..%2fsecret.txt',
      'cutline-app://studio/assets/link.txt',
      'cutline-app://studio/missing.js',
      'cutline-app://elsewhere/index.html',
    ]) {
      const response = await respond(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('secret');
    }
    expect((await respond('cutline-app://studio/index.html', 'POST')).status).toBe(405);
  });

  it('shows a placeholder page until the renderer is built', async () => {
    const page = await createRendererResponder(path.join(tmp, 'not-built'))(
      new Request('cutline-app://studio/index.html'),
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('has not been built');
  });
});

describe('IPC handlers', () => {
  const studio = { name: 'studio window contents' };
  const fromPage: IpcSender = { sender: studio, senderFrame: { url: STUDIO_PAGE_URL, parent: null } };
  let host: StudioHost;
  let options: StudioIpcOptions;
  let opened: OpenResult[] = [];
  let projectTargets: string[] = [];
  let dropped: string[] = [];
  let chosenModel: string | null = null;
  let chosenProject: string | null = null;
  let chosenTopology: string | null = null;
  let chosenExportDir: string | null = null;
  const exportDirSuggestions: string[] = [];
  let dirty: boolean[] = [];
  beforeEach(() => {
    dirty = [];
    opened = [];
    projectTargets = [];
    dropped = [];
  });
  afterAll(() => host.close());

  const handlers = () => studioInvokeHandlers(options);
  const call = (method: keyof typeof CHANNELS, ...args: unknown[]) =>
    handlers().get(CHANNELS[method])!(fromPage, ...args);
  beforeAll(() => {
    host = createStudioHost({ configDir: fs.mkdtempSync(path.join(tmp, 'config-')) });
    const context: ElectronMethodContext = {
      host,
      dialogs: {
        chooseModel: async () => chosenModel,
        chooseProject: async () => chosenProject,
        chooseTopology: async () => chosenTopology,
        chooseExportDir: async (suggested) => {
          exportDirSuggestions.push(suggested);
          return chosenExportDir;
        },
        chooseProjectPath: async (defaultPath) => {
          projectTargets.push(defaultPath);
          return path.join(tmp, `saved-${projectTargets.length}.cutline.json`);
        },
      },
      documentsDir: path.join(tmp, 'documents'),
      savedProjects: new Map(),
      afterOpen: (result) => opened.push(result),
      setDirty: (value) => dirty.push(value),
    };
    options = {
      context,
      studioContents: () => studio,
      openDroppedFile: (filePath) => dropped.push(filePath),
    };
  });

  it('handles every StudioApi channel', () => {
    expect([...handlers().keys()].sort()).toEqual(Object.values(CHANNELS).sort());
  });

  it('refuses every request from any frame but the studio page', async () => {
    const strangers: IpcSender[] = [
      { sender: studio, senderFrame: null },
      { sender: studio, senderFrame: { url: STUDIO_PAGE_URL, parent: fromPage.senderFrame } },
      { sender: { name: 'another window' }, senderFrame: { url: STUDIO_PAGE_URL, parent: null } },
    ];
    for (const [channel, handler] of handlers()) {
      for (const stranger of strangers)
        await expect(handler(stranger), channel).rejects.toThrow(/NOT_ALLOWED/);
    }
  });

  it('opens a sample through the real host and reports the open', async () => {
    const info = (await call('hostInfo')) as Awaited<ReturnType<StudioApi['hostInfo']>>;
    expect(info).toMatchObject({ kind: 'electron', nativeDialogs: true, version: host.version });
    const samples = (await call('listSamples')) as Awaited<ReturnType<StudioApi['listSamples']>>;
    expect(samples.map((s) => s.id)).toContain('resnet-mini');
    const result = (await call('openSample', 'resnet-mini')) as OpenResult;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.model.fileName).toBe('resnet-mini.onnx');
    expect(result.model.view.layers.length).toBeGreaterThan(10);
    expect(opened).toEqual([result]);
  });

  it('answers malformed requests with BAD_REQUEST, or rejects them when the method has no error result', async () => {
    expect(await call('openSample', 42)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('openBytes', '../x.onnx', new Uint8Array(4))).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await expect(call('listSamples', 'extra')).rejects.toThrow(/BAD_REQUEST/);
    await expect(call('cancel', { jobId: 1 })).rejects.toThrow(/BAD_REQUEST/);
  });

  it('opens what the dialog chose, and re-opens it later as a recent file only then', async () => {
    const model = path.join(tmp, 'picked.onnx');
    fs.copyFileSync(sample('edge-prune-vehicle'), model);
    expect(await call('openRecent', model)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    chosenModel = null;
    expect(await call('openWithDialog')).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    chosenModel = model;
    expect(await call('openWithDialog')).toMatchObject({
      ok: true,
      model: { path: model, fileName: 'picked.onnx' },
    });
    expect(await call('openRecent', model)).toMatchObject({ ok: true, model: { path: model } });
    expect(await call('listRecent')).toEqual([expect.objectContaining({ path: model })]);
  });

  it('asks where to save a project once, then saves there until Save As', async () => {
    const project = projectOf(
      { fileName: 'resnet-mini.onnx', path: sample('resnet-mini'), sha256: 'a'.repeat(64) },
      { placement: { '/layer1/conv/Conv': 'edge' } },
    );
    const first = await call('saveProject', project, { saveAs: false });
    expect(first).toEqual({ ok: true, path: path.join(tmp, 'saved-1.cutline.json') });
    expect(projectTargets).toEqual([path.join(ROOT, 'samples', 'resnet-mini.cutline.json')]);
    expect(await call('saveProject', project, { saveAs: false })).toEqual(first);
    expect(await call('saveProject', project, { saveAs: true })).toEqual({
      ok: true,
      path: path.join(tmp, 'saved-2.cutline.json'),
    });
    expect(projectTargets).toHaveLength(2);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'saved-2.cutline.json'), 'utf8'))).toEqual(project);
  });

  it('opens a project the dialog chose, then saves it back to that file, and runs jobs on its session', async () => {
    const model = path.join(tmp, 'project-model.onnx');
    fs.copyFileSync(sample('resnet-mini'), model);
    const project = projectOf(modelRefOf(model));
    const file = writeProject(path.join(tmp, 'picked.cutline.json'), project);
    chosenProject = null;
    expect(await call('openProjectWithDialog')).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    chosenProject = file;
    const result = (await call('openProjectWithDialog')) as ProjectOpenResult;
    if (!result.ok) throw new Error(result.error.message);
    expect(result).toMatchObject({ project, projectPath: file, model: { path: model } });
    expect(opened.at(-1)).toEqual({ ok: true, model: result.model });
    expect(await call('saveProject', project, { saveAs: false })).toEqual({ ok: true, path: file });
    expect(
      await call('startJob', result.model.sessionId, { kind: 'analyse', args: { inputs: 7 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await call('startJob', result.model.sessionId, { kind: 'analyse', args: { inputs: {} } }),
    ).toMatchObject({
      ok: true,
    });
    await call('closeSession', result.model.sessionId);
    expect(
      await call('startJob', result.model.sessionId, { kind: 'analyse', args: { inputs: {} } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SESSION_CLOSED' },
    });
  });

  it('loads a topology the dialog chose, and records whether the page has unsaved edits', async () => {
    chosenTopology = null;
    expect(await call('openTopologyWithDialog')).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    chosenTopology = path.join(ROOT, 'profiles', 'topologies', 'n2-wifi-i7.json');
    expect(await call('openTopologyWithDialog')).toMatchObject({ ok: true, bundledId: null });
    await call('setDirty', true);
    await call('setDirty', false);
    await expect(call('setDirty', 'yes')).rejects.toThrow(/BAD_REQUEST/);
    expect(dirty).toEqual([true, false]);
  });

  it('asks where to export with the suggested folder, and answers CANCELLED when dismissed', async () => {
    const suggested = path.join(tmp, 'bundles', 'resnet-mini-20260101-0000');
    chosenExportDir = null;
    expect(await call('chooseExportDir', suggested)).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });
    chosenExportDir = path.join(tmp, 'elsewhere', 'bundle');
    expect(await call('chooseExportDir', suggested)).toEqual({ ok: true, path: chosenExportDir });
    expect(exportDirSuggestions).toEqual([suggested, suggested]);
  });

  it('opens a dropped file by its path only for the studio page', () => {
    const onDrop = droppedFileListener(options);
    onDrop(fromPage, '/models/dropped.onnx');
    onDrop(
      { sender: studio, senderFrame: { url: STUDIO_PAGE_URL, parent: fromPage.senderFrame } },
      '/models/sub.onnx',
    );
    onDrop(fromPage, 42);
    onDrop(fromPage, '');
    expect(dropped).toEqual(['/models/dropped.onnx']);
  });
});

describe('application menu', () => {
  const sent: HostCommand[] = [];
  const actions: MenuActions = {
    command: (command) => sent.push(command),
    openRecent: (filePath) =>
      sent.push({ type: 'opened', result: { ok: false, error: { code: 'recent', message: filePath } } }),
    openRecentProject: (filePath) =>
      sent.push({
        type: 'project-opened',
        result: { ok: false, error: { code: 'project', message: filePath } },
      }),
    openSample: (id) =>
      sent.push({ type: 'opened', result: { ok: false, error: { code: 'sample', message: id } } }),
    setTheme: (theme) => sent.push({ type: 'theme', theme }),
  };
  const template = studioMenuTemplate(
    {
      platform: 'linux',
      recent: [
        { kind: 'model', path: '/a/model.onnx', fileName: 'model.onnx', openedAt: '2025-01-01T00:00:00Z' },
        { kind: 'model', path: '/b/model.onnx', fileName: 'model.onnx', openedAt: '2025-01-01T00:00:00Z' },
        {
          kind: 'project',
          path: '/c/d.cutline.json',
          fileName: 'd.cutline.json',
          openedAt: '2025-01-01T00:00:00Z',
        },
      ],
      samples: [{ id: 'resnet-mini', title: 'ResNet mini', description: '', fileBytes: 1 }],
      theme: 'dark',
      developerTools: false,
    },
    actions,
  );
  const items = (menu: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    menu.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
  const byLabel = (label: string) => items(template).find((item) => item.label === label)!;
  const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

  it('binds the shortcuts and sends the matching host commands', () => {
    const expected: [string, string, HostCommand][] = [
      ['Open…', 'CmdOrCtrl+O', { type: 'open-dialog' }],
      ['Open Project…', 'Shift+CmdOrCtrl+O', { type: 'open-project' }],
      ['Undo', 'CmdOrCtrl+Z', { type: 'undo' }],
      ['Keyboard Shortcuts', '?', { type: 'shortcuts' }],
      ['Save Project', 'CmdOrCtrl+S', { type: 'save' }],
      ['Save Project As…', 'Shift+CmdOrCtrl+S', { type: 'save-as' }],
      ['Export Bundle…', 'CmdOrCtrl+E', { type: 'export' }],
      ['Close Model', 'CmdOrCtrl+W', { type: 'close' }],
      ['Fit to Window', 'CmdOrCtrl+0', { type: 'fit-view' }],
      ['Zoom In', 'CmdOrCtrl+=', { type: 'zoom-in' }],
      ['Zoom Out', 'CmdOrCtrl+-', { type: 'zoom-out' }],
    ];
    for (const [label, accelerator, command] of expected) {
      sent.length = 0;
      expect(byLabel(label).accelerator, label).toBe(accelerator);
      click(byLabel(label));
      expect(sent, label).toEqual([command]);
    }
    const redo = items(template).filter((item) => item.label === 'Redo');
    expect(redo.map((item) => item.accelerator)).toEqual(['Shift+CmdOrCtrl+Z', 'CmdOrCtrl+Y']);
    for (const item of redo) {
      sent.length = 0;
      click(item);
      expect(sent).toEqual([{ type: 'redo' }]);
    }
    sent.length = 0;
    click(byLabel('Open Topology…'));
    expect(sent).toEqual([{ type: 'open-topology' }]);
    // `?` is typed in text fields: shown in the menu, handled by the page.
    expect(byLabel('Keyboard Shortcuts').registerAccelerator).toBe(false);
    expect(items(template).some((item) => item.role === 'quit')).toBe(true);
    expect(items(template).some((item) => item.role === 'toggleDevTools')).toBe(false);
  });

  it('lists recent files (told apart by folder), samples and themes', () => {
    sent.length = 0;
    click(byLabel('model.onnx — /b'));
    click(items(template).find((item) => item.id === sampleItemId('resnet-mini'))!);
    click(byLabel('Light'));
    expect(
      sent.map((command) =>
        command.type === 'opened' && !command.result.ok ? command.result.error.message : command,
      ),
    ).toEqual(['/b/model.onnx', 'resnet-mini', { type: 'theme', theme: 'light' }]);
    sent.length = 0;
    click(byLabel('d.cutline.json (project)'));
    expect(sent).toEqual([
      {
        type: 'project-opened',
        result: { ok: false, error: { code: 'project', message: '/c/d.cutline.json' } },
      },
    ]);
    expect(byLabel('Dark')).toMatchObject({ type: 'radio', checked: true });
  });
});

describe('command line and folders', () => {
  it('finds the model after the app path, skipping Chromium switches', () => {
    const cwd = '/home/user';
    expect(
      modelPathFromArgv(['electron', '--inspect=0', 'dist/main', 'm.onnx'], { packaged: false, cwd }),
    ).toBe('/home/user/m.onnx');
    expect(modelPathFromArgv(['electron', 'dist/main'], { packaged: false, cwd })).toBeNull();
    expect(
      modelPathFromArgv(['/opt/Cutline/cutline', '/data/m.onnx', '--original-process-start-time=1'], {
        packaged: true,
        cwd,
      }),
    ).toBe('/data/m.onnx');
    expect(modelPathFromArgv(['/opt/Cutline/cutline'], { packaged: true, cwd })).toBeNull();
  });

  it('keeps settings in the platform config folder, or CUTLINE_CONFIG_DIR', () => {
    const homeDir = '/home/user';
    expect(studioConfigDir({ env: {}, platform: 'linux', homeDir })).toBe('/home/user/.config/Cutline');
    expect(studioConfigDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homeDir })).toBe(
      '/xdg/Cutline',
    );
    expect(studioConfigDir({ env: {}, platform: 'darwin', homeDir })).toBe(
      '/home/user/Library/Application Support/Cutline',
    );
    expect(studioConfigDir({ env: { CUTLINE_CONFIG_DIR: '/tmp/c' }, platform: 'linux', homeDir })).toBe(
      '/tmp/c',
    );
  });
});

/** Why the Electron app cannot be launched on this machine, or null when it can. */
function electronLaunchBlocker(): string | null {
  const binary = findElectronBinary();
  if (!binary.ok) return `Electron binary not installed — ${binary.reason}`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display to show Electron on ($DISPLAY is unset; run under xvfb-run)';
  }
  return null;
}

describe('the Electron app', () => {
  const blocker = electronLaunchBlocker();
  if (blocker !== null) {
    it('did not run here, and says why', () => {
      console.log(`[electron] not run: ${blocker}`);
      expect(blocker).toMatch(/^(Electron binary not installed|no display)/);
    });
    return;
  }

  it('launches, shows the model from its command line, and opens a sample from the menu', async () => {
    const { _electron } = await import('playwright-core');
    expect(
      fs.existsSync(path.join(ROOT, 'dist/renderer/index.html')),
      'run `npm run build:renderer` first',
    ).toBe(true);
    const { outDir } = await bundleMain();
    const binary = findElectronBinary();
    if (!binary.ok) throw new Error(binary.reason);
    const env: Record<string, string> = { CUTLINE_CONFIG_DIR: fs.mkdtempSync(path.join(tmp, 'app-config-')) };
    for (const [name, value] of Object.entries(process.env)) {
      // ELECTRON_RUN_AS_NODE would make Electron a plain Node and ignore the app.
      if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE' && !(name in env)) env[name] = value;
    }
    // Chromium will not start as root (as CI containers run tests) unless told to drop its OS sandbox.
    const rootSwitches = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    const app = await _electron.launch({
      executablePath: binary.path,
      args: [...rootSwitches, outDir, sample('resnet-mini')],
      env,
    });
    try {
      const page = await app.firstWindow();
      const title = () => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('resnet-mini.onnx');
      await expect.poll(title).toBe('resnet-mini.onnx — Cutline');
      const facts = await page.evaluate(async () => {
        const scope = globalThis as unknown as { cutline: StudioApi; require?: unknown; process?: unknown };
        const response = await fetch('index.html');
        return {
          kind: (await scope.cutline.hostInfo()).kind,
          node: typeof scope.require !== 'undefined' || typeof scope.process !== 'undefined',
          csp: response.headers.get('content-security-policy'),
        };
      });
      expect(facts).toEqual({ kind: 'electron', node: false, csp: CONTENT_SECURITY_POLICY });
      await app.evaluate(
        ({ Menu }, id) => Menu.getApplicationMenu()?.getMenuItemById(id)?.click(),
        sampleItemId('edge-prune-vehicle'),
      );
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('edge-prune-vehicle.onnx');
      await expect.poll(title).toBe('edge-prune-vehicle.onnx — Cutline');
      await expect.poll(() => page.getByRole('button', { name: /^layer / }).count()).toBe(13);
    } finally {
      await app.close();
    }
  });
});
