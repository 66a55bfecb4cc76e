/**
 * Messages between the host and a session's analysis process (a child process, see
 * ../session-workers.ts). It holds one model's session: the host posts one `OpenRequest`, the
 * child answers with progress and one open outcome and, when the open succeeded, stays alive
 * holding the analysis and runs `JobRequest`s against it one after another (each answered with
 * progress, log lines and one job outcome) until the host ends it.
 */
import type {
  JobRequest,
  JobResult,
  ModelView,
  PartitionSource,
  ProgressEvent,
  StudioError,
} from '../../shared/studio-api.js';

export type AnalysisSource =
  | { readonly kind: 'file'; readonly path: string }
  /** Uploaded bytes; the host sends them as `upload` when it could keep a copy of them. */
  | { readonly kind: 'bytes'; readonly fileName: string; readonly bytes: Uint8Array }
  /**
   * Uploaded bytes the host kept in a file of its own (kept-uploads.ts): the child reads them
   * from `path` instead of receiving a copy through the pipe, and treats them as uploaded bytes
   * (named `fileName`, no folder for external data).
   */
  | { readonly kind: 'upload'; readonly fileName: string; readonly path: string };

export interface OpenRequest {
  readonly type: 'open';
  readonly source: AnalysisSource;
  /** Input bindings (input name → `1x3x640x640`), parsed as `cutline analyze --input`. */
  readonly inputs: Readonly<Record<string, string>>;
  /**
   * When set, the model's bytes must have this SHA-256 (a project names its model by it): the
   * worker hashes the file first and analyses nothing when it differs (MODEL_CHANGED).
   */
  readonly expectSha256?: string;
}

export interface JobMessage {
  readonly type: 'job';
  readonly jobId: string;
  readonly request: JobRequest;
  /**
   * The job's end mark (job-end-mark.ts): a file that does not exist while the job runs. Host
   * (cancelling) and child (committing the result) each try to create it exclusively, so exactly
   * one of "cancelled" and "result committed" wins; a job runs synchronously and cannot read
   * messages until it ends, so handlers look for the mark whenever they report progress.
   */
  readonly endMark: string;
}

export type HostMessage = OpenRequest | JobMessage;

export type AnalysisStage = ProgressEvent['stage'];

export interface OpenedSession {
  readonly view: ModelView;
  readonly partition: PartitionSource;
  readonly sha256: string;
  readonly inputs: Readonly<Record<string, string>>;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly stage: AnalysisStage; readonly message: string }
  | ({ readonly type: 'opened' } & OpenedSession)
  | { readonly type: 'open-failed'; readonly error: StudioError }
  | {
      readonly type: 'job-progress';
      readonly jobId: string;
      readonly fraction: number;
      readonly message: string;
    }
  | { readonly type: 'job-log'; readonly jobId: string; readonly line: string }
  | { readonly type: 'job-done'; readonly jobId: string; readonly result: JobResult }
  | { readonly type: 'job-failed'; readonly jobId: string; readonly error: StudioError };

/**
 * Where each stage starts on the job's 0 … 1 progress scale: rough shares of the time the
 * stages take on the samples and the 300k-node test model (decoding and shapes dominate).
 */
export const STAGE_START: Readonly<Record<AnalysisStage, number>> = {
  read: 0,
  decode: 0.1,
  graph: 0.3,
  shapes: 0.4,
  costs: 0.6,
  layers: 0.75,
  view: 0.9,
  done: 1,
};
