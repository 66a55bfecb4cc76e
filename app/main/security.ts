/**
 * The Electron window's security policy, as plain data and pure functions so it can be tested
 * without starting Electron (test/electron.test.ts).
 *
 * The renderer is served from a privileged custom scheme (`cutline-app://studio/…`) rather than
 * file://: a file:// page shares its origin with every file on the disk, while the custom scheme
 * gives the page one origin of its own, lets the protocol handler send the CSP as a real header
 * (webRequest does not see file:// loads), confines what it serves to dist/renderer/, and makes
 * module scripts and workers behave as they do under the web host's http:// origin.
 */
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';

export const STUDIO_SCHEME = 'cutline-app';
export const STUDIO_HOST = 'studio';
/** The page every window loads. */
export const STUDIO_PAGE_URL = `${STUDIO_SCHEME}://${STUDIO_HOST}/index.html`;

/** Standard + secure: a real origin, relative URLs, fetch and module workers, like https. */
export const STUDIO_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: STUDIO_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

export function studioWindowOptions(
  preloadPath: string,
  backgroundColor: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    title: 'Cutline',
    // Shown once the page has painted, so the user never sees an empty white frame.
    show: false,
    backgroundColor,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // No `disableBlinkFeatures: 'Auxclick'`: Chromium has had no such switch since auxclick
      // shipped, so it would change nothing. A middle-clicked link asks for a new window, which
      // guards.ts denies like every other (docs/electron-security.md).
    },
  };
}

/** True for URLs of the studio's own page and assets. */
export function isStudioUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${STUDIO_SCHEME}:` && parsed.host === STUDIO_HOST;
}

/** What main knows about where an IPC message came from. */
export interface SenderFacts {
  /** `event.sender`: the web contents that sent it. */
  readonly sender: object;
  /** `event.senderFrame`; null when the frame has gone (navigated away, destroyed). */
  readonly frame: { readonly url: string; readonly parent: unknown } | null;
  /** The studio window's web contents, or null when there is no window. */
  readonly studioContents: object | null;
}

/**
 * Only the studio window's top frame, showing the studio's own page, may call the host: not a
 * sub-frame, not a page the window was somehow navigated to, not another window. Frames are
 * told apart by `parent` rather than by comparing WebFrameMain objects, whose wrappers Electron
 * does not promise to reuse.
 */
export function isTrustedSender({ sender, frame, studioContents }: SenderFacts): boolean {
  return (
    frame !== null &&
    studioContents !== null &&
    sender === studioContents &&
    frame.parent === null &&
    isStudioUrl(frame.url)
  );
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
