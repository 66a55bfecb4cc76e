/**
 * The job runner the export, harness and calibration actions share: made on first use against
 * the connected host, and kept for the window's life (its one `onJob` subscription serves them).
 */
import type { JobKind, JobRequest } from '../../shared/studio-api.js';
import { studioApi } from '../api/studio-api.js';
import { createJobRunner, type JobHandlers, type JobOutcome, type JobRunner } from '../actions/jobs.js';

let runner: JobRunner | null = null;

export function runHostJob<K extends JobKind>(
  sessionId: string,
  request: Extract<JobRequest, { kind: K }>,
  handlers?: JobHandlers,
): Promise<JobOutcome<K>> {
  runner ??= createJobRunner(studioApi());
  return runner.run(sessionId, request, handlers);
}

/** Asks the host to stop a job; it ends with CANCELLED through its own promise. */
export function cancelHostJob(jobId: string): void {
  void studioApi()
    .cancelJob(jobId)
    .catch(() => undefined);
}
