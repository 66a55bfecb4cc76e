/**
 * The guards on every web contents and on the session: the page cannot leave the studio, open
 * windows, embed webviews, ask for permissions or reach the network. Electron is imported for
 * its types only, so the guards run, and are tested, in Node (test/electron-hardening.test.ts).
 *
 * Nothing the page does ever reaches `shell.openExternal`: the studio has no link to anywhere
 * else, and a link handed to the system would let a compromised page start whatever program a
 * URL scheme names (docs/electron-security.md).
 */
import type { Session, WebContents } from 'electron';
import { isStudioUrl } from './security.js';

/** The one shape of Electron's navigation events the guards read. */
interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

const guarded = new WeakSet<WebContents>();

/**
 * Applied to every web contents the app creates (main.ts's `web-contents-created`) and, so the
 * window never depends on that event's timing, to the studio window directly; once each.
 */
export function guardContents(contents: WebContents): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  // window.open, target=_blank and a middle-clicked link all end here: no window, anywhere.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInStudio = (event: NavigationEvent): void => {
    if (!isStudioUrl(event.url)) event.preventDefault();
  };
  // will-navigate is the top frame only; will-frame-navigate adds sub-frames (the CSP allows
  // none from elsewhere, but a same-origin frame could still be sent away).
  contents.on('will-navigate', stayInStudio);
  contents.on('will-frame-navigate', stayInStudio);
  contents.on('will-redirect', stayInStudio);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** No permission (camera, notifications, clipboard read, …) is ever granted; nothing needs one. */
export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // The page has no business on the network (its CSP says so too); stop it here as well.
  session.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (_details, callback) => callback({ cancel: true }),
  );
}
