/**
 * The studio's host logic, shared by Electron main and the local web host and free of both:
 * which files may be opened, sessions (a process per open model holding its analysis) and the
 * jobs run against them, the recent list, the samples, topologies, projects, autosave and
 * recovery. Transports (IPC, HTTP) validate payloads with app/shared/studio-validate.ts and then
 * call this.
 *
 * Security: a renderer names files only by paths it got from the host. Paths the user chose in a
 * native dialog or on the command line are remembered; `openPath(…, 'recent')` opens only those,
 * the persisted recent list and the bundled samples, so a compromised page cannot make the host
 * read arbitrary files. A project the user chose may name its model: see project-files.ts for
 * why that is safe (an existing `.onnx` file whose SHA-256 the project names, or nothing).
 * External data a model refers to is resolved by core/onnx/read.ts, which refuses anything
 * outside the model's own folder.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  JobEvent,
  JobRequest,
  JobStartResult,
  OpenResult,
  ProgressEvent,
  ProjectFile,
  ProjectOpenResult,
  RecentFile,
  RecoveredDesign,
  SampleInfo,
  SaveResult,
  Unsubscribe,
} from '../shared/studio-api.js';
import { parseProject } from '../../core/project/parse.js';
import { writeFileAtomic } from './atomic-file.js';
import { createAutosaveStore } from './autosave.js';
import { defaultExportsDir, suggestExportDir } from './export-dir.js';
import { EXPORTED_BUNDLES_FILE } from './exported-bundles.js';
import { THIS_MACHINE_FILE } from './profile-job.js';
import { failed } from './host-errors.js';
import { studioVersion } from './host-version.js';
import { projectFromText, projectModelPath, readProjectFile, type ProjectRead } from './project-files.js';
import { createRecentFiles } from './recent-files.js';
import { DEFAULT_SAMPLE_ID, SAMPLES_DIR, loadSampleCatalog, type SampleEntry } from './sample-catalog.js';
import { createSessionRunner, type OpenSessionRequest, type SessionRunnerOptions } from './session-runner.js';
import { createTopologyLibrary, type TopologyLibrary } from './topologies.js';
import { STAGE_START } from './worker/protocol.js';

/** How a path reached the host: chosen by the user (dialog, command line) or taken from a list. */
export type OpenReason = 'dialog' | 'command-line' | 'recent';

export interface StudioHostOptions {
  /** Folder for the recent list, the last topology, the autosave (and the web host's saved projects). */
  readonly configDir: string;
  /** The model named on the command line: allowed, and what `initialModel` opens. */
  readonly commandLinePath?: string;
  /** The project named on the command line: allowed, and what `initialProject` opens. */
  readonly commandLineProject?: string;
  /** Default: the repository's samples/ folder. */
  readonly samplesDir?: string;
  /** Default: the repository's profiles/ folder. */
  readonly profilesDir?: string;
  readonly analysis?: SessionRunnerOptions;
  /** Where exports are suggested (default `<home>/Cutline/bundles`). */
  readonly exportsDir?: string;
}

export interface OpenControl {
  /** Aborting cancels the open (e.g. the HTTP client went away). */
  readonly signal?: AbortSignal;
}

export interface StudioHost {
  /** The studio's version (package.json). */
  readonly version: string;
  openPath(filePath: string, reason: OpenReason, control?: OpenControl): Promise<OpenResult>;
  /**
   * Opens uploaded bytes: the host keeps a copy in a temp file, which its analysis process reads;
   * `bytes` must not change until the open has answered.
   */
  openBytes(fileName: string, bytes: Uint8Array, control?: OpenControl): Promise<OpenResult>;
  listSamples(): Promise<readonly SampleInfo[]>;
  openSample(id: string, control?: OpenControl): Promise<OpenResult>;
  /** The command-line model, else (when no project was given either) DEFAULT_SAMPLE_ID, else null. */
  initialModel(control?: OpenControl): Promise<OpenResult | null>;
  listRecent(): Promise<readonly RecentFile[]>;
  /** Writes the project as JSON to `filePath` (chosen by the transport), atomically; lists it as recent. */
  saveProject(filePath: string, project: ProjectFile): Promise<SaveResult>;
  /** Cancels an open (by its OpenedModel.jobId). */
  cancel(jobId: string): void;

  startJob(sessionId: string, request: JobRequest): JobStartResult;
  cancelJob(jobId: string): void;
  closeSession(sessionId: string): Promise<void>;
  /** A folder that does not exist yet for this session's bundle (export-dir.ts). */
  suggestExportDir(sessionId: string): Promise<string>;

  readonly topologies: TopologyLibrary;

  initialProject(control?: OpenControl): Promise<ProjectOpenResult | null>;
  /** A project file by path: chosen (dialog, command line) or from the recent list. */
  openProjectPath(filePath: string, reason: OpenReason, control?: OpenControl): Promise<ProjectOpenResult>;
  /** A project file's text the user uploaded or dropped in the page. */
  openProjectText(fileName: string, text: string, control?: OpenControl): Promise<ProjectOpenResult>;

  autosave(design: RecoveredDesign | null): Promise<void>;
  recovery(): Promise<RecoveredDesign | null>;
  openRecovery(control?: OpenControl): Promise<ProjectOpenResult>;

  onProgress(listener: (event: ProgressEvent) => void): Unsubscribe;
  onJob(listener: (event: JobEvent) => void): Unsubscribe;
  /** Ends every open, session and job, and the idle analysis process, after pending autosave writes land. */
  close(): Promise<void>;
}

export const RECENT_LIST_FILE = 'recent.json';

/** Calls every listener; a failing one (a closed window, a dropped stream) must not stop the others. */
function broadcaster<T>(): { readonly listeners: Set<(value: T) => void>; emit(value: T): void } {
  const listeners = new Set<(value: T) => void>();
  return {
    listeners,
    emit(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch {
          // See above.
        }
      }
    },
  };
}

export function createStudioHost(options: StudioHostOptions): StudioHost {
  const progress = broadcaster<ProgressEvent>();
  const jobs = broadcaster<JobEvent>();
  // The bundles this studio exported are kept with its other lists: the harness may run them
  // after a restart too.
  const runner = createSessionRunner(
    {
      ...options.analysis,
      processJobs: {
        exportedBundlesFile: path.join(options.configDir, EXPORTED_BUNDLES_FILE),
        // This machine's profile and its measurement table, kept for the next calibration.
        calibrationFile: path.join(options.configDir, THIS_MACHINE_FILE),
        ...options.analysis?.processJobs,
      },
    },
    (event) => jobs.emit(event),
  );
  const recent = createRecentFiles(path.join(options.configDir, RECENT_LIST_FILE));
  const topologies = createTopologyLibrary(options.configDir, options.profilesDir);
  const autosaved = createAutosaveStore(options.configDir);
  const chosenModels = new Set<string>();
  const chosenProjects = new Set<string>();
  let samples: Promise<readonly SampleEntry[]> | undefined;
  const sampleCatalog = (): Promise<readonly SampleEntry[]> =>
    (samples ??= loadSampleCatalog(options.samplesDir ?? SAMPLES_DIR));
  const isSample = async (absolute: string): Promise<boolean> =>
    (await sampleCatalog()).some((sample) => sample.path === absolute);
  // A recent list that cannot be written is not worth failing an open or a save over.
  const remember = (filePath: string, kind: RecentFile['kind']): Promise<unknown> =>
    recent.add(filePath, kind).catch(() => undefined);

  const resolved = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : path.resolve(value);
  const commandLinePath = resolved(options.commandLinePath);
  const commandLineProject = resolved(options.commandLineProject);
  if (commandLinePath !== undefined) chosenModels.add(commandLinePath);
  if (commandLineProject !== undefined) chosenProjects.add(commandLineProject);

  async function open(
    fileName: string,
    filePath: string | null,
    request: OpenSessionRequest,
    control: OpenControl = {},
  ): Promise<OpenResult> {
    const jobId = randomUUID();
    if (control.signal?.aborted) return failed('CANCELLED', 'Opening the model was cancelled.');
    const abort = (): void => void runner.cancelOpen(jobId);
    control.signal?.addEventListener('abort', abort, { once: true });
    try {
      const outcome = await runner.open(jobId, request, (stage, message) =>
        progress.emit({ jobId, stage, fraction: STAGE_START[stage], message }),
      );
      progress.emit({
        jobId,
        stage: 'done',
        fraction: 1,
        message: outcome.ok ? `Opened ${fileName}` : outcome.error.message,
      });
      if (!outcome.ok) return outcome;
      const { sessionId, sha256, view, partition, inputs } = outcome;
      return {
        ok: true,
        model: { jobId, sessionId, fileName, path: filePath, sha256, view, partition, inputs },
      };
    } finally {
      control.signal?.removeEventListener('abort', abort);
    }
  }

  async function isOpenable(absolute: string): Promise<boolean> {
    if (chosenModels.has(absolute) || (await recent.includes(absolute, 'model'))) return true;
    return isSample(absolute);
  }

  /** Opens a project's model with its bindings; the project file's path (if any) joins the recent list. */
  async function openProject(
    read: ProjectRead,
    projectPath: string | null,
    control?: OpenControl,
  ): Promise<ProjectOpenResult> {
    if (!read.ok) return read;
    const { project } = read;
    const located = await projectModelPath(project, projectPath);
    if (!located.ok) return { ok: false, error: located.error, project, projectPath };
    const modelPath = located.path;
    const opened = await open(
      path.basename(modelPath),
      modelPath,
      {
        source: { kind: 'file', path: modelPath },
        inputs: project.inputs,
        expectSha256: project.model.sha256,
      },
      control,
    );
    if (!opened.ok) {
      // A model gone or changed since the check above is the user's to locate: the answer
      // carries the project so the page can offer "Locate the model".
      const { error } = opened;
      if (error.code === 'NOT_A_FILE')
        return { ok: false, error: { ...error, code: 'MODEL_MISSING' }, project, projectPath };
      if (error.code === 'MODEL_CHANGED') return { ok: false, error, project, projectPath };
      return { ok: false, error };
    }
    chosenModels.add(modelPath);
    if (!(await isSample(modelPath))) await remember(modelPath, 'model');
    if (projectPath !== null) {
      chosenProjects.add(projectPath);
      await remember(projectPath, 'project');
    }
    return { ok: true, project, projectPath, model: opened.model };
  }

  const host: StudioHost = {
    version: studioVersion(),
    topologies,

    async openPath(filePath, reason, control) {
      const absolute = path.resolve(filePath);
      if (reason === 'recent' && !(await isOpenable(absolute))) {
        return failed(
          'NOT_ALLOWED',
          `${filePath} was never opened in Cutline. Open it with File › Open instead.`,
        );
      }
      if (reason !== 'recent') chosenModels.add(absolute);
      const result = await open(
        path.basename(absolute),
        absolute,
        { source: { kind: 'file', path: absolute }, inputs: {} },
        control,
      );
      if (result.ok && !(await isSample(absolute))) await remember(absolute, 'model');
      return result;
    },

    openBytes(fileName, bytes, control) {
      return open(fileName, null, { source: { kind: 'bytes', fileName, bytes }, inputs: {} }, control);
    },

    async listSamples() {
      return (await sampleCatalog()).map(({ id, title, description, fileBytes }) => ({
        id,
        title,
        description,
        fileBytes,
      }));
    },

    async openSample(id, control) {
      const sample = (await sampleCatalog()).find((entry) => entry.id === id);
      if (!sample) return failed('NOT_FOUND', `There is no sample called "${id}".`);
      return open(
        path.basename(sample.path),
        sample.path,
        { source: { kind: 'file', path: sample.path }, inputs: {} },
        control,
      );
    },

    async initialModel(control) {
      if (commandLinePath !== undefined) return host.openPath(commandLinePath, 'command-line', control);
      // A project on the command line brings its own model (initialProject).
      if (commandLineProject !== undefined) return null;
      const hasDefault = (await sampleCatalog()).some((sample) => sample.id === DEFAULT_SAMPLE_ID);
      return hasDefault ? host.openSample(DEFAULT_SAMPLE_ID, control) : null;
    },

    listRecent: () => recent.list(),

    async saveProject(filePath, project) {
      const checked = parseProject(project);
      if (!checked.ok) return failed('BAD_REQUEST', checked.message);
      try {
        await writeFileAtomic(filePath, `${JSON.stringify(checked.project, null, 2)}\n`);
      } catch (error) {
        return failed(
          'WRITE_FAILED',
          `The project could not be saved to ${filePath}: ${(error as Error).message}.`,
        );
      }
      const absolute = path.resolve(filePath);
      chosenProjects.add(absolute);
      await remember(absolute, 'project');
      return { ok: true, path: filePath };
    },

    cancel(jobId) {
      runner.cancelOpen(jobId);
    },

    startJob: (sessionId, request) => runner.startJob(sessionId, request),
    cancelJob: (jobId) => runner.cancelJob(jobId),
    closeSession: (sessionId) => runner.closeSession(sessionId),
    suggestExportDir: async (sessionId) =>
      suggestExportDir(
        options.exportsDir ?? defaultExportsDir(),
        runner.modelOf(sessionId)?.fileName ?? null,
      ),

    async initialProject(control) {
      if (commandLineProject === undefined) return null;
      return host.openProjectPath(commandLineProject, 'command-line', control);
    },

    async openProjectPath(filePath, reason, control) {
      const absolute = path.resolve(filePath);
      if (
        reason === 'recent' &&
        !chosenProjects.has(absolute) &&
        !(await recent.includes(absolute, 'project'))
      ) {
        return failed(
          'NOT_ALLOWED',
          `${filePath} was never opened or saved in Cutline. Open it with File › Open Project instead.`,
        );
      }
      return openProject(await readProjectFile(absolute), absolute, control);
    },

    openProjectText: async (fileName, text, control) =>
      openProject(projectFromText(fileName, text), null, control),

    autosave: (design) => autosaved.write(design),
    recovery: () => autosaved.read(),

    async openRecovery(control) {
      const design = await autosaved.read();
      if (design === null) return failed('NOT_FOUND', 'There is no autosaved design to recover.');
      // The path it was saved to is not handed back: the file came from the page, so it must
      // not choose where a later Save writes.
      return openProject({ ok: true, project: design.project }, null, control);
    },

    onProgress(listener) {
      progress.listeners.add(listener);
      return () => void progress.listeners.delete(listener);
    },
    onJob(listener) {
      jobs.listeners.add(listener);
      return () => void jobs.listeners.delete(listener);
    },

    async close() {
      // A Discard just before quitting deletes the autosave: that must land before the process ends.
      await autosaved.idle();
      await runner.close();
    },
  };
  return host;
}
