/**
 * `cutline studio` on a machine without Electron's binary (this one): the real command falls
 * back to the browser host, prints a URL whose token is required, opens the model it was given
 * (or the bundled sample), and stops cleanly on Ctrl+C. Also the Electron lookup and its
 * bounded download attempt, against stand-in electron packages.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebStudioClient } from '../app/shared/web-client.js';
import {
  findElectronBinary,
  installElectron,
  locateElectron,
  NO_INSTALL_ENV,
} from '../app/main/launch/electron-binary.js';
import { DOWNLOAD_STATE_FILE } from '../app/main/launch/electron-download.js';
import type { RecoveredDesign } from '../app/shared/studio-api.js';
import net from 'node:net';
import { modelRefOf, projectOf, writeProject } from './support/project-files.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/cutline.js');
let tmp: string;
const children: ChildProcessWithoutNullStreams[] = [];
/** Where Electron is installed (a developer's machine, CI with the binary) the browser is asked for. */
const electronInstalled = findElectronBinary().ok;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-launcher-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Studio {
  readonly child: ChildProcessWithoutNullStreams;
  readonly line: string;
  readonly url: URL;
  readonly configDir: string;
}

/** Starts `cutline studio …` and waits for the line with the browser URL. */
function startStudio(...args: string[]): Promise<Studio> {
  return startStudioIn(fs.mkdtempSync(path.join(tmp, 'config-')), ...args);
}

function startStudioIn(configDir: string, ...args: string[]): Promise<Studio> {
  const env = {
    ...process.env,
    [NO_INSTALL_ENV]: '1',
    CUTLINE_CONFIG_DIR: configDir,
  };
  const flags = ['--no-open', '--no-build', ...(electronInstalled ? ['--browser'] : [])];
  const child = spawn(process.execPath, [CLI, 'studio', ...flags, ...args], {
    cwd: ROOT,
    env,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((text) => text.includes('http://'));
      if (line) resolve({ child, line, url: new URL(line.slice(line.indexOf('http://'))), configDir });
    });
    child.once('exit', (code) =>
      reject(new Error(`cutline studio exited (${code}) before printing a URL:\n${stdout}${stderr}`)),
    );
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('cutline studio in browser mode', () => {
  it('serves the studio in browser mode with the model given, behind the launch token', async () => {
    const { child, line, url } = await startStudio('samples/resnet-mini.onnx');
    const [before, after] = line.split(': http://');
    if (electronInstalled) {
      expect(before).toBe('Cutline studio (browser mode: asked for with --browser)');
    } else {
      expect(before).toMatch(/^Cutline studio \(browser mode: Electron is not installed — /);
      expect(before).toMatch(new RegExp(`download skipped \\(${NO_INSTALL_ENV}=1\\)\\)$`));
    }
    expect(after).toMatch(/^127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<meta name="cutline-token"');
    const withoutToken = await fetch(new URL('/', url));
    expect(withoutToken.status).toBe(401);
    const wrongToken = await fetch(new URL('/?token=not-the-token', url));
    expect(wrongToken.status).toBe(401);

    const client = createWebStudioClient({ baseUrl: url.origin, token: url.searchParams.get('token')! });
    try {
      const first = await client.initialModel();
      expect(first).toMatchObject({
        ok: true,
        model: { fileName: 'resnet-mini.onnx', path: path.join(ROOT, 'samples/resnet-mini.onnx') },
      });
    } finally {
      client.close();
    }
    expect(await stop(child)).toBe(0);
  });

  it('opens the bundled sample when no model is given', async () => {
    const { child, url } = await startStudio();
    const client = createWebStudioClient({ baseUrl: url.origin, token: url.searchParams.get('token')! });
    try {
      expect(await client.initialModel()).toMatchObject({
        ok: true,
        model: { fileName: 'edge-prune-vehicle.onnx' },
      });
    } finally {
      client.close();
    }
    expect(await stop(child)).toBe(0);
  });

  it('refuses a model that does not exist, without starting anything', async () => {
    const child = spawn(process.execPath, [CLI, 'studio', '--no-open', '--no-build', 'no-such-model.onnx'], {
      cwd: ROOT,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('NOT_FOUND: no-such-model.onnx does not exist');
  });
});

describe('finding and installing Electron', () => {
  /** A stand-in for node_modules/electron with the given install.js. */
  function fakeElectronPackage(installScript: string, executable?: string): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'electron-'));
    fs.writeFileSync(path.join(dir, 'install.js'), installScript);
    if (executable !== undefined) {
      fs.writeFileSync(path.join(dir, 'path.txt'), executable);
      fs.mkdirSync(path.join(dir, 'dist'));
      fs.writeFileSync(path.join(dir, 'dist', executable), '');
    }
    return dir;
  }

  it("finds the binary where the electron package's path.txt says, and says why not otherwise", () => {
    const installed = fakeElectronPackage('', 'electron');
    expect(findElectronBinary(installed, {})).toEqual({
      ok: true,
      path: path.join(installed, 'dist', 'electron'),
    });
    fs.rmSync(path.join(installed, 'dist', 'electron'));
    expect(findElectronBinary(installed, {})).toMatchObject({
      ok: false,
      reason: expect.stringContaining('binary is missing'),
    });
    expect(findElectronBinary(fakeElectronPackage(''), {})).toMatchObject({
      ok: false,
      reason: expect.stringContaining('path.txt is missing'),
    });
    expect(findElectronBinary(null, {})).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not installed'),
    });
  });

  it('stops a download that hangs', async () => {
    const hanging = fakeElectronPackage('setInterval(() => {}, 1000);');
    expect(await installElectron(hanging, 300)).toEqual({
      ok: false,
      reason: 'its download did not finish within 0.3 s',
    });
  });

  it('reports the first line of a failed download', async () => {
    const offline = fakeElectronPackage(
      'console.error("TypeError: fetch failed\\n    at somewhere"); process.exit(1);',
    );
    expect(await installElectron(offline)).toEqual({
      ok: false,
      reason: 'its download failed (TypeError: fetch failed)',
    });
  });

  it(`does not try to download when ${NO_INSTALL_ENV}=1`, async () => {
    const result = await locateElectron({
      env: { [NO_INSTALL_ENV]: '1' },
      onInstallStart: () => expect.fail('tried to download'),
    });
    // On a machine with Electron's binary the lookup succeeds before any download is considered.
    if (!result.ok) expect(result.reason).toContain(`download skipped (${NO_INSTALL_ENV}=1)`);
    else expect(fs.existsSync(result.path)).toBe(true);
  });

  /** A stand-in package whose binary is missing, so locateElectron must consider a download. */
  function missingBinaryPackage(installScript: string): string {
    const dir = fakeElectronPackage(installScript);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.0.0' }));
    return dir;
  }
  /** A port nothing listens on (bound, then closed). */
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }
  const noCache = { electron_config_cache: path.join(os.tmpdir(), 'cutline-no-electron-cache') };

  it('falls back at once when the download host cannot be reached, without starting the download', async () => {
    const packageDir = missingBinaryPackage('setInterval(() => {}, 1000);');
    const result = await locateElectron({
      packageDir,
      env: { ...noCache, ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/` },
      stateDir: fs.mkdtempSync(path.join(tmp, 'state-')),
      onInstallStart: () => expect.fail('tried to download'),
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('cannot be reached') });
  });

  it('downloads when the host answers, and remembers a failed download so the next start skips it', async () => {
    const mirror = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    const env = {
      ...noCache,
      ELECTRON_MIRROR: `http://127.0.0.1:${(mirror.address() as net.AddressInfo).port}/`,
    };
    const stateDir = fs.mkdtempSync(path.join(tmp, 'state-'));
    try {
      const failing = missingBinaryPackage('console.error("HTTPError: 403 Forbidden"); process.exit(1);');
      let started = 0;
      const first = await locateElectron({
        packageDir: failing,
        env,
        stateDir,
        onInstallStart: () => started++,
      });
      expect(first).toEqual({ ok: false, reason: 'its download failed (HTTPError: 403 Forbidden)' });
      expect(started).toBe(1);
      expect(fs.existsSync(path.join(stateDir, DOWNLOAD_STATE_FILE))).toBe(true);
      const second = await locateElectron({
        packageDir: failing,
        env,
        stateDir,
        onInstallStart: () => started++,
      });
      expect(second).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/download failed 1 min ago .*403/),
      });
      expect(started).toBe(1);

      // With the host reachable and a download that works, Electron is found and the failure forgotten.
      const working = missingBinaryPackage(
        'require("fs").writeFileSync("path.txt", "electron"); require("fs").mkdirSync("dist"); require("fs").writeFileSync("dist/electron", "");',
      );
      fs.rmSync(path.join(stateDir, DOWNLOAD_STATE_FILE));
      const installed = await locateElectron({ packageDir: working, env, stateDir });
      expect(installed).toEqual({ ok: true, path: path.join(working, 'dist', 'electron') });
      expect(fs.existsSync(path.join(stateDir, DOWNLOAD_STATE_FILE))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => mirror.close(() => resolve()));
    }
  });
});

describe('projects and recovery through the real command', () => {
  it('opens a project named on the command line (told from a model by its content)', async () => {
    const project = projectOf(modelRefOf(path.join(ROOT, 'samples', 'resnet-mini.onnx')));
    // No .json ending: the content, not the name, makes it a project.
    const file = writeProject(path.join(tmp, 'design.cutline'), project);
    const studio = await startStudio(file);
    const client = createWebStudioClient({
      baseUrl: studio.url.origin,
      token: studio.url.searchParams.get('token')!,
    });
    expect(await client.initialModel()).toBeNull();
    expect(await client.initialProject()).toMatchObject({ ok: true, project, projectPath: file });
    await stop(studio.child);
  });

  it('leaves a recoverable design when the host is killed with SIGKILL after an autosave', async () => {
    const configDir = fs.mkdtempSync(path.join(tmp, 'config-'));
    const studio = await startStudioIn(configDir);
    const client = createWebStudioClient({
      baseUrl: studio.url.origin,
      token: studio.url.searchParams.get('token')!,
    });
    const opened = await client.initialModel();
    if (!opened?.ok) throw new Error('the sample did not open');
    const design: RecoveredDesign = {
      project: {
        format: 'cutline-project',
        version: 2,
        model: { fileName: opened.model.fileName, path: opened.model.path, sha256: opened.model.sha256 },
        inputs: {},
        topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
        placement: { [opened.model.view.layers[3]!.id]: 'edge' },
        pins: [],
        objective: 'latency',
        constraints: [],
        view: { expanded: [], selected: null, metric: 'macs' },
      },
      projectPath: null,
      savedAt: new Date().toISOString(),
    };
    await client.autosave(design);
    const killed = new Promise((resolve) => studio.child.once('exit', resolve));
    studio.child.kill('SIGKILL');
    await killed;

    const restarted = await startStudioIn(configDir);
    const again = createWebStudioClient({
      baseUrl: restarted.url.origin,
      token: restarted.url.searchParams.get('token')!,
    });
    expect(await again.recovery()).toEqual(design);
    expect(await again.openRecovery()).toMatchObject({ ok: true, project: design.project });
    await stop(restarted.child);
  });
});
