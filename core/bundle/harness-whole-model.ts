/**
 * The whole model the harness compares the split with. A bundle carries it only for the device's
 * local fallback (`runtime.onUnreachable: 'local'`); otherwise the harness takes the model file
 * the bundle was exported from, and checks by SHA-256 that it is that model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { hashFile } from '../export/file-hash.js';
import { plainName } from '../text/quote-name.js';
import { bundledWholeModel, type BundleManifest } from './manifest.js';
import { readCheckedModel } from './read-checked.js';

/** How the CLI takes the model; the studio words it its own way (it passes the open model). */
export const MODEL_OPTION = 'cutline harness BUNDLE --model FILE.onnx.';

/**
 * The whole model for onnxruntime and the analysis: the bundle's own (bytes, or its checked path
 * when it has a data file), else `given` (a path, so a model with external data finds its data
 * beside it). `given` is not used when the bundle carries the model.
 *
 * @throws CutlineError MODEL_MISSING when the bundle carries no whole model and none is given;
 *   MODEL_CHANGED when `given` is not the model the bundle was exported from.
 */
export function harnessWholeModel(
  bundleDir: string,
  manifest: BundleManifest,
  given: string | undefined,
): Uint8Array | string {
  const bundled = bundledWholeModel(manifest);
  if (bundled) return readCheckedModel(bundleDir, bundled);
  const pass = `pass the .onnx file the bundle was exported from (${plainName(manifest.model.name)}): ${MODEL_OPTION}`;
  if (given === undefined) {
    throw new CutlineError(
      'MODEL_MISSING',
      `The bundle carries no whole model to check the split against (it was exported without the device's local fallback); ${pass}`,
    );
  }
  const file = path.resolve(given);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new CutlineError('MODEL_MISSING', `${plainName(given, 200)} is not a file; ${pass}`);
  }
  const digest = hashFile(file);
  if (digest !== manifest.model.sha256) {
    throw new CutlineError(
      'MODEL_CHANGED',
      `${plainName(given, 200)} is not the model the bundle was exported from: its SHA-256 is ${digest.slice(0, 12)}…, the bundle's ${manifest.model.sha256.slice(0, 12)}…; ${pass}`,
    );
  }
  return file;
}
