/**
 * The bundled sample models: every `<id>.onnx` in the samples folder. Titles and descriptions
 * come from the sample registry (samples/generate.ts), whose descriptions read
 * "Title: details"; a file the registry does not know is listed under its file name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_MODELS, SAMPLES_DIR } from '../../samples/generate.js';
import type { SampleInfo } from '../shared/studio-api.js';
import { sampleIdSchema } from '../shared/studio-validate.js';

export { SAMPLES_DIR };

/** Opened when the studio starts without a model on its command line. */
export const DEFAULT_SAMPLE_ID = 'edge-prune-vehicle';

export interface SampleEntry extends SampleInfo {
  /** Absolute path of the sample's file. */
  readonly path: string;
}

export async function loadSampleCatalog(samplesDir: string = SAMPLES_DIR): Promise<readonly SampleEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(samplesDir);
  } catch {
    return [];
  }
  const ids = names
    .filter((name) => name.endsWith('.onnx'))
    .map((name) => name.slice(0, -'.onnx'.length))
    .filter((id) => sampleIdSchema.safeParse(id).success);
  const registryOrder = (id: string): number => {
    const index = SAMPLE_MODELS.findIndex((sample) => sample.name === id);
    return index < 0 ? SAMPLE_MODELS.length : index;
  };
  ids.sort((a, b) => registryOrder(a) - registryOrder(b) || a.localeCompare(b));
  const entries: SampleEntry[] = [];
  for (const id of ids) {
    const file = path.resolve(samplesDir, `${id}.onnx`);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    entries.push({ id, ...describe(id), fileBytes: stat.size, path: file });
  }
  return entries;
}

function describe(id: string): { title: string; description: string } {
  const text = SAMPLE_MODELS.find((sample) => sample.name === id)?.description;
  if (!text) return { title: id, description: '' };
  const colon = text.indexOf(': ');
  return colon < 0
    ? { title: text, description: '' }
    : { title: text.slice(0, colon), description: text.slice(colon + 2) };
}
