/**
 * What each StudioApi method does in the web host, given arguments already validated. The page
 * picks files with its own file input and sends their bytes, so there is no open dialog, and it
 * cannot choose where to save: projects go to `<configDir>/projects/<model>.cutline.json` (the
 * page can also offer the same JSON as a download, which needs no host).
 */
import path from 'node:path';
import type { HostInfo, ProjectFile, StudioApi, StudioMethod } from '../../shared/studio-api.js';
import type { StudioArgs } from '../../shared/studio-validate.js';
import { failed } from '../host-errors.js';
import type { StudioHost } from '../studio-host.js';

export interface MethodContext {
  readonly host: StudioHost;
  readonly configDir: string;
  /** Aborted when the client goes away before the answer is sent. */
  readonly signal: AbortSignal;
}

type Answer<M extends StudioMethod> = Awaited<ReturnType<StudioApi[M]>>;

export type WebMethods = {
  readonly [M in StudioMethod]: (args: StudioArgs<M>, context: MethodContext) => Promise<Answer<M>>;
};

export const PROJECTS_FOLDER = 'projects';

/** `resnet-mini.onnx` → `resnet-mini.cutline.json`; anything unusual in a name becomes `_`. */
export function projectFileName(project: ProjectFile): string {
  const stem = project.model.fileName
    .replace(/\.onnx$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_');
  return `${stem || 'project'}.cutline.json`;
}

export const WEB_METHODS: WebMethods = {
  async hostInfo(_args, { host }): Promise<HostInfo> {
    return { kind: 'web', version: host.version, platform: process.platform, nativeDialogs: false };
  },
  initialModel: (_args, { host, signal }) => host.initialModel({ signal }),
  async openWithDialog() {
    return failed('NOT_SUPPORTED', 'The browser studio has no open dialog: pick a file in the page instead.');
  },
  openRecent: ([filePath], { host, signal }) => host.openPath(filePath, 'recent', { signal }),
  openBytes: ([fileName, bytes], { host, signal }) => host.openBytes(fileName, bytes, { signal }),
  listSamples: (_args, { host }) => host.listSamples(),
  openSample: ([id], { host, signal }) => host.openSample(id, { signal }),
  listRecent: (_args, { host }) => host.listRecent(),
  // saveAs changes nothing here: the browser cannot ask for a place, so it is always the same file.
  saveProject: ([project], { host, configDir }) =>
    host.saveProject(path.join(configDir, PROJECTS_FOLDER, projectFileName(project)), project),
  async cancel([jobId], { host }) {
    host.cancel(jobId);
  },
};
