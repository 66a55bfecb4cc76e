/**
 * The job runner the Suggestions and Cut points tabs share, made on first use against the
 * connected host (one `onJob` subscription for all their jobs) and remade if the host changes
 * (a test connecting another client).
 */
import type { StudioApi } from '../../shared/studio-api.js';
import { createJobRunner, type JobRunner } from '../actions/jobs.js';
import { studioApi } from '../api/studio-api.js';

let current: { api: StudioApi; runner: JobRunner } | null = null;

export function suggestRunner(): { api: StudioApi; runner: JobRunner } {
  const api = studioApi();
  if (current?.api !== api) {
    current?.runner.stop();
    current = { api, runner: createJobRunner(api) };
  }
  return current;
}
