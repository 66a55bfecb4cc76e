/**
 * The studio's one window and the guards on it: the page cannot leave the studio, open windows,
 * embed webviews or ask for permissions; http(s) links go to the system browser.
 */
import { BrowserWindow, nativeTheme, shell, type Session, type WebContents } from 'electron';
import { STUDIO_PAGE_URL, isStudioUrl, linkDecision, studioWindowOptions } from './security.js';

/** Matches the renderer's theme.css backgrounds, so the first frame is not a white flash. */
const BACKGROUND = { light: '#f6f7f9', dark: '#12161c' } as const;

export function createStudioWindow(preloadPath: string): BrowserWindow {
  const background = nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light;
  const window = new BrowserWindow(studioWindowOptions(preloadPath, background));
  window.once('ready-to-show', () => window.show());
  guardContents(window.webContents);
  void window.loadURL(STUDIO_PAGE_URL);
  return window;
}

const guarded = new WeakSet<WebContents>();

/**
 * Applied to every web contents the app creates (main.ts's `web-contents-created`) and, so the
 * window never depends on that event's timing, to the studio window directly; once each.
 */
export function guardContents(contents: WebContents): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isStudioUrl(url)) return;
    event.preventDefault();
    openExternally(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isStudioUrl(url)) event.preventDefault();
  });
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

function openExternally(url: string): void {
  const decision = linkDecision(url);
  if (decision.action === 'open-external') void shell.openExternal(decision.url);
}
