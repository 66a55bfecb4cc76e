/**
 * Which `cutline` bin/cutline.js starts (bin/cli-build.js): the build in dist/cli/ only while no
 * file its stamp lists is missing or newer than the build's start, else the sources; an install
 * without sources runs its build, and says what is wrong when it has neither. And how it runs
 * one: as CommonJS with V8's code cache, made by the first start and read by the next (a file
 * calling import() without it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentBuild, FROM_SOURCES_ENV } from '../bin/cli-build.js';
import { CLI_BUILD_DIR, CLI_BUILD_STAMP } from '../app/main/bundle.js';
import { CLI_FILE, TIER_FILE } from '../app/main/paths.js';

let root: string;
const file = (relative: string): string => path.join(root, relative);
const write = (relative: string, text = ''): void => {
  fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
  fs.writeFileSync(file(relative), text);
};
/** Sets a file's modification time. */
const touch = (relative: string, atMs: number): void =>
  fs.utimesSync(file(relative), atMs / 1000, atMs / 1000);
const BUILT_AT_MS = Date.parse('2026-01-01T00:00:00Z');
const INPUTS = ['app/cli/main.ts', 'core/errors.ts', 'package.json'];
const built = (): { cli: string; tier: string } => ({
  cli: file(path.join(CLI_BUILD_DIR, CLI_FILE)),
  tier: file(path.join(CLI_BUILD_DIR, TIER_FILE)),
});

beforeEach(() => {
  root = `${fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-cli-build-'))}${path.sep}`;
  for (const input of INPUTS) {
    write(input);
    touch(input, BUILT_AT_MS - 60_000);
  }
  write(path.join(CLI_BUILD_DIR, CLI_FILE));
  write(path.join(CLI_BUILD_DIR, TIER_FILE));
  write(
    path.join(CLI_BUILD_DIR, CLI_BUILD_STAMP),
    JSON.stringify({ startedAtMs: BUILT_AT_MS, inputs: INPUTS }),
  );
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the build bin/cutline.js starts from', () => {
  it('is the build while every input is older than its start', () => {
    expect(currentBuild(root, {})).toEqual(built());
  });

  it('is the sources once an input is saved after the build started', () => {
    touch('core/errors.ts', BUILT_AT_MS + 1);
    expect(currentBuild(root, {})).toBeNull();
  });

  it('is the sources when an input is gone, the stamp is missing or unreadable, or a built file is', () => {
    fs.rmSync(file('core/errors.ts'));
    expect(currentBuild(root, {})).toBeNull();
    write('core/errors.ts');
    touch('core/errors.ts', BUILT_AT_MS - 1);
    expect(currentBuild(root, {})).toEqual(built());
    write(path.join(CLI_BUILD_DIR, CLI_BUILD_STAMP), '{"startedAtMs": "soon"');
    expect(currentBuild(root, {})).toBeNull();
    fs.rmSync(file(path.join(CLI_BUILD_DIR, CLI_BUILD_STAMP)));
    expect(currentBuild(root, {})).toBeNull();
    write(
      path.join(CLI_BUILD_DIR, CLI_BUILD_STAMP),
      JSON.stringify({ startedAtMs: BUILT_AT_MS, inputs: INPUTS }),
    );
    fs.rmSync(built().tier);
    expect(currentBuild(root, {})).toBeNull();
  });

  it('is the sources when CUTLINE_FROM_SOURCES=1 asks for them', () => {
    expect(FROM_SOURCES_ENV).toBe('CUTLINE_FROM_SOURCES');
    expect(currentBuild(root, { [FROM_SOURCES_ENV]: '1' })).toBeNull();
  });

  it('is the build, whatever its stamp, in an install without sources; an error naming both when it has neither', () => {
    fs.rmSync(file('app'), { recursive: true });
    touch('package.json', BUILT_AT_MS + 60_000);
    expect(currentBuild(root, { [FROM_SOURCES_ENV]: '1' })).toEqual(built());
    fs.rmSync(file('dist'), { recursive: true });
    expect(() => currentBuild(root, {})).toThrow(/neither its build .* nor its sources/);
  });
});

describe('a built file run with its code cache', () => {
  const CLI_BUILD = path.resolve(import.meta.dirname, '../bin/cli-build.js');
  /** Runs `file` as bin/cutline.js runs the build, in a Node of its own; its stdout and stderr. */
  const runBuilt = (file: string): { stdout: string; stderr: string } => {
    const launcher = path.join(root, 'bin', 'launch.mjs');
    write(
      'bin/launch.mjs',
      `import { runBuilt } from ${JSON.stringify(pathToFileURL(CLI_BUILD).href)};\nrunBuilt(${JSON.stringify(file)});\n`,
    );
    const stderrFile = path.join(root, 'stderr.txt');
    const stderr = fs.openSync(stderrFile, 'w');
    try {
      const stdout = execFileSync(process.execPath, [launcher, 'one', 'two'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', stderr],
      });
      return { stdout, stderr: fs.readFileSync(stderrFile, 'utf8') };
    } finally {
      fs.closeSync(stderr);
    }
  };

  it('runs it as CommonJS (its folder, require, argv) and starts it again from the cache it left', () => {
    write(
      'dist/cli/entry.cjs',
      [
        "const os = require('node:os');",
        'console.log(JSON.stringify({ dir: __dirname, file: __filename, args: process.argv.slice(2), eol: os.EOL }));',
      ].join('\n'),
    );
    const file = path.join(root, 'dist/cli/entry.cjs');
    const expected = `${JSON.stringify({ dir: path.dirname(file), file, args: ['one', 'two'], eol: os.EOL })}\n`;
    expect(runBuilt(file)).toEqual({ stdout: expected, stderr: '' });
    const caches = fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.v8-cache'));
    expect(caches).toEqual([`entry.cjs.${Math.trunc(fs.statSync(file).mtimeMs)}.v8-cache`]);
    expect(fs.statSync(path.join(path.dirname(file), caches[0]!)).size).toBeGreaterThan(0);
    expect(runBuilt(file)).toEqual({ stdout: expected, stderr: '' });
  });

  it('requires a file that calls import() (which a cached script could not), leaving no cache', () => {
    write(
      'dist/cli/entry.cjs',
      "import('node:path').then((p) => console.log(typeof p.join)); // not `import()`\n",
    );
    const file = path.join(root, 'dist/cli/entry.cjs');
    expect(runBuilt(file)).toEqual({ stdout: 'function\n', stderr: '' });
    expect(runBuilt(file)).toEqual({ stdout: 'function\n', stderr: '' });
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.v8-cache'))).toEqual([]);
  });
});
