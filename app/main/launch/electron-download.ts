/**
 * Knowing quickly whether Electron's download can work, so an offline `cutline studio` falls back
 * to the browser at once instead of after the download's 20-second limit:
 * - a TCP connection to the host the download would use (ELECTRON_MIRROR, or an HTTPS proxy,
 *   else github.com), given PROBE_TIMEOUT_MS; skipped when Electron's download cache already
 *   holds the archive, since the install then needs no network;
 * - a download that failed anyway (a proxy that accepts but blocks, a slow mirror) is remembered
 *   in the config folder for REMEMBER_FAILURE_MS, per Electron version, and not retried before.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROBE_TIMEOUT_MS = 2_000;
export const REMEMBER_FAILURE_MS = 60 * 60_000;
export const DOWNLOAD_STATE_FILE = 'electron-download.json';
const DEFAULT_DOWNLOAD_HOST = 'https://github.com/';

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable by name, ignoring case (npm lower-cases its config variables). */
function envValue(env: Env, ...names: string[]): string | undefined {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const [key, value] of Object.entries(env)) if (wanted.has(key.toLowerCase()) && value) return value;
  return undefined;
}

/** Where the download's first connection goes: the proxy when one is set, else the mirror. */
export function downloadEndpoint(env: Env): { host: string; port: number } | 'local' {
  const proxy = envValue(env, 'HTTPS_PROXY', 'ALL_PROXY');
  const useProxy = proxy !== undefined && envValue(env, 'ELECTRON_GET_USE_PROXY') !== undefined;
  const base = useProxy
    ? proxy
    : (envValue(env, 'ELECTRON_MIRROR', 'npm_config_electron_mirror', 'npm_package_config_electron_mirror') ??
      DEFAULT_DOWNLOAD_HOST);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    url = new URL(DEFAULT_DOWNLOAD_HOST);
  }
  if (url.protocol === 'file:') return 'local';
  const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Electron's download cache folder (@electron/get's default, or electron_config_cache). */
function cacheDir(env: Env): string {
  const configured = envValue(env, 'electron_config_cache');
  if (configured) return configured;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'electron');
  if (process.platform === 'win32')
    return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'electron');
}

/** Whether the archive for `version` is in the cache (one folder per URL hash, the zip inside). */
function isCached(env: Env, version: string): boolean {
  const archive = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  try {
    const root = cacheDir(env);
    return fs.readdirSync(root).some((entry) => fs.existsSync(path.join(root, entry, archive)));
  } catch {
    return false;
  }
}

export async function canReachDownload(
  env: Env,
  version: string,
  timeoutMs: number = PROBE_TIMEOUT_MS,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const endpoint = downloadEndpoint(env);
  if (endpoint === 'local' || isCached(env, version)) return { ok: true };
  const where = `${endpoint.host}:${endpoint.port}`;
  return new Promise((resolve) => {
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const done = (result: { ok: true } | { ok: false; reason: string }): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `${where} did not answer within ${timeoutMs / 1000} s (offline?)` }),
      timeoutMs,
    );
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error) =>
      done({ ok: false, reason: `${where}, where it downloads from, cannot be reached (${error.message})` }),
    );
  });
}

/** A remembered failure of this version's download, still fresh, as a sentence; else null. */
export function rememberedFailure(stateDir: string, version: string, now = Date.now()): string | null {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, DOWNLOAD_STATE_FILE), 'utf8')) as {
      version?: unknown;
      failedAt?: unknown;
      reason?: unknown;
    };
    const failedAt = typeof state.failedAt === 'string' ? Date.parse(state.failedAt) : NaN;
    if (state.version !== version || !(now - failedAt < REMEMBER_FAILURE_MS) || now < failedAt) return null;
    const minutes = Math.max(1, Math.round((now - failedAt) / 60_000));
    return `its download failed ${minutes} min ago (${String(state.reason)}); it is tried again after an hour, or now if you delete ${path.join(stateDir, DOWNLOAD_STATE_FILE)}`;
  } catch {
    return null;
  }
}

export function rememberFailure(stateDir: string, version: string, reason: string, now = new Date()): void {
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(
      path.join(stateDir, DOWNLOAD_STATE_FILE),
      `${JSON.stringify({ version, failedAt: now.toISOString(), reason })}\n`,
    );
  } catch {
    // Not remembering only costs the next start another attempt.
  }
}

export function forgetFailure(stateDir: string): void {
  fs.rmSync(path.join(stateDir, DOWNLOAD_STATE_FILE), { force: true });
}
