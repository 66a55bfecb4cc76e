/**
 * The Electron preload: the StudioApi over IPC, exposed to the page as `window.cutline` and
 * nothing else (no ipcRenderer, no Node). Runs sandboxed, so bundle.ts compiles it to one
 * CommonJS file whose only import is `electron`.
 *
 * It also opens files dropped on the window: only here can a dropped File be turned into its
 * path on disk (`webUtils.getPathForFile`), and opening by path keeps the model's folder, so
 * external data beside it resolves — which `openBytes` cannot do.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  CHANNELS,
  EVENT_CHANNELS,
  type HostCommand,
  type JobEvent,
  type ProgressEvent,
  type StudioApi,
  type StudioMethod,
  type Unsubscribe,
} from '../shared/studio-api.js';
import { PRIVATE_CHANNELS } from './channels.js';

type Answer<M extends StudioMethod> = Awaited<ReturnType<StudioApi[M]>>;

const invoke = <M extends StudioMethod>(method: M, ...args: Parameters<StudioApi[M]>): Promise<Answer<M>> =>
  ipcRenderer.invoke(CHANNELS[method], ...args) as Promise<Answer<M>>;

/**
 * Commands can arrive before the page subscribes (a second `cutline studio MODEL` while the
 * page is still loading); they wait here for the first listener instead of being lost.
 */
const commandListeners = new Set<(command: HostCommand) => void>();
const waitingCommands: HostCommand[] = [];
/** A page that never subscribes must not make the queue grow without end; the newest are kept. */
const MAX_WAITING_COMMANDS = 32;
ipcRenderer.on(EVENT_CHANNELS.command, (_event, command: HostCommand) => {
  if (commandListeners.size === 0) {
    waitingCommands.push(command);
    if (waitingCommands.length > MAX_WAITING_COMMANDS) waitingCommands.shift();
  }
  for (const listener of commandListeners) listener(command);
});

/**
 * The page is untrusted: the types above do not hold at run time. A listener that is not a
 * function is refused when it is given, not left to throw inside the preload on every event.
 */
function checkedListener<T>(method: string, listener: unknown): (value: T) => void {
  if (typeof listener !== 'function') throw new TypeError(`cutline.${method} needs a function.`);
  return listener as (value: T) => void;
}

const api: StudioApi = {
  hostInfo: () => invoke('hostInfo'),
  initialModel: () => invoke('initialModel'),
  openWithDialog: () => invoke('openWithDialog'),
  openRecent: (filePath) => invoke('openRecent', filePath),
  openBytes: (fileName, bytes) => invoke('openBytes', fileName, bytes),
  listSamples: () => invoke('listSamples'),
  openSample: (id) => invoke('openSample', id),
  listRecent: () => invoke('listRecent'),
  saveProject: (project, options) => invoke('saveProject', project, options),
  cancel: (jobId) => invoke('cancel', jobId),
  startJob: (sessionId, request) => invoke('startJob', sessionId, request),
  cancelJob: (jobId) => invoke('cancelJob', jobId),
  closeSession: (sessionId) => invoke('closeSession', sessionId),
  suggestExportDir: (sessionId) => invoke('suggestExportDir', sessionId),
  chooseExportDir: (suggested) => invoke('chooseExportDir', suggested),
  listTopologies: () => invoke('listTopologies'),
  loadTopology: (id) => invoke('loadTopology', id),
  openTopologyWithDialog: () => invoke('openTopologyWithDialog'),
  parseTopology: (fileName, text) => invoke('parseTopology', fileName, text),
  listProfiles: () => invoke('listProfiles'),
  parseOrtProfile: (fileName, text) => invoke('parseOrtProfile', fileName, text),
  lastTopology: () => invoke('lastTopology'),
  rememberTopology: (id, topology) => invoke('rememberTopology', id, topology),
  initialProject: () => invoke('initialProject'),
  openProjectWithDialog: () => invoke('openProjectWithDialog'),
  openProjectText: (fileName, text) => invoke('openProjectText', fileName, text),
  openRecentProject: (filePath) => invoke('openRecentProject', filePath),
  autosave: (design) => invoke('autosave', design),
  recovery: () => invoke('recovery'),
  openRecovery: () => invoke('openRecovery'),
  setDirty: (dirty) => invoke('setDirty', dirty),
  onProgress(given: (event: ProgressEvent) => void): Unsubscribe {
    const listener = checkedListener<ProgressEvent>('onProgress', given);
    const forward = (_event: unknown, progress: ProgressEvent): void => listener(progress);
    ipcRenderer.on(EVENT_CHANNELS.progress, forward);
    return () => void ipcRenderer.off(EVENT_CHANNELS.progress, forward);
  },
  onJob(given: (event: JobEvent) => void): Unsubscribe {
    const listener = checkedListener<JobEvent>('onJob', given);
    const forward = (_event: unknown, job: JobEvent): void => listener(job);
    ipcRenderer.on(EVENT_CHANNELS.job, forward);
    return () => void ipcRenderer.off(EVENT_CHANNELS.job, forward);
  },
  onCommand(given: (command: HostCommand) => void): Unsubscribe {
    const listener = checkedListener<HostCommand>('onCommand', given);
    commandListeners.add(listener);
    for (const command of waitingCommands.splice(0)) listener(command);
    return () => void commandListeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('cutline', api);

// The preload's tsconfig is the Node one (no DOM library), so the few DOM shapes used are named here.
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];
interface FileDragEvent {
  readonly dataTransfer: { readonly types: readonly string[]; readonly files: ArrayLike<DroppedFile> } | null;
  preventDefault(): void;
  stopImmediatePropagation(): void;
}
interface DropTarget {
  addEventListener(
    type: 'dragover' | 'drop',
    listener: (event: FileDragEvent) => void,
    options: { capture: true },
  ): void;
}

const page = globalThis as unknown as DropTarget;
const carriesFiles = (event: FileDragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;

// Accepting the drag is what makes the window a drop target at all; the page still sees dragover.
page.addEventListener(
  'dragover',
  (event) => {
    if (carriesFiles(event)) event.preventDefault();
  },
  { capture: true },
);

page.addEventListener(
  'drop',
  (event) => {
    const file = event.dataTransfer?.files[0];
    if (!carriesFiles(event) || file === undefined) return;
    const filePath = webUtils.getPathForFile(file);
    // Files without a path (made by script, or from another app's memory) are left to the page.
    if (!filePath) return;
    // Main opens it and announces the result with an `opened` command; the page must not open it too.
    event.preventDefault();
    event.stopImmediatePropagation();
    ipcRenderer.send(PRIVATE_CHANNELS.openDroppedFile, filePath);
  },
  { capture: true },
);
