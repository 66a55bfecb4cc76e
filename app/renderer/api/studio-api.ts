/**
 * The renderer's one way to its host: Electron's preload exposes `window.cutline`; in a browser
 * the page talks to the local web host over HTTP with the token the host wrote into the page.
 * Everything else in the renderer calls `studioApi()` and never touches either directly.
 */
import type { HostInfo, StudioApi } from '../../shared/studio-api.js';
import { createWebStudioClient, tokenFromPage } from '../../shared/web-client.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    readonly cutline?: StudioApi;
  }
}

let api: StudioApi | null = null;
let info: HostInfo | null = null;

export function connectStudioApi(): StudioApi {
  api =
    window.cutline ??
    createWebStudioClient({ baseUrl: window.location.origin, token: tokenFromPage(document) });
  return api;
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
