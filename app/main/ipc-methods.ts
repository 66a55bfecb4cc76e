/**
 * What each StudioApi method does in Electron, after main has checked the sender and the
 * arguments (ipc.ts). The Electron counterpart of app/host/web/web-methods.ts: the same
 * StudioHost underneath, plus native open and save dialogs. Free of Electron itself (dialogs
 * come in as NativeDialogs), so the table is tested in Node against a real host.
 */
import path from 'node:path';
import type { HostInfo, OpenResult, ProjectOpenResult, StudioMethod } from '../shared/studio-api.js';
import { parseStudioArgs, type StudioArgs } from '../shared/studio-validate.js';
import { failed } from '../host/host-errors.js';
import { HOST_METHODS, type StudioAnswer } from '../host/host-methods.js';
import type { StudioHost } from '../host/studio-host.js';
import { projectFileName } from '../host/project-files.js';

export interface NativeDialogs {
  /** The model file the user picked, or null when they dismissed the dialog. */
  chooseModel(): Promise<string | null>;
  /** Where to save a project, suggesting `defaultPath`; null when dismissed. */
  chooseProjectPath(defaultPath: string): Promise<string | null>;
  /** The project file the user picked to open, or null. */
  chooseProject(): Promise<string | null>;
  /** The topology file the user picked, or null. */
  chooseTopology(): Promise<string | null>;
  /** The folder to export a bundle to, suggesting `defaultPath` (which need not exist yet); null when dismissed. */
  chooseExportDir(defaultPath: string): Promise<string | null>;
}

export interface ElectronMethodContext {
  readonly host: StudioHost;
  readonly dialogs: NativeDialogs;
  /** Where a project of a model that has no folder (bytes, a dropped blob) is suggested. */
  readonly documentsDir: string;
  /** Where each model's project (by the model's SHA-256) was saved in this session: Save reuses it. */
  readonly savedProjects: Map<string, string>;
  /** Called with every open's result, whoever started it (window title, recent menu). */
  readonly afterOpen: (result: OpenResult) => void;
  /** Whether the page has unsaved edits (closing the window asks first). */
  readonly setDirty: (dirty: boolean) => void;
}

export type ElectronMethods = {
  readonly [M in StudioMethod]: (
    args: StudioArgs<M>,
    context: ElectronMethodContext,
  ) => Promise<StudioAnswer<M>>;
};

/** A project opened from a file is saved back to that file by Save (not Save As). */
const announceProject = async (
  pending: ProjectOpenResult | Promise<ProjectOpenResult>,
  context: ElectronMethodContext,
): Promise<ProjectOpenResult> => {
  const result = await pending;
  if (result.ok) {
    if (result.projectPath !== null)
      context.savedProjects.set(result.project.model.sha256, result.projectPath);
    context.afterOpen({ ok: true, model: result.model });
  }
  return result;
};

const announce = async (
  pending: Promise<OpenResult>,
  context: ElectronMethodContext,
): Promise<OpenResult> => {
  const result = await pending;
  context.afterOpen(result);
  return result;
};

export const ELECTRON_METHODS: ElectronMethods = {
  ...HOST_METHODS,
  async hostInfo(_args, { host }): Promise<HostInfo> {
    return { kind: 'electron', version: host.version, platform: process.platform, nativeDialogs: true };
  },
  async initialModel(_args, context) {
    const result = await context.host.initialModel();
    if (result) context.afterOpen(result);
    return result;
  },
  async openWithDialog(_args, context) {
    const chosen = await context.dialogs.chooseModel();
    if (chosen === null) return failed('CANCELLED', 'No model was chosen.');
    return announce(context.host.openPath(chosen, 'dialog'), context);
  },
  async chooseExportDir([suggested], { dialogs }) {
    const chosen = await dialogs.chooseExportDir(suggested);
    if (chosen === null) return failed('CANCELLED', 'No folder was chosen.');
    return { ok: true, path: chosen };
  },
  openRecent: ([filePath], context) => announce(context.host.openPath(filePath, 'recent'), context),
  openBytes: ([fileName, bytes], context) => announce(context.host.openBytes(fileName, bytes), context),
  openSample: ([id], context) => announce(context.host.openSample(id), context),
  async saveProject([project, { saveAs }], { host, dialogs, documentsDir, savedProjects }) {
    const key = project.model.sha256;
    let target = saveAs ? undefined : savedProjects.get(key);
    if (target === undefined) {
      // The model's own folder is where its project belongs; the path is only a suggestion.
      const folder =
        project.model.path !== null && path.isAbsolute(project.model.path)
          ? path.dirname(project.model.path)
          : documentsDir;
      const chosen = await dialogs.chooseProjectPath(path.join(folder, projectFileName(project)));
      if (chosen === null) return failed('CANCELLED', 'The project was not saved.');
      target = chosen;
    }
    const result = await host.saveProject(target, project);
    if (result.ok) savedProjects.set(key, result.path);
    return result;
  },
  async openTopologyWithDialog(_args, { host, dialogs }) {
    const chosen = await dialogs.chooseTopology();
    if (chosen === null) return failed('CANCELLED', 'No topology was chosen.');
    return host.topologies.loadFile(chosen);
  },
  async initialProject(_args, context) {
    const result = await context.host.initialProject();
    return result === null ? null : announceProject(result, context);
  },
  async openProjectWithDialog(_args, context) {
    const chosen = await context.dialogs.chooseProject();
    if (chosen === null) return failed('CANCELLED', 'No project was chosen.');
    return announceProject(context.host.openProjectPath(chosen, 'dialog'), context);
  },
  openProjectText: ([fileName, text], context) =>
    announceProject(context.host.openProjectText(fileName, text), context),
  openRecentProject: ([filePath], context) =>
    announceProject(context.host.openProjectPath(filePath, 'recent'), context),
  openRecovery: (_args, context) => announceProject(context.host.openRecovery(), context),
  async setDirty([dirty], { setDirty }) {
    setDirty(dirty);
  },
};

/** Methods whose results carry an error, so a bad request is answered rather than thrown. */
const ANSWERS_ERRORS: ReadonlySet<StudioMethod> = new Set<StudioMethod>([
  'openWithDialog',
  'openRecent',
  'openBytes',
  'openSample',
  'saveProject',
  'startJob',
  'loadTopology',
  'openTopologyWithDialog',
  'parseTopology',
  'parseOrtProfile',
  'lastTopology',
  'openProjectWithDialog',
  'openProjectText',
  'openRecentProject',
  'openRecovery',
]);

/** Thrown to the renderer (the invoke rejects) for requests it must never make. */
export class RefusedRequestError extends Error {
  override readonly name = 'RefusedRequestError';
}

/**
 * Validates a request's raw IPC arguments and runs it. Like the web host: a malformed request
 * to a method with an error result answers `{ok:false, error:{code:'BAD_REQUEST'}}`; to any
 * other method it rejects.
 */
export async function runStudioMethod<M extends StudioMethod>(
  method: M,
  rawArgs: unknown,
  context: ElectronMethodContext,
): Promise<StudioAnswer<M>> {
  const checked = parseStudioArgs(method, rawArgs);
  if (!checked.ok) {
    if (ANSWERS_ERRORS.has(method)) return failed('BAD_REQUEST', checked.message) as StudioAnswer<M>;
    throw new RefusedRequestError(`BAD_REQUEST: ${checked.message}`);
  }
  return ELECTRON_METHODS[method](checked.args, context);
}
