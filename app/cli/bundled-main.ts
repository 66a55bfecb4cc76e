/**
 * Entry of the `cutline` command as built by app/main/bundle.ts (`cutline-cli.cjs`), which the
 * packaged studio runs for its export, harness and profile jobs: plain JavaScript with no tsx and
 * no TypeScript sources beside it. Its tiers start from the build's own tier entry and bundles get
 * the runtime built with it (core/bundle/prebuilt-runtime.ts); onnxruntime-node is required from
 * the app's node_modules. `npm run build:cli` builds it into dist/cli/, which `bin/cutline.js`
 * runs while it is current (else the same `main` from the sources).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { usePrebuiltRuntime } from '../../core/bundle/prebuilt-runtime.js';
import { usePrebuiltWorker } from '../host/prebuilt-worker.js';
import { TIER_FILE, TIER_RUNTIME_DIR, WORKER_FILE } from '../main/paths.js';
import { main } from './main.js';

// onnxruntime-node's own usage telemetry off, as bin/cutline.js does (an explicit 0 turns it on).
process.env.ORT_DISABLE_TELEMETRY ??= '1';

// app/main/bundle.ts writes the tier entry and the built runtime beside this bundle. Its own
// folder is CommonJS's __dirname (this file is only ever built as CommonJS), not the script being
// run: bin/cutline.js requires it.
usePrebuiltRuntime({
  tierEntry: path.join(__dirname, TIER_FILE),
  runtimeDir: path.join(__dirname, TIER_RUNTIME_DIR),
});
// `cutline studio`'s analysis worker, built beside it too.
usePrebuiltWorker(pathToFileURL(path.join(__dirname, WORKER_FILE)));
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(
      `cutline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
