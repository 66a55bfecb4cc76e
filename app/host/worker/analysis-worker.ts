/**
 * Session analysis process: opens and analyses one model away from the host, posts its view and
 * partition source, then stays alive holding the analysis and runs the host's jobs against it
 * (job-handlers.ts) until the host kills it (the model was closed). A child process, not a
 * thread, so nothing a model does here (V8 aborting on heap exhaustion included) can take the
 * host down. Started through bootstrap.js (which lets Node load TypeScript), or as the built
 * analysis-worker.cjs; see ../session-workers.ts.
 */
import path from 'node:path';
import type { Analysis } from '../../../core/analyze.js';
import { isCutlineError } from '../../../core/errors.js';
import { partitionSource } from '../../../core/partition/source.js';
import { buildModelView } from '../../../core/view/build.js';
import type { JobRequest, JobResult, StudioError } from '../../shared/studio-api.js';
import { JOB_HANDLERS, type JobContext, type JobHandler } from './job-handlers.js';
import { claimJobEnd, jobEndClaimed } from './job-end-mark.js';
import { watchParent } from './parent-watch.js';
import type { AnalysisStage, HostMessage, JobMessage, OpenRequest, WorkerMessage } from './protocol.js';
import { analyzeInStages, decodeSource, inputShapesOf, readSource } from './staged-analysis.js';
import { runTestHook } from './test-hooks.js';

const send = process.send?.bind(process);
if (!send) throw new Error('analysis-worker runs only as a child process started with an IPC channel.');

const post = (message: WorkerMessage): void => void send(message);
const report = (stage: AnalysisStage, message: string): void => post({ type: 'progress', stage, message });

class JobCancelled extends Error {}

let analysis: Analysis | undefined;

process.on('message', (message: HostMessage) => {
  if (message.type === 'open') open(message);
  else runJob(message);
});
// The host went away while this process was idle; parent-watch covers it while busy.
process.on('disconnect', () => process.exit(0));
watchParent();

function open(request: OpenRequest): void {
  try {
    const inputShapes = inputShapesOf(request.inputs);
    // One read: the bytes whose hash is checked are the bytes analysed (see readSource).
    const read = readSource(request.source, report, request.expectSha256);
    // After the read, so a test knows (from its progress) that the process is in the hook.
    runTestHook(read.path === undefined ? read.displayName : path.basename(read.path));
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

function runJob({ jobId, request, endMark }: JobMessage): void {
  const current = analysis;
  let staged: Analysis | undefined;
  try {
    if (!current) throw new Error('the session has no model');
    const context: JobContext = {
      analysis: current,
      progress(fraction, message) {
        if (jobEndClaimed(endMark)) throw new JobCancelled();
        post({ type: 'job-progress', jobId, fraction, message });
      },
      log: (line) => post({ type: 'job-log', jobId, line }),
      replaceAnalysis(next) {
        staged = next;
      },
    };
    if (jobEndClaimed(endMark)) throw new JobCancelled();
    const value = runHandler(request, context);
    // The result counts only if the host has not cancelled the job meanwhile; from here on a
    // cancel is too late and the host waits for this answer instead.
    if (!claimJobEnd(endMark)) throw new JobCancelled();
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
