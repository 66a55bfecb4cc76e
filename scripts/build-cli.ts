/**
 * `npm run build:cli`: builds the `cutline` command, its tier entry and the bundle runtime into
 * dist/cli/ (app/main/bundle.ts), which bin/cutline.js and bin/cutline-tier.js then start from
 * instead of compiling the sources with tsx, and which `npm pack` ships.
 *
 * `--if-stale` (what `npm start` runs first): only when dist/cli/ is missing or older than its
 * sources, and a failed build is a warning, not a failure: `cutline` then runs from the sources.
 */
import path from 'node:path';
import { bundleCli } from '../app/main/bundle.js';
import { currentBuild } from '../bin/cli-build.js';

const ifStale = process.argv.includes('--if-stale');
if (ifStale && currentBuild(undefined, {}) !== null) process.exit(0);
const startedMs = performance.now();
try {
  const result = await bundleCli();
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(
    `${path.relative(process.cwd(), result.outDir)}: built from ${result.stamp.inputs.length} files in ${((performance.now() - startedMs) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  if (!ifStale) throw error;
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  process.stderr.write(`warning: cutline could not be built (${reason}); it runs from the sources.\n`);
}
