/** The studio's one window: hardened options (security.ts) and guards (guards.ts) before it loads. */
import { BrowserWindow, nativeTheme } from 'electron';
import { guardContents } from './guards.js';
import { STUDIO_PAGE_URL, studioWindowOptions } from './security.js';

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
