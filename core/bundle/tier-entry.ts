/** Entry of the bundle's runtime (`runtime/cutline-tier.mjs`, built by runtime-build.ts). */
import { tierMain } from './tier-main.js';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

tierMain(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`cutline-tier: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
