/**
 * Where the studio keeps its recent list and settings. Electron main and the browser fallback use
 * the same folder, so a file opened in one shows in the other's recent list. It matches
 * Electron's own `appData` location for an app named "Cutline", so Chromium's profile data and
 * ours live side by side.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Cutline';
/** Overrides the folder (tests, portable installs). */
export const CONFIG_DIR_ENV = 'CUTLINE_CONFIG_DIR';

export interface ConfigDirContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
}

export function studioConfigDir(
  context: ConfigDirContext = { env: process.env, platform: process.platform, homeDir: os.homedir() },
): string {
  const { env, platform, homeDir } = context;
  const override = env[CONFIG_DIR_ENV];
  if (override) return path.resolve(override);
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(homeDir, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Application Support', APP_NAME);
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homeDir, '.config'), APP_NAME);
}
