/**
 * Finding Electron's executable for `cutline studio`, and fetching it when it is missing. The
 * `electron` package downloads its binary in a postinstall script, which does not run where
 * scripts are disabled (`ignore-scripts`) or offline; its own install.js can be run later.
 * Never `require('electron')` from Node to find the path: that blocks on a download when the
 * binary is missing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { canReachDownload, rememberedFailure, rememberFailure, forgetFailure } from './electron-download.js';

export type ElectronBinary =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** Set to 1 to never download Electron (tests, offline machines). */
export const NO_INSTALL_ENV = 'CUTLINE_NO_ELECTRON_INSTALL';
/** How long a download may take before the studio opens in the browser instead. */
export const INSTALL_TIMEOUT_MS = 20_000;

/** The installed `electron` package's folder, or null. */
export function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The executable, as the electron package itself locates it (path.txt names it inside dist/). */
export function findElectronBinary(
  packageDir: string | null = electronPackageDir(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): ElectronBinary {
  if (packageDir === null)
    return { ok: false, reason: 'the electron package is not installed (run npm install)' };
  let executable: string;
  try {
    executable = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return {
      ok: false,
      reason: 'its binary has not been downloaded (node_modules/electron/path.txt is missing)',
    };
  }
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, executable);
  return fs.existsSync(binary)
    ? { ok: true, path: binary }
    : { ok: false, reason: `its binary is missing (${binary})` };
}

/**
 * Runs the electron package's install.js (which downloads the binary for this platform),
 * stopping it after `timeoutMs`; resolves with why it failed, or ok.
 */
export function installElectron(
  packageDir: string,
  timeoutMs: number = INSTALL_TIMEOUT_MS,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(packageDir, 'install.js')], {
      cwd: packageDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // The first lines say why; a long stack trace after them is not needed.
      if (stderr.length < 4096) stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `its download could not start (${error.message})` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        resolve({ ok: false, reason: `its download did not finish within ${timeoutMs / 1000} s` });
      else if (code === 0) resolve({ ok: true });
      else {
        const firstLine =
          stderr
            .split('\n')
            .find((line) => line.trim() !== '')
            ?.trim() ?? `exit code ${code}`;
        resolve({ ok: false, reason: `its download failed (${firstLine})` });
      }
    });
  });
}

export interface LocateOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** Told before a download starts, since it can take a while. */
  readonly onInstallStart?: () => void;
  /** Where a failed download is remembered (the studio's config folder); nothing is remembered without it. */
  readonly stateDir?: string;
  /** How long the download host may take to accept a connection (default PROBE_TIMEOUT_MS). */
  readonly probeTimeoutMs?: number;
  /** The electron package folder (default: the installed one). */
  readonly packageDir?: string | null;
}

/**
 * The binary if present, else after one download attempt (unless NO_INSTALL_ENV is set). Offline,
 * waiting out the download's time limit at every start would make the browser fallback slow, so
 * before downloading: a download that failed within the last REMEMBER_FAILURE_MS is not tried
 * again, and the download host (or proxy) must accept a connection within a couple of seconds
 * unless the archive is already in Electron's download cache. With internet, neither stops a
 * download, so Electron still runs.
 */
export async function locateElectron(options: LocateOptions = {}): Promise<ElectronBinary> {
  const env = options.env ?? process.env;
  const packageDir = options.packageDir === undefined ? electronPackageDir() : options.packageDir;
  const found = findElectronBinary(packageDir, env);
  if (found.ok || packageDir === null) return found;
  if (env[NO_INSTALL_ENV] === '1')
    return { ok: false, reason: `${found.reason}; download skipped (${NO_INSTALL_ENV}=1)` };
  const version = electronVersion(packageDir);
  const remembered = options.stateDir === undefined ? null : rememberedFailure(options.stateDir, version);
  if (remembered !== null) return { ok: false, reason: remembered };
  const reachable = await canReachDownload(env, version, options.probeTimeoutMs);
  if (!reachable.ok) return { ok: false, reason: `${found.reason}, and ${reachable.reason}` };
  options.onInstallStart?.();
  const installed = await installElectron(packageDir, options.timeoutMs);
  if (options.stateDir !== undefined) {
    if (installed.ok) forgetFailure(options.stateDir);
    else rememberFailure(options.stateDir, version, installed.reason);
  }
  return installed.ok ? findElectronBinary(packageDir, env) : installed;
}

function electronVersion(packageDir: string): string {
  try {
    const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
