#!/usr/bin/env node
// One tier of a deployment bundle, from Cutline's build in dist/cli/ while it is current, else from
// the sources through tsx (bundles ship their own runtime/cutline-tier.mjs).
import { currentBuild, registerSources, runBuilt } from './cli-build.js';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const build = currentBuild();
if (build !== null) {
  // core/bundle/tier-entry.ts, built: the same tierMain and the same one-line errors as below.
  runBuilt(build.tier);
} else {
  await registerSources();
  const { tierMain } = await import('../core/bundle/tier-main.ts');
  const { LINE_LIMIT, oneLine } = await import('../core/text/quote-name.ts');
  tierMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      // One escaped line, as core/bundle/tier-entry.ts writes it: a message may quote a bundle's names.
      const message = `${error.code ? `${error.code}: ` : ''}${error.message ?? String(error)}`;
      process.stderr.write(`cutline-tier: ${oneLine(message, LINE_LIMIT)}\n`);
      process.exitCode = 2;
    },
  );
}
