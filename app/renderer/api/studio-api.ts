/**
 * The renderer's one way to its host. `connect.ts` picks the transport once at start (Electron's
 * preload or the local web host) and hands it here; everything else in the renderer calls
 * `studioApi()` and never touches `window.cutline` or HTTP directly. Free of DOM globals, so the
 * store and actions that use it also load in unit tests.
 */
import type { HostInfo, StudioApi } from '../../shared/studio-api.js';

let api: StudioApi | null = null;
let info: HostInfo | null = null;

/** Sets the host the renderer talks to (connect.ts at start; a test may pass a real client). */
export function setStudioApi(next: StudioApi): StudioApi {
  api = next;
  return next;
}

export function studioApi(): StudioApi {
  if (!api) throw new Error('The studio API is not connected yet.');
  return api;
}

export function rememberHostInfo(hostInfo: HostInfo): void {
  info = hostInfo;
}

/** Whether Ctrl+O should ask the host for its native dialog rather than the page's file picker. */
export const hostHasNativeDialogs = (): boolean => info?.nativeDialogs ?? false;
