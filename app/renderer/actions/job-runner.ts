/**
 * The page's one job runner: every host job the renderer starts (analysis, solvers, cut points,
 * sweep, export, harness, calibration) goes through it, so the page holds one `onJob`
 * subscription. Made on first use against the connected host and remade if the host changes (a
 * test connecting another client); the host session drops it when the window's session ends.
 */
import type { StudioApi } from '../../shared/studio-api.js';
import { studioApi } from '../api/studio-api.js';
import { createJobRunner, type JobRunner } from './jobs.js';

export interface HostJobs {
  readonly api: StudioApi;
  readonly runner: JobRunner;
}

let current: HostJobs | null = null;

export function hostJobs(): HostJobs {
  const api = studioApi();
  if (current?.api !== api) {
    current?.runner.stop();
    current = { api, runner: createJobRunner(api) };
  }
  return current;
}

/** Ends the subscription; a job still running no longer hears its end (its session ends too). */
export function stopHostJobs(): void {
  current?.runner.stop();
  current = null;
}
