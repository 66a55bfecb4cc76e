/**
 * Writes a generated decoder-only transformer with a KV cache (test/support/decoder-model.ts):
 *
 *     npx tsx scripts/make-decoder.ts OUT.onnx [--layers N] [--hidden H] [--vocab V]
 *                                    [--external] [--data-gib G] [--real first-page|gains|all]
 *
 * Defaults: 4 layers, hidden 256, vocabulary 32000, weights inline. `--external` puts every weight
 * in OUT.onnx.data, a sparse file (only each tensor's first page is real). `--data-gib G` implies
 * it and, unless --layers is given, picks the fewest layers whose weights reach G GiB, e.g.
 * `--hidden 2048 --data-gib 2.2` for an LLM-sized file that takes no disk to make. `--real` says
 * which values of the data file are written (default each tensor's first page; see RealValues).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  decoderConfig,
  decoderParams,
  decoderWeightBytes,
  type DecoderConfig,
  type RealValues,
  writeDecoder,
} from '../test/support/decoder-model.js';

const GIB = 2 ** 30;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, not "${text}"`);
  return value;
}

/** The fewest layers (at least one) whose weights reach `gib` GiB with the other sizes fixed. */
function layersForGib(sizes: { hidden: number; vocab: number }, gib: number): number {
  const bytes = (layers: number): number => decoderWeightBytes(decoderConfig({ ...sizes, layers }));
  const perLayer = bytes(2) - bytes(1);
  return Math.max(1, Math.ceil((gib * GIB - bytes(1) + perLayer) / perLayer));
}

const isRealValues = (text: string): text is RealValues =>
  text === 'first-page' || text === 'gains' || text === 'all';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      layers: { type: 'string' },
      hidden: { type: 'string' },
      vocab: { type: 'string' },
      external: { type: 'boolean' },
      'data-gib': { type: 'string' },
      real: { type: 'string' },
    },
  });
  const out = positionals[0];
  if (positionals.length !== 1 || out === undefined) {
    throw new Error(
      'usage: make-decoder.ts OUT.onnx [--layers N] [--hidden H] [--vocab V] [--external] [--data-gib G] [--real first-page|gains|all]',
    );
  }
  const hidden = positiveInteger('hidden', values.hidden, 256);
  const vocab = positiveInteger('vocab', values.vocab, 32_000);
  const gibText = values['data-gib'];
  const gib = gibText === undefined ? undefined : Number(gibText);
  if (gib !== undefined && !(gib > 0 && Number.isFinite(gib)))
    throw new Error(`--data-gib must be a positive number of GiB, not "${gibText}"`);
  const layers =
    values.layers !== undefined || gib === undefined
      ? positiveInteger('layers', values.layers, 4)
      : layersForGib({ hidden, vocab }, gib);
  const config: DecoderConfig = decoderConfig({ layers, hidden, vocab });
  const external = values.external === true || gib !== undefined;
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const real = values.real ?? 'first-page';
  if (!isRealValues(real)) throw new Error(`--real must be first-page, gains or all, not "${real}"`);
  const written = writeDecoder(path.resolve(out), config, { external, realValues: real });
  const weights = decoderWeightBytes(config);
  console.log(
    `${written.modelPath}  ${config.layers} layers, hidden ${config.hidden}, ${config.heads} heads, MLP ${config.intermediate}, vocabulary ${config.vocab}`,
  );
  console.log(
    `  ${decoderParams(config).toLocaleString('en-US')} parameters, ${(weights / GIB).toFixed(3)} GiB of weights${
      written.dataPath ? ` in ${written.dataPath} (sparse, ${written.dataBytes} bytes)` : ' inline'
    }`,
  );
}

try {
  main();
} catch (error) {
  console.error(`make-decoder: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
