/**
 * The studio's host logic, shared by Electron main and the local web host and free of both:
 * which files may be opened, analysis off the main thread with progress and cancel, the recent
 * list, the samples, and saving projects. Transports (IPC, HTTP) validate payloads with
 * app/shared/studio-validate.ts and then call this.
 *
 * Security: a renderer names files only by paths it got from the host. Paths the user chose in a
 * native dialog or on the command line are remembered; `openPath(…, 'recent')` opens only those,
 * the persisted recent list and the bundled samples, so a compromised page cannot make the host
 * read arbitrary files. External data a model refers to is resolved by core/onnx/read.ts, which
 * refuses anything outside the model's own folder.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  OpenResult,
  ProgressEvent,
  ProjectFile,
  RecentFile,
  SampleInfo,
  SaveResult,
  Unsubscribe,
} from '../shared/studio-api.js';
import { parseProjectFile } from '../shared/studio-validate.js';
import { createAnalysisRunner, type AnalysisRunnerOptions } from './analysis-runner.js';
import { writeFileAtomic } from './atomic-file.js';
import { failed } from './host-errors.js';
import { studioVersion } from './host-version.js';
import { createRecentFiles } from './recent-files.js';
import { DEFAULT_SAMPLE_ID, SAMPLES_DIR, loadSampleCatalog, type SampleEntry } from './sample-catalog.js';
import { STAGE_START, type AnalysisSource } from './worker/protocol.js';

/** How a path reached the host: chosen by the user (dialog, command line) or taken from a list. */
export type OpenReason = 'dialog' | 'command-line' | 'recent';

export interface StudioHostOptions {
  /** Folder for the recent list (and the web host's saved projects). Created when needed. */
  readonly configDir: string;
  /** The model named on the command line: allowed, and what `initialModel` opens. */
  readonly commandLinePath?: string;
  /** Default: the repository's samples/ folder. */
  readonly samplesDir?: string;
  readonly analysis?: AnalysisRunnerOptions;
}

export interface OpenControl {
  /** Aborting cancels the job (e.g. the HTTP client went away). */
  readonly signal?: AbortSignal;
}

export interface StudioHost {
  /** The studio's version (package.json). */
  readonly version: string;
  openPath(filePath: string, reason: OpenReason, control?: OpenControl): Promise<OpenResult>;
  /** Takes ownership of `bytes`: they are transferred to the analysis worker. */
  openBytes(fileName: string, bytes: Uint8Array, control?: OpenControl): Promise<OpenResult>;
  listSamples(): Promise<readonly SampleInfo[]>;
  openSample(id: string, control?: OpenControl): Promise<OpenResult>;
  /** The command-line model, else the bundled DEFAULT_SAMPLE_ID, else null. */
  initialModel(control?: OpenControl): Promise<OpenResult | null>;
  listRecent(): Promise<readonly RecentFile[]>;
  /** Writes the project as JSON to `filePath` (chosen by the transport), atomically. */
  saveProject(filePath: string, project: ProjectFile): Promise<SaveResult>;
  cancel(jobId: string): void;
  onProgress(listener: (event: ProgressEvent) => void): Unsubscribe;
  /** Stops running jobs (they resolve CANCELLED) and the idle worker. */
  close(): Promise<void>;
}

export const RECENT_LIST_FILE = 'recent.json';

export function createStudioHost(options: StudioHostOptions): StudioHost {
  const runner = createAnalysisRunner(options.analysis);
  const recent = createRecentFiles(path.join(options.configDir, RECENT_LIST_FILE));
  const chosenPaths = new Set<string>();
  const listeners = new Set<(event: ProgressEvent) => void>();
  let samples: Promise<readonly SampleEntry[]> | undefined;
  const sampleCatalog = (): Promise<readonly SampleEntry[]> =>
    (samples ??= loadSampleCatalog(options.samplesDir ?? SAMPLES_DIR));

  const commandLinePath =
    options.commandLinePath === undefined ? undefined : path.resolve(options.commandLinePath);
  if (commandLinePath !== undefined) chosenPaths.add(commandLinePath);

  const emit = (event: ProgressEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber (a closed window, a dropped stream) must not stop the job.
      }
    }
  };

  async function open(
    fileName: string,
    filePath: string | null,
    source: AnalysisSource,
    control: OpenControl = {},
  ): Promise<OpenResult> {
    const jobId = randomUUID();
    if (control.signal?.aborted) return failed('CANCELLED', 'Opening the model was cancelled.');
    const abort = (): void => void runner.cancel(jobId);
    control.signal?.addEventListener('abort', abort, { once: true });
    try {
      const outcome = await runner.run(jobId, source, (stage, message) =>
        emit({ jobId, stage, fraction: STAGE_START[stage], message }),
      );
      emit({
        jobId,
        stage: 'done',
        fraction: 1,
        message: outcome.ok ? `Opened ${fileName}` : outcome.error.message,
      });
      return outcome.ok
        ? { ok: true, model: { jobId, fileName, path: filePath, sha256: outcome.sha256, view: outcome.view } }
        : outcome;
    } finally {
      control.signal?.removeEventListener('abort', abort);
    }
  }

  async function isOpenable(absolute: string): Promise<boolean> {
    if (chosenPaths.has(absolute) || (await recent.includes(absolute))) return true;
    return (await sampleCatalog()).some((sample) => sample.path === absolute);
  }

  const host: StudioHost = {
    version: studioVersion(),

    async openPath(filePath, reason, control) {
      const absolute = path.resolve(filePath);
      if (reason === 'recent' && !(await isOpenable(absolute))) {
        return failed(
          'NOT_ALLOWED',
          `${filePath} was never opened in Cutline. Open it with File › Open instead.`,
        );
      }
      if (reason !== 'recent') chosenPaths.add(absolute);
      const result = await open(path.basename(absolute), absolute, { kind: 'file', path: absolute }, control);
      if (result.ok && !(await sampleCatalog()).some((sample) => sample.path === absolute)) {
        // A recent list that cannot be written is not worth failing the open over.
        await recent.add(absolute).catch(() => undefined);
      }
      return result;
    },

    openBytes(fileName, bytes, control) {
      return open(fileName, null, { kind: 'bytes', fileName, bytes }, control);
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
      return open(path.basename(sample.path), sample.path, { kind: 'file', path: sample.path }, control);
    },

    async initialModel(control) {
      if (commandLinePath !== undefined) return host.openPath(commandLinePath, 'command-line', control);
      const hasDefault = (await sampleCatalog()).some((sample) => sample.id === DEFAULT_SAMPLE_ID);
      return hasDefault ? host.openSample(DEFAULT_SAMPLE_ID, control) : null;
    },

    listRecent: () => recent.list(),

    async saveProject(filePath, project) {
      const checked = parseProjectFile(project);
      if (!checked.ok) return failed('BAD_REQUEST', checked.message);
      try {
        await writeFileAtomic(filePath, `${JSON.stringify(checked.project, null, 2)}\n`);
        return { ok: true, path: filePath };
      } catch (error) {
        return failed(
          'WRITE_FAILED',
          `The project could not be saved to ${filePath}: ${(error as Error).message}.`,
        );
      }
    },

    cancel(jobId) {
      runner.cancel(jobId);
    },

    onProgress(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    close: () => runner.close(),
  };
  return host;
}
