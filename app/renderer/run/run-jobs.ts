/**
 * Host jobs for the export, harness and calibration actions, through the page's one shared job
 * runner (actions/job-runner.ts: one `onJob` subscription, remade if the host changes).
 */
import type { JobKind, JobRequest } from '../../shared/studio-api.js';
import type { JobHandlers, JobOutcome } from '../actions/jobs.js';
import { hostJobs } from '../actions/job-runner.js';

export function runHostJob<K extends JobKind>(
  sessionId: string,
  request: Extract<JobRequest, { kind: K }>,
  handlers?: JobHandlers,
): Promise<JobOutcome<K>> {
  return hostJobs().runner.run(sessionId, request, handlers);
}

/** Asks the host to stop a job; it ends with CANCELLED through its own promise. */
export function cancelHostJob(jobId: string): void {
  void hostJobs()
    .api.cancelJob(jobId)
    .catch(() => undefined);
}
