/**
 * Session worker entry: opens and analyses one model off the host's main thread, posts its view
 * and partition source, then stays alive holding the analysis and runs the host's jobs against
 * it (job-handlers.ts) until the host terminates it (the model was closed). Started through
 * bootstrap.js (which lets Node load TypeScript); see ../session-runner.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { Analysis } from '../../../core/analyze.js';
import { isCutlineError } from '../../../core/errors.js';
import { partitionSource } from '../../../core/partition/source.js';
import { buildModelView } from '../../../core/view/build.js';
import type { JobRequest, JobResult, StudioError } from '../../shared/studio-api.js';
import { JOB_HANDLERS, type JobContext, type JobHandler } from './job-handlers.js';
import {
  JOB_FLAG,
  type AnalysisStage,
  type HostMessage,
  type JobMessage,
  type OpenRequest,
  type WorkerMessage,
} from './protocol.js';
import { analyzeInStages, decodeSource, inputShapesOf, readSource } from './staged-analysis.js';

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts runs only as a worker thread.');

const post = (message: WorkerMessage): void => port.postMessage(message);
const report = (stage: AnalysisStage, message: string): void => post({ type: 'progress', stage, message });

class JobCancelled extends Error {}

let analysis: Analysis | undefined;

port.on('message', (message: HostMessage) => {
  if (message.type === 'open') open(message);
  else runJob(message);
});

function open(request: OpenRequest): void {
  try {
    const inputShapes = inputShapesOf(request.inputs);
    // One read: the bytes whose hash is checked are the bytes analysed (see readSource).
    const read = readSource(request.source, report, request.expectSha256);
    const { sha256 } = read;
    if (request.expectSha256 !== undefined && sha256 !== request.expectSha256) {
      const where = request.source.kind === 'file' ? request.source.path : request.source.fileName;
      // Nothing of the file is analysed or reported: only that it is not the project's model.
      post({
        type: 'open-failed',
        error: {
          code: 'MODEL_CHANGED',
          message: `${where} has changed since the project was saved (its SHA-256 differs). Locate the model the project was made with.`,
        },
      });
      return;
    }
    const opened = analyzeInStages(decodeSource(read, report), report, inputShapes);
    report('view', 'Preparing the view');
    const view = buildModelView(opened);
    const { source } = partitionSource(opened);
    analysis = opened;
    post({ type: 'opened', view, partition: source, sha256, inputs: { ...request.inputs } });
  } catch (error) {
    post({ type: 'open-failed', error: asStudioError(error, 'Analysis') });
  }
}

function runJob({ jobId, request, cancelFlag }: JobMessage): void {
  const flag = new Int32Array(cancelFlag);
  const current = analysis;
  let staged: Analysis | undefined;
  try {
    if (!current) throw new Error('the session has no model');
    const context: JobContext = {
      analysis: current,
      progress(fraction, message) {
        if (Atomics.load(flag, 0) === JOB_FLAG.cancelled) throw new JobCancelled();
        post({ type: 'job-progress', jobId, fraction, message });
      },
      log: (line) => post({ type: 'job-log', jobId, line }),
      replaceAnalysis(next) {
        staged = next;
      },
    };
    if (Atomics.load(flag, 0) === JOB_FLAG.cancelled) throw new JobCancelled();
    const value = runHandler(request, context);
    // The result counts only if the host has not cancelled the job meanwhile; from here on a
    // cancel is too late and the host waits for this answer instead.
    if (Atomics.compareExchange(flag, 0, JOB_FLAG.running, JOB_FLAG.committed) !== JOB_FLAG.running)
      throw new JobCancelled();
    if (staged) analysis = staged;
    post({ type: 'job-done', jobId, result: { kind: request.kind, value } as JobResult });
  } catch (error) {
    const failure =
      error instanceof JobCancelled
        ? { code: 'CANCELLED', message: 'The job was cancelled.' }
        : asStudioError(error, `The ${request.kind} job`);
    post({ type: 'job-failed', jobId, error: failure });
  }
}

/** Looks the handler up by kind; the cast is the table's promise that kinds and handlers match. */
function runHandler(request: JobRequest, context: JobContext): JobResult['value'] {
  const handler = JOB_HANDLERS[request.kind] as JobHandler<typeof request.kind>;
  return handler(request.args as never, context);
}

function asStudioError(error: unknown, what: string): StudioError {
  if (isCutlineError(error)) return { code: error.code, message: error.message };
  return {
    code: 'INTERNAL',
    message: `${what} failed unexpectedly: ${(error as Error).message ?? String(error)}`,
  };
}
