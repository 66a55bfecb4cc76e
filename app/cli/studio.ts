/**
 * `cutline studio [MODEL | PROJECT]` (and `npm start`): opens the studio. In Electron when its binary is
 * installed (downloading it once if not); otherwise in the browser, through the local web host,
 * printing the URL and keeping the host running until Ctrl+C. Without a model the studio opens
 * the bundled sample, so a first run shows a graph at once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeProject } from '../host/project-sniff.js';
import { startWebHost } from '../host/web/server.js';
import { REPO_ROOT, bundleMain } from '../main/bundle.js';
import { studioConfigDir } from '../main/config-dir.js';
import { locateElectron, INSTALL_TIMEOUT_MS } from '../main/launch/electron-binary.js';
import { openInBrowser } from '../main/launch/open-browser.js';
import { ensureRendererBuilt } from '../main/launch/renderer-build.js';

export interface StudioOptions {
  /** `--no-open`: print the browser URL without opening a browser. */
  readonly open: boolean;
  /** `--no-build`: use dist/ as it is, without rebuilding the page or main bundles. */
  readonly build: boolean;
  /** `--browser`: use the browser even when Electron is installed. */
  readonly browser?: boolean;
  /** `--port N`: the web host's port (default: any free port). */
  readonly port?: string;
}

export async function studioCommand(model: string | undefined, options: StudioOptions): Promise<number> {
  const modelPath = model === undefined ? undefined : path.resolve(model);
  if (modelPath !== undefined && !fs.existsSync(modelPath)) {
    process.stderr.write(`cutline: NOT_FOUND: ${model} does not exist.\n`);
    return 2;
  }
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(
      `cutline: BAD_ARGUMENT: --port takes a number from 0 to 65535, not "${options.port}".\n`,
    );
    return 2;
  }

  const electron = await chooseElectron(options);
  if (options.build) {
    const page = await ensureRendererBuilt(REPO_ROOT, () => note('Building the studio page…'));
    if (page.state === 'failed')
      note(`The studio page could not be built (${page.reason}); showing what dist/renderer/ holds.`);
  }
  if (electron.ok) return runElectron(electron.path, modelPath, options);
  return runInBrowser(electron.reason, modelPath, port, options);
}

async function chooseElectron(
  options: StudioOptions,
): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
  if (options.browser) return { ok: false, reason: 'asked for with --browser' };
  const binary = await locateElectron({
    stateDir: studioConfigDir(),
    onInstallStart: () =>
      note(`Electron's binary is missing; downloading it (giving up after ${INSTALL_TIMEOUT_MS / 1000} s)…`),
  });
  if (!binary.ok) return { ok: false, reason: `Electron is not installed — ${binary.reason}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no graphical display ($DISPLAY and $WAYLAND_DISPLAY are unset)' };
  }
  return binary;
}

async function runElectron(
  binary: string,
  modelPath: string | undefined,
  options: StudioOptions,
): Promise<number> {
  const appDir = options.build ? (await bundleMain()).outDir : path.join(REPO_ROOT, 'dist', 'main');
  const env = { ...process.env };
  // Set by some shells and tools; it would make Electron a plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [appDir, ...(modelPath === undefined ? [] : [modelPath])], {
    stdio: 'inherit',
    env,
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      note(`Electron could not start: ${error.message}.`);
      resolve(1);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  if (code !== 0)
    note(
      `Electron exited with code ${code}. \`cutline studio --browser\` opens the studio in a browser instead.`,
    );
  return code;
}

async function runInBrowser(
  reason: string,
  modelPath: string | undefined,
  port: number,
  options: StudioOptions,
): Promise<number> {
  const web = await startWebHost({
    studio: {
      configDir: studioConfigDir(),
      // FILE is a model or a project: the content tells (project-sniff.ts).
      ...(modelPath === undefined
        ? {}
        : looksLikeProject(modelPath)
          ? { commandLineProject: modelPath }
          : { commandLinePath: modelPath }),
    },
    port,
  });
  process.stdout.write(`Cutline studio (browser mode: ${reason}): ${web.url}\n`);
  process.stdout.write('Press Ctrl+C to stop.\n');
  if (options.open) openInBrowser(web.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await web.close();
  // Stopping the server is how a browser session ends, not a failure.
  return 0;
}

function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
