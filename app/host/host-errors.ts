/** Failures the host reports in results (`{ok:false, error}`), beside CutlineError codes. */
import type { StudioError } from '../shared/studio-api.js';

export type HostErrorCode =
  | 'CANCELLED'
  | 'NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'NOT_SUPPORTED'
  | 'BAD_REQUEST'
  | 'WRITE_FAILED'
  | 'INTERNAL'
  /** A job was started on (or outlived) a session that is closed or whose worker died. */
  | 'SESSION_CLOSED'
  /** A session already holds as many jobs as it may (session-runner.ts MAX_JOBS_PER_SESSION). */
  | 'BUSY'
  /** A project file that is not valid JSON, not a project, or of an unknown version. */
  | 'BAD_PROJECT'
  /** A project's model file is not where the project says (or it was uploaded, so it has no path). */
  | 'MODEL_MISSING'
  /** A project's model file is there but its SHA-256 is not the one the project names. */
  | 'MODEL_CHANGED'
  /** An open's analysis did not answer within its time budget and was stopped. */
  | 'ANALYSIS_TIME_LIMIT'
  /** An open's analysis ran out of its heap limit; its process ended, the host did not. */
  | 'ANALYSIS_OUT_OF_MEMORY';

export function studioError(code: HostErrorCode, message: string): StudioError {
  return { code, message };
}

export function failed(
  code: HostErrorCode,
  message: string,
): { readonly ok: false; readonly error: StudioError } {
  return { ok: false, error: studioError(code, message) };
}
