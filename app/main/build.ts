/** `npm run build:main`: bundles Electron's main process, preload, analysis worker and the `cutline` command into dist/main/. */
import path from 'node:path';
import { bundleMain } from './bundle.js';

const result = await bundleMain();
for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
for (const file of [result.main, result.preload, result.worker, result.cli, result.tier])
  process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
