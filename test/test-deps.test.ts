/**
 * The set-up step at the start of `npm test` (scripts/test-deps.ts), run as npm runs it but on a
 * stand-in for a fresh machine: CUTLINE_SYSTEM_ROOT points the system paths at an empty folder,
 * Playwright's browser folder is empty, and PATH holds only what each case puts there — a fake
 * apt-get that records its arguments and "installs" by creating the packages' files, or none.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBrowser } from '../scripts/find-browser.js';
import { findTestdata } from '../scripts/onnx-testdata.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let tmp: string;
let root: string;
let bin: string;
let aptLog: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-test-deps-'));
  root = path.join(tmp, 'root');
  bin = path.join(tmp, 'bin');
  aptLog = path.join(tmp, 'apt.log');
  fs.mkdirSync(root);
  fs.mkdirSync(bin);
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeExecutable(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

/** apt-get as the set-up step sees it on Debian; `exitCode` other than 0 is a failed install. */
function fakeApt(exitCode = 0): void {
  writeExecutable(
    path.join(bin, 'apt-get'),
    [
      '#!/bin/sh',
      'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "$FAKE_APT_LOG"',
      `if [ "$1" = install ] && [ ${exitCode} = 0 ]; then`,
      '  for p in "$@"; do case "$p" in',
      '    chromium) /bin/mkdir -p "$CUTLINE_SYSTEM_ROOT/usr/bin" && /bin/touch "$CUTLINE_SYSTEM_ROOT/usr/bin/chromium" ;;',
      '    libonnx-testdata) /bin/mkdir -p "$CUTLINE_SYSTEM_ROOT/usr/share/libonnx-testdata/data/node" ;;',
      '  esac; done',
      'fi',
      `exit ${exitCode}`,
      '',
    ].join('\n'),
  );
  // What the step runs apt-get through: `env` as root, `sudo -n env` otherwise (passwordless here).
  fs.symlinkSync('/usr/bin/env', path.join(bin, 'env'));
  fs.symlinkSync('/bin/true', path.join(bin, 'true'));
  writeExecutable(path.join(bin, 'sudo'), '#!/bin/sh\nwhile [ "$1" = -n ]; do shift; done\nexec "$@"\n');
}

function runSetUp(extraEnv: Record<string, string> = {}): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test-deps.ts'], {
    cwd: REPO,
    encoding: 'utf8',
    // Nothing from this machine's environment: no CHROMIUM_PATH, no ONNX_TESTDATA_DIR.
    env: {
      PATH: bin,
      HOME: tmp,
      CUTLINE_SYSTEM_ROOT: root,
      PLAYWRIGHT_BROWSERS_PATH: path.join(tmp, 'ms-playwright'),
      FAKE_APT_LOG: aptLog,
      ...extraEnv,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function aptCalls(): string[] {
  return fs.existsSync(aptLog) ? fs.readFileSync(aptLog, 'utf8').trim().split('\n') : [];
}

describe('test set-up step on a machine without the packages', () => {
  it('names both packages and the variables in one line and stops when it cannot install', () => {
    const { status, stdout, stderr } = runSetUp();
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      'test set-up: missing a Chromium or Google Chrome browser and the ONNX backend test suite: ' +
        'install them (Debian/Ubuntu: sudo apt-get install -y chromium libonnx-testdata), or point ' +
        "CHROMIUM_PATH at a browser's executable and ONNX_TESTDATA_DIR at onnx/backend/test/data of the onnx repository.",
    ]);
  });

  it('names only what is missing', () => {
    const browser = path.join(tmp, 'my-chrome');
    writeExecutable(browser, '');
    const { status, stderr } = runSetUp({ CHROMIUM_PATH: browser });
    expect(status).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'test set-up: missing the ONNX backend test suite: install it (Debian/Ubuntu: sudo apt-get install -y ' +
        'libonnx-testdata), or point ONNX_TESTDATA_DIR at onnx/backend/test/data of the onnx repository.',
    ]);
  });

  it('installs both with apt-get, quietly and without prompts, then passes', () => {
    fakeApt();
    const { status, stdout, stderr } = runSetUp();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(aptCalls()).toEqual([
      'DEBIAN_FRONTEND=noninteractive update -qq',
      'DEBIAN_FRONTEND=noninteractive install -y -qq chromium libonnx-testdata',
    ]);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'test set-up: installing chromium libonnx-testdata with apt-get…',
      `test set-up: browser ${root}/usr/bin/chromium; ONNX test suite ${root}/usr/share/libonnx-testdata/data`,
    ]);
  });

  it('says what is still missing when apt-get fails', () => {
    fakeApt(100);
    const { status, stderr } = runSetUp();
    expect(status).toBe(1);
    expect(aptCalls()).toEqual(['DEBIAN_FRONTEND=noninteractive update -qq']);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'test set-up: apt-get failed (exit code 100) and a Chromium or Google Chrome browser and the ONNX ' +
        'backend test suite are still missing: install them (Debian/Ubuntu: sudo apt-get install -y chromium ' +
        "libonnx-testdata), or point CHROMIUM_PATH at a browser's executable and ONNX_TESTDATA_DIR at " +
        'onnx/backend/test/data of the onnx repository.',
    ]);
  });

  it('does not install over a variable that names nothing', () => {
    fakeApt();
    const { status, stderr } = runSetUp({ ONNX_TESTDATA_DIR: path.join(tmp, 'no-such-dir') });
    expect(status).toBe(1);
    expect(aptCalls()).toEqual([]);
    expect(stderr).toBe(
      `test set-up: ONNX_TESTDATA_DIR=${tmp}/no-such-dir has no node/ folder: point it at an existing one, or unset it.\n`,
    );
  });

  it('uses a browser Playwright downloaded and a corpus named by ONNX_TESTDATA_DIR, installing nothing', () => {
    fakeApt();
    const playwrightDir = path.join(tmp, 'ms-playwright');
    const where = spawnSync(
      process.execPath,
      ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"],
      { cwd: REPO, encoding: 'utf8', env: { HOME: tmp, PLAYWRIGHT_BROWSERS_PATH: playwrightDir } },
    ).stdout;
    expect(where.startsWith(playwrightDir)).toBe(true);
    writeExecutable(where, '');
    const corpus = path.join(tmp, 'onnx', 'backend', 'test', 'data');
    fs.mkdirSync(path.join(corpus, 'node'), { recursive: true });
    const { status, stdout } = runSetUp({ ONNX_TESTDATA_DIR: corpus });
    expect(status).toBe(0);
    expect(aptCalls()).toEqual([]);
    expect(stdout).toBe(`test set-up: browser ${where}; ONNX test suite ${corpus}\n`);
  });
});

describe('browser and corpus search', () => {
  it('prefers CHROMIUM_PATH, then Debian’s Chromium over Google Chrome', () => {
    for (const file of ['usr/bin/chromium', 'usr/bin/google-chrome'])
      writeExecutable(path.join(root, file), '');
    const env = { PLAYWRIGHT_BROWSERS_PATH: path.join(tmp, 'ms-playwright') };
    expect(findBrowser({ env, platform: 'linux', systemRoot: root })).toEqual({
      ok: true,
      path: path.join(root, 'usr/bin/chromium'),
      source: 'installed',
    });
    fs.rmSync(path.join(root, 'usr/bin/chromium'));
    expect(findBrowser({ env, platform: 'linux', systemRoot: root })).toMatchObject({
      path: path.join(root, 'usr/bin/google-chrome'),
    });
    const mine = path.join(tmp, 'mine');
    writeExecutable(mine, '');
    expect(
      findBrowser({ env: { ...env, CHROMIUM_PATH: mine }, platform: 'linux', systemRoot: root }),
    ).toEqual({
      ok: true,
      path: mine,
      source: 'CHROMIUM_PATH',
    });
  });

  it('finds Google Chrome where macOS installs it', () => {
    const chrome = path.join(root, 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    writeExecutable(chrome, '');
    expect(findBrowser({ env: {}, platform: 'darwin', systemRoot: root })).toMatchObject({
      ok: true,
      path: chrome,
    });
  });

  it('reads the corpus from ONNX_TESTDATA_DIR, else Debian’s folder', () => {
    const corpus = path.join(tmp, 'corpus');
    fs.mkdirSync(path.join(corpus, 'node'), { recursive: true });
    expect(findTestdata({ ONNX_TESTDATA_DIR: corpus }, root)).toEqual({ ok: true, path: corpus });
    expect(findTestdata({}, root)).toEqual({
      ok: false,
      reason: 'the ONNX backend test suite is not installed',
      fromEnv: false,
    });
    fs.mkdirSync(path.join(root, 'usr/share/libonnx-testdata/data/node'), { recursive: true });
    expect(findTestdata({}, root)).toEqual({
      ok: true,
      path: path.join(root, 'usr/share/libonnx-testdata/data'),
    });
  });
});
