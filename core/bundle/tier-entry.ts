/** Entry of the bundle's runtime (`runtime/cutline-tier.mjs`, built by runtime-build.ts). */
import { LINE_LIMIT, oneLine } from '../text/quote-name.js';
import { tierMain } from './tier-main.js';

// onnxruntime-node's own usage telemetry off (it writes a SQLite queue under ~/.cache from every
// process and tries to upload it); an explicit ORT_DISABLE_TELEMETRY=0 turns it back on.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

tierMain(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    // One escaped line, as the cutline command prints errors: a message may quote a bundle's names.
    const message = oneLine(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`, LINE_LIMIT);
    process.stderr.write(`cutline-tier: ${message}\n`);
    process.exitCode = 2;
  },
);
