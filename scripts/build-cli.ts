/**
 * `npm run build:cli`: builds the `cutline` command, its tier entry and the bundle runtime into
 * dist/cli/ (app/main/bundle.ts), which bin/cutline.js and bin/cutline-tier.js then start from
 * instead of compiling the sources with tsx, and which `npm pack` ships.
 */
import path from 'node:path';
import { bundleCli } from '../app/main/bundle.js';

const startedMs = performance.now();
const result = await bundleCli();
for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
process.stdout.write(
  `${path.relative(process.cwd(), result.outDir)}: built from ${result.stamp.inputs.length} files in ${((performance.now() - startedMs) / 1000).toFixed(1)} s\n`,
);
