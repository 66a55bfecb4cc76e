/**
 * Messages between the host and an analysis worker. One worker runs one job: the host posts one
 * `AnalysisRequest`, the worker answers with progress messages and then exactly one outcome.
 */
import type { ModelView, ProgressEvent, StudioError } from '../../shared/studio-api.js';

export type AnalysisSource =
  | { readonly kind: 'file'; readonly path: string }
  /** `bytes` is transferred to the worker when it owns its whole buffer. */
  | { readonly kind: 'bytes'; readonly fileName: string; readonly bytes: Uint8Array };

export interface AnalysisRequest {
  readonly type: 'analyze';
  readonly source: AnalysisSource;
}

export type AnalysisStage = ProgressEvent['stage'];

export type WorkerMessage =
  | { readonly type: 'progress'; readonly stage: AnalysisStage; readonly message: string }
  | { readonly type: 'done'; readonly view: ModelView; readonly sha256: string }
  | { readonly type: 'failed'; readonly error: StudioError };

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
