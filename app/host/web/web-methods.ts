/**
 * What each StudioApi method does in the web host, given arguments already validated. The page
 * picks files with its own file input and sends their bytes (or a project's or topology's
 * text), so there are no open dialogs, and it cannot choose where to save: projects go to
 * `<configDir>/projects/<model>-<sha256 start>.cutline.json` and join the recent list, so after
 * a reload the page reopens them with `openRecentProject` (it can also offer the same JSON as a
 * download and take it back with `openProjectText`). Unsaved edits are the page's business
 * (beforeunload): `setDirty` is accepted and ignored.
 */
import path from 'node:path';
import type { HostInfo, ProjectFile, StudioMethod } from '../../shared/studio-api.js';
import type { StudioArgs } from '../../shared/studio-validate.js';
import { failed } from '../host-errors.js';
import { HOST_METHODS, type StudioAnswer } from '../host-methods.js';
import { projectFileName } from '../project-files.js';
import type { StudioHost } from '../studio-host.js';

export interface MethodContext {
  readonly host: StudioHost;
  readonly configDir: string;
  /** Aborted when the client goes away before the answer is sent. */
  readonly signal: AbortSignal;
}

export type WebMethods = {
  readonly [M in StudioMethod]: (args: StudioArgs<M>, context: MethodContext) => Promise<StudioAnswer<M>>;
};

export const PROJECTS_FOLDER = 'projects';

/**
 * Where the web host keeps a model's project: its name plus the start of its SHA-256, so two
 * different models that share a file name (two `model.onnx`) do not save over each other's
 * design, while Save of one model's design always goes to the same file.
 */
export function webProjectFileName(project: ProjectFile): string {
  // The stem is cut so the whole name stays within NAME_MAX (255) whatever the model's name.
  const stem = projectFileName(project)
    .replace(/\.cutline\.json$/, '')
    .slice(0, 200);
  return `${stem}-${project.model.sha256.slice(0, 12)}.cutline.json`;
}

export const WEB_METHODS: WebMethods = {
  ...HOST_METHODS,
  async hostInfo(_args, { host }): Promise<HostInfo> {
    return { kind: 'web', version: host.version, platform: process.platform, nativeDialogs: false };
  },
  initialModel: (_args, { host, signal }) => host.initialModel({ signal }),
  async openWithDialog() {
    return failed('NOT_SUPPORTED', 'The browser studio has no open dialog: pick a file in the page instead.');
  },
  openRecent: ([filePath], { host, signal }) => host.openPath(filePath, 'recent', { signal }),
  openBytes: ([fileName, bytes], { host, signal }) => host.openBytes(fileName, bytes, { signal }),
  openSample: ([id], { host, signal }) => host.openSample(id, { signal }),
  // saveAs changes nothing here: the browser cannot ask for a place, so it is always the same file.
  saveProject: ([project], { host, configDir }) =>
    host.saveProject(path.join(configDir, PROJECTS_FOLDER, webProjectFileName(project)), project),
  async openTopologyWithDialog() {
    return failed(
      'NOT_SUPPORTED',
      'The browser studio has no open dialog: pick a topology file in the page instead.',
    );
  },
  async chooseExportDir() {
    return failed(
      'NOT_SUPPORTED',
      'The browser studio has no folder picker: type the folder to export to in the page instead.',
    );
  },
  initialProject: (_args, { host, signal }) => host.initialProject({ signal }),
  async openProjectWithDialog() {
    return failed(
      'NOT_SUPPORTED',
      'The browser studio has no open dialog: pick a project file in the page instead.',
    );
  },
  openProjectText: ([fileName, text], { host, signal }) => host.openProjectText(fileName, text, { signal }),
  openRecentProject: ([filePath], { host, signal }) => host.openProjectPath(filePath, 'recent', { signal }),
  openRecovery: (_args, { host, signal }) => host.openRecovery({ signal }),
  async setDirty() {
    // The page asks before it unloads (beforeunload); a browser tab cannot be held open from here.
  },
};
