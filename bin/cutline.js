#!/usr/bin/env node
// Entry point of the `cutline` command: the build in dist/cli/ while it is current (an installed
// package holds only the build), else the TypeScript sources through tsx's loader.
import { fileURLToPath } from 'node:url';
import { currentBuild, runBuilt } from './cli-build.js';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const build = currentBuild();
if (build !== null) {
  // app/cli/bundled-main.ts: runs the command with the argv it is given, and sets the exit code.
  runBuilt(build.cli);
} else {
  const { register } = await import('tsx/esm/api');
  // Cutline's own tsconfig, wherever the process runs (a tier runs in its bundle's folder, which
  // must not be able to steer module resolution with a tsconfig of its own).
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  const { main } = await import('../app/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
