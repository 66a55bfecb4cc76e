/**
 * What a bundle's Triton repository (`cloud/triton/`) holds besides one model per cloud segment:
 * an ensemble per run of consecutive cloud segments, and beside the repository the KServe
 * InferenceService that serves it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KSERVE_SERVICE_FILE, kserveInferenceService } from './kserve-service.js';
import type { BundleManifest } from './manifest.js';
import { tritonEnsembles, tritonModels } from './triton-ensemble.js';

/**
 * What an ensemble's version folder holds. Triton wants a version folder for every model and an
 * ensemble has no model file; an empty folder would be lost in the .zip and in object storage
 * (where KServe reads the repository from), which keep a folder only for the files in it.
 */
const VERSION_NOTE =
  'A Triton ensemble has no model file: this version folder is here because Triton needs one.\n';

/**
 * Writes them into the bundle folder `dir` (after its segments and manifest): an ensemble is its
 * `config.pbtxt` and a version folder `1/` holding only a note. Nothing is written without a
 * Triton repository.
 */
export function writeTritonExtras(
  dir: string,
  manifest: BundleManifest,
  report: (message: string) => void,
): void {
  if (tritonModels(manifest).size === 0) return;
  const { ensembles, skipped } = tritonEnsembles(manifest);
  for (const reason of skipped) report(`No Triton ensemble ${reason}`);
  for (const ensemble of ensembles) {
    report(`Writing Triton ensemble ${ensemble.name} (${ensemble.steps.join(' → ')})`);
    const folder = path.join(dir, 'cloud', 'triton', ensemble.name);
    fs.mkdirSync(path.join(folder, '1'), { recursive: true });
    fs.writeFileSync(path.join(folder, '1', 'README.txt'), VERSION_NOTE);
    fs.writeFileSync(path.join(folder, 'config.pbtxt'), ensemble.config);
  }
  fs.writeFileSync(path.join(dir, KSERVE_SERVICE_FILE), kserveInferenceService(manifest));
}
