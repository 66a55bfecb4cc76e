/**
 * Which `cutline` bin/cutline.js starts (bin/cli-build.js): the build in dist/cli/ only while no
 * file its stamp lists is missing or newer than the build's start, else the sources; an install
 * without sources runs its build, and says what is wrong when it has neither.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
