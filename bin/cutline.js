#!/usr/bin/env node
// Entry point of the `cutline` command: the build in dist/cli/ while it is current (an installed
// package holds only the build), else the TypeScript sources through tsx's loader.
import { currentBuild, registerSources, runBuilt } from './cli-build.js';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const build = currentBuild();
if (build !== null) {
  // app/cli/bundled-main.ts: runs the command with the argv it is given, and sets the exit code.
  runBuilt(build.cli);
} else {
  await registerSources();
  const { main } = await import('../app/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
