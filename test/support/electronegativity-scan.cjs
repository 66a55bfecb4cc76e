/**
 * Runs Electronegativity (@doyensec/electronegativity) through its API on one or more folders
 * and prints one JSON line: per folder, the checks loaded, the files it could not parse and
 * every finding. Used by test/electron-hardening.test.ts; by hand:
 *
 *   node test/support/electronegativity-scan.cjs 45.4.1 app
 *
 * Why not the package's own `electronegativity` command: it needs commander 2's API but does
 * not declare commander, so it picks up the project's commander 14 and stops at start-up.
 *
 * Offline on purpose: the tool fetches translations (and, for one check, Electron's release
 * list) from the internet. `got` is answered with a refusal here, so a scan gives the same
 * result on a machine with a network and one without, and sends nothing anywhere; the release
 * check is left out (its answer would change with every Electron release; keeping Electron
 * current is the lockfile's business, docs/electron-security.md).
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script run with plain node */
const Module = require('node:module');
const path = require('node:path');
const { format } = require('node:util');

const offlineGot = () => Promise.reject(new Error('offline: the scan makes no network requests'));
offlineGot.default = offlineGot;
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'got' ? offlineGot : load.call(this, request, ...rest);
};
// The tool's progress notes go to stderr; stdout carries only the result.
console.log = (...args) => process.stderr.write(`${format(...args)}\n`);

const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

async function main() {
  const [electronVersion, ...folders] = process.argv.slice(2);
  if (!electronVersion || folders.length === 0) {
    process.stderr.write('usage: electronegativity-scan.cjs ELECTRON_VERSION FOLDER...\n');
    process.exit(2);
  }
  const run = require('@doyensec/electronegativity');
  const scans = [];
  for (const folder of folders) {
    const input = path.resolve(folder);
    const result = await run(
      {
        input,
        electronVersionOverride: electronVersion,
        excludeFromScan: EXCLUDED_CHECKS,
        isRelative: true,
        parserPlugins: [],
      },
      false,
    );
    scans.push({
      input,
      atomicChecks: result.atomicChecks,
      globalChecks: result.globalChecks,
      errors: result.errors.map((error) => ({ file: error.file, message: error.message })),
      findings: result.issues.map((issue) => ({
        id: issue.id,
        file: issue.file.split(path.sep).join('/'),
        line: issue.location.line,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        manualReview: issue.manualReview,
        sample: typeof issue.sample === 'string' ? issue.sample.trim() : null,
        description: issue.description,
      })),
    });
  }
  process.stdout.write(`${JSON.stringify({ electronVersion, excluded: EXCLUDED_CHECKS, scans })}\n`);
}

main().catch((error) => {
  process.stderr.write(`electronegativity scan failed: ${error && error.stack}\n`);
  process.exit(1);
});
