#!/usr/bin/env node
// Entry point of the `cutline` command: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
