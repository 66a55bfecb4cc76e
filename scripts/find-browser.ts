/**
 * Which Chromium-family browser the browser tests and the render bench drive through
 * playwright-core: the one CHROMIUM_PATH names, else the usual installs (Debian's and Ubuntu's
 * Chromium, Google Chrome), else a browser Playwright itself downloaded. The test set-up step
 * (scripts/test-deps.ts) uses the same search, so what it finds is what the tests launch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BROWSER_ENV = 'CHROMIUM_PATH';

export type Env = Readonly<Record<string, string | undefined>>;

export interface BrowserSearch {
  readonly env?: Env;
  readonly platform?: NodeJS.Platform;
  /**
   * Prefix for the fixed system paths (default '/'); the set-up step's test points it at an empty
   * folder to stand in for a machine without the packages.
   */
  readonly systemRoot?: string;
}

export type FoundBrowser =
  | { readonly ok: true; readonly path: string; readonly source: string }
  | { readonly ok: false; readonly reason: string };

/** Where each platform's packages and installers put Chromium or Chrome, most likely first. */
function installedPaths(platform: NodeJS.Platform, env: Env): string[] {
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium'];
    const roots = ['/Applications', ...(env.HOME ? [path.join(env.HOME, 'Applications')] : [])];
    return roots.flatMap((root) => apps.map((app) => path.join(root, app)));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(
      (root): root is string => root !== undefined && root !== '',
    );
    return roots.flatMap((root) => [
      path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.win32.join(root, 'Chromium', 'Application', 'chrome.exe'),
    ]);
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
  ];
}

/**
 * The browser to launch, or why there is none. A CHROMIUM_PATH that names nothing is an error,
 * not a reason to quietly launch another browser.
 */
export function findBrowser(search: BrowserSearch = {}): FoundBrowser {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const root = search.systemRoot ?? '/';
  const chosen = env[BROWSER_ENV];
  if (chosen !== undefined && chosen !== '') {
    return fs.existsSync(chosen)
      ? { ok: true, path: chosen, source: BROWSER_ENV }
      : { ok: false, reason: `${BROWSER_ENV}=${chosen} does not exist` };
  }
  const rooted = (file: string): string => (root === '/' ? file : path.join(root, file));
  for (const candidate of installedPaths(platform, env).map(rooted)) {
    if (fs.existsSync(candidate)) return { ok: true, path: candidate, source: 'installed' };
  }
  const downloaded = playwrightBrowser();
  if (downloaded !== null) return { ok: true, path: downloaded, source: 'Playwright' };
  return { ok: false, reason: 'no Chromium or Google Chrome is installed' };
}

/** Playwright's own Chromium, where a developer ran `npx playwright install chromium`. */
function playwrightBrowser(): string | null {
  try {
    // Resolves under PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright whether or not it was downloaded.
    const file = chromium.executablePath();
    return fs.existsSync(file) ? file : null;
  } catch {
    // No Playwright build for this platform.
    return null;
  }
}

/** The browser for a test or bench to launch; throws the set-up step's advice when there is none. */
export function browserPath(): string {
  const found = findBrowser();
  if (found.ok) return found.path;
  throw new Error(
    `No browser for the browser tests: ${found.reason}. Install Chromium or Google Chrome ` +
      `(Debian/Ubuntu: apt-get install chromium), or set ${BROWSER_ENV} to one.`,
  );
}
