/**
 * The Electron main process: one hardened window showing the renderer, the StudioHost behind it
 * over IPC, the application menu, and the ways a model arrives — the command line (first or
 * second instance), the open dialog, a file dropped on the window, the recent and sample menus,
 * and macOS's open-file (a double-clicked .onnx). Bundled to dist/main/main.cjs by bundle.ts.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Menu, app, dialog, ipcMain, nativeTheme, protocol, session, type BrowserWindow } from 'electron';
import { defaultExportsDir, ensureExportDialogFolder } from '../host/export-dir.js';
import { looksLikeProject } from '../host/project-sniff.js';
import { createStudioHost, type StudioHost } from '../host/studio-host.js';
import {
  EVENT_CHANNELS,
  type HostCommand,
  type OpenResult,
  type ProjectOpenResult,
} from '../shared/studio-api.js';
import { modelPathFromArgv, secondInstanceDataSchema, type SecondInstanceData } from './argv.js';
import { APP_NAME, studioConfigDir } from './config-dir.js';
import { registerStudioIpc } from './ipc.js';
import type { ElectronMethodContext, NativeDialogs } from './ipc-methods.js';
import { studioMenuTemplate, type MenuActions, type ThemeChoice } from './menu.js';
import { studioPaths, type StudioPaths } from './paths.js';
import { createRendererResponder } from './renderer-protocol.js';
import { STUDIO_SCHEME, STUDIO_SCHEME_PRIVILEGES } from './security.js';
import { guardContents, guardSession } from './guards.js';
import { createStudioWindow } from './window.js';

/** The repository (from source) or app.asar (packaged): bundle.ts keeps module URLs source-relative. */
const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// onnxruntime-node's usage telemetry off before any session exists (see bin/cutline.js).
process.env.ORT_DISABLE_TELEMETRY ??= '1';

// Everything below must happen before `ready`: scheme privileges, the app's name and the
// profile folder (which also scopes the single-instance lock).
protocol.registerSchemesAsPrivileged([STUDIO_SCHEME_PRIVILEGES]);
app.setName(APP_NAME);
const configDir = studioConfigDir();
app.setPath('userData', configDir);

let launchModel = modelPathFromArgv(process.argv, { packaged: app.isPackaged, cwd: process.cwd() });
const lockData: SecondInstanceData = { modelPath: launchModel };
if (!app.requestSingleInstanceLock(lockData)) {
  // A studio is already running: it opens our model (second-instance below); we are done.
  app.quit();
} else {
  // macOS delivers double-clicked files as events, possibly before `ready`.
  let openFileLater: ((filePath: string) => void) | null = null;
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    if (openFileLater) openFileLater(filePath);
    else launchModel = filePath;
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(() => {
    const studio = startStudio(
      studioPaths(APP_ROOT, { packaged: app.isPackaged, resourcesPath: process.resourcesPath }),
      launchModel,
    );
    openFileLater = (filePath) => studio.openFromOutside(filePath);
  });
}

interface RunningStudio {
  /** Opens a path given on a command line or by the OS, and shows it. */
  openFromOutside(filePath: string): void;
}

function startStudio(paths: StudioPaths, commandLineFile: string | null): RunningStudio {
  guardSession(session.defaultSession);
  protocol.handle(STUDIO_SCHEME, createRendererResponder(paths.rendererDir));

  // `cutline studio FILE` names a model or a project; the content tells which.
  const commandLine =
    commandLineFile === null
      ? {}
      : looksLikeProject(commandLineFile)
        ? { commandLineProject: commandLineFile }
        : { commandLinePath: commandLineFile };
  const host: StudioHost = createStudioHost({
    configDir,
    samplesDir: paths.samplesDir,
    profilesDir: paths.profilesDir,
    analysis: {
      workerUrl: pathToFileURL(paths.worker),
      // Packaged: the built command; from the sources (`npm start`), bin/cutline.js.
      ...(paths.cli !== null ? { processJobs: { cliEntry: paths.cli } } : {}),
    },
    ...commandLine,
  });
  const window = createStudioWindow(paths.preload);
  let theme: ThemeChoice = 'system';
  let dirty = false;
  window.on('close', (event) => {
    if (!dirty) return;
    // Unsaved edits: ask before they go (the autosave keeps them either way until Discard).
    const answer = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Discard', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The design has unsaved changes.',
      detail: 'Discard them and close the window, or cancel and save them first (File › Save Project).',
    });
    if (answer === 1) event.preventDefault();
    else {
      dirty = false;
      void host.autosave(null);
    }
  });

  const send = (channel: string, payload: unknown): void => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const sendCommand = (command: HostCommand): void => send(EVENT_CHANNELS.command, command);
  host.onProgress((event) => send(EVENT_CHANNELS.progress, event));
  host.onJob((event) => send(EVENT_CHANNELS.job, event));

  const afterOpen = (result: OpenResult): void => {
    if (!result.ok || window.isDestroyed()) return;
    window.setTitle(`${result.model.fileName} — ${APP_NAME}`);
    void refreshMenu();
  };
  /** Opens main started (menu, drop, second instance) reach the page as an `opened` command. */
  const openAndAnnounce = (opening: Promise<OpenResult>): void => {
    void opening.then((result) => {
      afterOpen(result);
      sendCommand({ type: 'opened', result });
    });
  };
  /**
   * Projects main opened (recent menu, drop, second instance) reach the page as `project-opened`.
   * Their file does not become Save's target here: the page asks about unsaved work only when the
   * project arrives, and if the user keeps the open design, a Save must not write it into the
   * project they refused. The first Save after such an open asks where, suggesting that folder.
   */
  const openProjectAndAnnounce = (opening: Promise<ProjectOpenResult>): void => {
    void opening.then((result) => {
      if (result.ok) afterOpen({ ok: true, model: result.model });
      sendCommand({ type: 'project-opened', result });
    });
  };
  /** A file from outside (drop, second instance, the OS): a project or a model, by content. */
  const openFileAndAnnounce = (filePath: string, reason: 'dialog' | 'command-line'): void => {
    if (looksLikeProject(filePath)) openProjectAndAnnounce(host.openProjectPath(filePath, reason));
    else openAndAnnounce(host.openPath(filePath, reason));
  };

  const menuActions: MenuActions = {
    command: sendCommand,
    openRecent: (filePath) => openAndAnnounce(host.openPath(filePath, 'recent')),
    openRecentProject: (filePath) => openProjectAndAnnounce(host.openProjectPath(filePath, 'recent')),
    openSample: (id) => openAndAnnounce(host.openSample(id)),
    setTheme(choice) {
      theme = choice;
      nativeTheme.themeSource = choice;
      sendCommand({ type: 'theme', theme: choice });
      void refreshMenu();
    },
  };
  async function refreshMenu(): Promise<void> {
    const [recent, samples] = await Promise.all([host.listRecent(), host.listSamples()]);
    const state = { platform: process.platform, recent, samples, theme, developerTools: !app.isPackaged };
    Menu.setApplicationMenu(Menu.buildFromTemplate(studioMenuTemplate(state, menuActions)));
  }
  void refreshMenu();

  const context: ElectronMethodContext = {
    host,
    dialogs: nativeDialogs(window),
    documentsDir: app.getPath('documents'),
    savedProjects: new Map(),
    afterOpen,
    setDirty(value) {
      dirty = value;
      // The dot in the close button; the method exists on macOS only.
      if (process.platform === 'darwin' && !window.isDestroyed()) window.setDocumentEdited(value);
    },
  };
  const unregister = registerStudioIpc(ipcMain, {
    context,
    studioContents: () => (window.isDestroyed() ? null : window.webContents),
    openDroppedFile: (filePath) => openFileAndAnnounce(filePath, 'dialog'),
  });

  const openFromOutside = (filePath: string): void => {
    if (window.isMinimized()) window.restore();
    window.focus();
    openFileAndAnnounce(filePath, 'command-line');
  };
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const data = secondInstanceDataSchema.safeParse(additionalData);
    const modelPath = data.success
      ? data.data.modelPath && path.resolve(workingDirectory, data.data.modelPath)
      : modelPathFromArgv(argv, { packaged: app.isPackaged, cwd: workingDirectory });
    if (modelPath) openFromOutside(modelPath);
    else if (!window.isDestroyed()) window.focus();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    // Stop the analysis workers before the process goes, then quit for real.
    event.preventDefault();
    closing = true;
    unregister();
    void host.close().finally(() => app.quit());
  });

  return { openFromOutside };
}

function nativeDialogs(window: BrowserWindow): NativeDialogs {
  /** One file to open, offered with `kind`'s extension first and any file after. */
  const chooseFile = async (title: string, kind: string, extension: string): Promise<string | null> => {
    const answer = await dialog.showOpenDialog(window, {
      title,
      properties: ['openFile'],
      filters: [
        { name: kind, extensions: [extension] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return answer.canceled ? null : (answer.filePaths[0] ?? null);
  };
  return {
    chooseModel: () => chooseFile('Open Model', 'ONNX models', 'onnx'),
    chooseProject: () => chooseFile('Open Project', 'Cutline projects', 'json'),
    chooseTopology: () => chooseFile('Open Topology', 'Topology files', 'json'),
    async chooseProjectPath(defaultPath) {
      const answer = await dialog.showSaveDialog(window, {
        title: 'Save Project',
        defaultPath,
        filters: [{ name: 'Cutline projects', extensions: ['json'] }],
      });
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
    async chooseExportDir(defaultPath) {
      // A save dialog, not a folder picker: a bundle goes to a new folder, and a save dialog lets
      // the user name one (the suggested name preset) where a folder picker only picks existing ones.
      await ensureExportDialogFolder(defaultPath, defaultExportsDir());
      const answer = await dialog.showSaveDialog(window, {
        title: 'Export Bundle',
        buttonLabel: 'Export Here',
        defaultPath,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
  };
}
