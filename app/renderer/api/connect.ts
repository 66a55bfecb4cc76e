/**
 * Connects the page to its host: Electron's preload exposes `window.cutline`; in a browser the
 * page talks to the local web host over HTTP with the token the host wrote into the page.
 */
import type { StudioApi } from '../../shared/studio-api.js';
import { createWebStudioClient, tokenFromPage } from '../../shared/web-client.js';
import { setStudioApi } from './studio-api.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    readonly cutline?: StudioApi;
  }
}

export function connectStudioApi(): StudioApi {
  if (window.cutline) return setStudioApi(window.cutline);
  const client = createWebStudioClient({ baseUrl: window.location.origin, token: tokenFromPage(document) });
  // A reloaded or closed tab stops its jobs (a page kept in the back-forward cache comes back to them).
  window.addEventListener('pagehide', (event) => {
    if (!event.persisted) client.leave();
  });
  return setStudioApi(client);
}
