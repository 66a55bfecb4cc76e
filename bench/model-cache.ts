/**
 * Generated benchmark models cached under `.bench/` (gitignored), one file per model and
 * generator version, e.g. `.bench/vgg16.v1.onnx` with its figures in `.bench/vgg16.v1.json`.
 * A missing file is generated in a child process; stale versions are left for the user to delete.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './child.js';
import type { BenchModel, GeneratedModelInfo } from './models.js';

export const benchDir = fileURLToPath(new URL('../.bench/', import.meta.url));

export interface CachedModel {
  readonly path: string;
  readonly info: GeneratedModelInfo;
  /** True when this run generated the file (its generateMs is then this run's). */
  readonly generated: boolean;
}

function readInfo(jsonPath: string): GeneratedModelInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as GeneratedModelInfo;
  } catch {
    return undefined;
  }
}

/** The model's cached file, generating it first when missing or incomplete. */
export async function ensureModel(model: BenchModel): Promise<CachedModel> {
  fs.mkdirSync(benchDir, { recursive: true });
  const onnxPath = path.join(benchDir, `${model.name}.v${model.version}.onnx`);
  const jsonPath = onnxPath.replace(/\.onnx$/, '.json');
  const cached = readInfo(jsonPath);
  if (cached && fs.existsSync(onnxPath) && fs.statSync(onnxPath).size === cached.fileBytes) {
    return { path: onnxPath, info: cached, generated: false };
  }
  const outcome = await runChild<GeneratedModelInfo>('./generate-model.ts', [model.name, onnxPath]);
  if (!outcome.ok) throw new Error(`generating ${model.name} failed: ${outcome.error}`);
  return { path: onnxPath, info: outcome.value, generated: true };
}
