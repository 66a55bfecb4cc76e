/** Failures the host reports in results (`{ok:false, error}`), beside CutlineError codes. */
import type { StudioError } from '../shared/studio-api.js';

export type HostErrorCode =
  'CANCELLED' | 'NOT_ALLOWED' | 'NOT_FOUND' | 'NOT_SUPPORTED' | 'BAD_REQUEST' | 'WRITE_FAILED' | 'INTERNAL';

export function studioError(code: HostErrorCode, message: string): StudioError {
  return { code, message };
}

export function failed(
  code: HostErrorCode,
  message: string,
): { readonly ok: false; readonly error: StudioError } {
  return { ok: false, error: studioError(code, message) };
}
