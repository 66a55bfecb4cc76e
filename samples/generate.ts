/**
 * Writes Cutline's sample models (`<name>.onnx`) to a folder, `samples/` by default.
 *
 *     npx tsx samples/generate.ts [outDir]      (or: npm run samples -- [outDir])
 *
 * Every weight comes from a PRNG seeded by the model's name, so each run writes the same bytes;
 * the committed files are checked against a fresh generation by test/samples.test.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeModelProto } from '../core/onnx/codec.js';
import { edgePruneVehicle } from './models/edge-prune-vehicle.js';
import { kvDecoderMini } from './models/kv-decoder-mini.js';
import { mobilenetV2Mini } from './models/mobilenetv2-mini.js';
import { ocrDetMini } from './models/ocr-det-mini.js';
import { resnetMini } from './models/resnet-mini.js';
import type { SampleModel } from './models/sample.js';
import { transformerEncoder } from './models/transformer-encoder.js';

export type { DimBindings, SampleModel } from './models/sample.js';

/** Every sample, in the order they are listed to users. */
export const SAMPLE_MODELS: readonly SampleModel[] = [
  edgePruneVehicle,
  resnetMini,
  mobilenetV2Mini,
  transformerEncoder,
  ocrDetMini,
  kvDecoderMini,
];

/** The folder the committed samples live in (this file's folder). */
export const SAMPLES_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface GeneratedSample {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly nodeCount: number;
}

/** Builds every sample and writes it to `outDir/<name>.onnx` (creating `outDir`). */
export async function generateSamples(outDir: string): Promise<GeneratedSample[]> {
  await fs.mkdir(outDir, { recursive: true });
  const written: GeneratedSample[] = [];
  for (const sample of SAMPLE_MODELS) {
    const proto = sample.build();
    const bytes = encodeModelProto(proto);
    const file = path.join(outDir, `${sample.name}.onnx`);
    await fs.writeFile(file, bytes);
    written.push({
      name: sample.name,
      path: file,
      bytes: bytes.length,
      nodeCount: proto.graph?.node?.length ?? 0,
    });
  }
  return written;
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? SAMPLES_DIR);
  for (const sample of await generateSamples(outDir)) {
    const kib = (sample.bytes / 1024).toFixed(1);
    console.log(`${sample.path}  ${kib} KiB  ${sample.nodeCount} nodes`);
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
