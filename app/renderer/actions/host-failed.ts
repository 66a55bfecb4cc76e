/** The failed result a host call that threw stands for, so callers handle it as any other failure. */
import type { StudioError } from '../../shared/studio-api.js';

export const hostFailed = (
  what: string,
  error: unknown,
): { readonly ok: false; readonly error: StudioError } => ({
  ok: false,
  error: { code: 'HOST_FAILED', message: `The studio host failed to ${what}: ${(error as Error).message}` },
});
