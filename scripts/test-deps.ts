/**
 * The first step of `npm test`: makes sure the machine has what the tests need beyond
 * node_modules — a Chromium-family browser for the browser tests and the ONNX backend test suite
 * for the conformance tests. Missing ones are installed with apt-get where that can be done
 * without asking (Debian/Ubuntu, as root or with passwordless sudo); elsewhere it stops at once
 * with one line naming what to install, instead of the suite failing deep inside a test.
 * (A `pretest` script would not run: .npmrc's ignore-scripts skips it.)
 *
 * CUTLINE_SYSTEM_ROOT (default /) prefixes the fixed system paths searched; its only use is the
 * test that stands in for a machine without the packages (test/test-deps.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BROWSER_ENV, findBrowser, type Env } from './find-browser.js';
import { findTestdata, TESTDATA_ENV } from './onnx-testdata.js';

interface Need {
  readonly what: string;
  readonly aptPackage: string;
  readonly reason: string;
  /** Set by an environment variable that names nothing: installing a package would not help. */
  readonly fromEnv: boolean;
}

function missing(env: Env, systemRoot: string): { needs: Need[]; found: string[] } {
  const needs: Need[] = [];
  const found: string[] = [];
  const browser = findBrowser({ env, systemRoot });
  if (browser.ok) found.push(`browser ${browser.path}`);
  else
    needs.push({
      what: 'a Chromium or Google Chrome browser',
      aptPackage: 'chromium',
      reason: browser.reason,
      fromEnv: env[BROWSER_ENV] !== undefined && env[BROWSER_ENV] !== '',
    });
  const testdata = findTestdata(env, systemRoot);
  if (testdata.ok) found.push(`ONNX test suite ${testdata.path}`);
  else
    needs.push({
      what: 'the ONNX backend test suite',
      aptPackage: 'libonnx-testdata',
      reason: testdata.reason,
      fromEnv: testdata.fromEnv,
    });
  return { needs, found };
}

function onPath(command: string, env: Env): boolean {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, command), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** How to run apt-get as root without a prompt, or null where that cannot be done. */
function aptRunner(env: Env): string[] | null {
  if (process.platform !== 'linux' || !onPath('apt-get', env)) return null;
  // No prompts, and no debconf notes (e.g. "delaying package configuration") on a quiet install.
  const noninteractive = ['env', 'DEBIAN_FRONTEND=noninteractive', 'DEBCONF_NOWARNINGS=yes', 'apt-get'];
  if (process.getuid?.() === 0) return noninteractive;
  if (!onPath('sudo', env)) return null;
  // -n: fail rather than ask for a password (npm test must not stop at a prompt).
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n', ...noninteractive] : null;
}

function advice(needs: readonly Need[]): string {
  const packages = needs.map((need) => need.aptPackage).join(' ');
  const pointers = needs.map((need) =>
    need.aptPackage === 'chromium'
      ? `${BROWSER_ENV} at a browser's executable`
      : `${TESTDATA_ENV} at onnx/backend/test/data of the onnx repository`,
  );
  return (
    `install ${needs.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: sudo apt-get install -y ${packages}), ` +
    `or point ${pointers.join(' and ')}`
  );
}

function describe(needs: readonly Need[]): string {
  return needs.map((need) => need.what).join(' and ');
}

function run(argv: readonly string[]): number {
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  return result.status ?? 1;
}

function main(): number {
  const env = process.env;
  const systemRoot = env.CUTLINE_SYSTEM_ROOT ?? '/';
  const first = missing(env, systemRoot);
  if (first.needs.length === 0) {
    process.stdout.write(`test set-up: ${first.found.join('; ')}\n`);
    return 0;
  }
  const wrongEnv = first.needs.filter((need) => need.fromEnv);
  if (wrongEnv.length > 0) {
    process.stderr.write(
      `test set-up: ${wrongEnv.map((need) => need.reason).join(' and ')}: point it at an existing one, or unset it.\n`,
    );
    return 1;
  }
  const apt = aptRunner(env);
  if (apt === null) {
    process.stderr.write(`test set-up: missing ${describe(first.needs)}: ${advice(first.needs)}.\n`);
    return 1;
  }
  const packages = first.needs.map((need) => need.aptPackage);
  process.stdout.write(`test set-up: installing ${packages.join(' ')} with apt-get…\n`);
  const update = run([...apt, 'update', '-qq']);
  const install = update === 0 ? run([...apt, 'install', '-y', '-qq', ...packages]) : update;
  const after = missing(env, systemRoot);
  if (install !== 0 || after.needs.length > 0) {
    const still = after.needs.length > 0 ? after.needs : first.needs;
    process.stderr.write(
      `test set-up: apt-get ${install !== 0 ? `failed (exit code ${install})` : 'ran'} and ${describe(still)} ` +
        `${still.length > 1 ? 'are' : 'is'} still missing: ${advice(still)}.\n`,
    );
    return 1;
  }
  process.stdout.write(`test set-up: ${after.found.join('; ')}\n`);
  return 0;
}

process.exitCode = main();
