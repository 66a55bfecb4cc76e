/** Finding a project's model and checking that it is the file the design was made for. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { ProjectFile } from './types.js';

export interface ProjectModel {
  /** The model file to analyse. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The project's model: `modelPath` when the user names one (a moved model), else the path the
 * project records (relative to the project file's folder when it is not absolute). Its SHA-256
 * must equal the project's: a placement names layers, and a changed model may not have them.
 * Throws MODEL_MISSING or MODEL_CHANGED with what to do.
 */
export function locateProjectModel(
  project: ProjectFile,
  projectPath: string,
  modelPath?: string,
): ProjectModel {
  const recorded = project.model.path;
  const retry = `Give the model's path: e.g. cutline solve MODEL.onnx --project ${projectPath}`;
  if (modelPath === undefined && recorded === null) {
    throw new CutlineError(
      'MODEL_MISSING',
      `${projectPath} does not say where its model ${quoteName(project.model.fileName)} is (it was opened as an upload). ${retry}.`,
    );
  }
  const file = modelPath !== undefined ? modelPath : path.resolve(path.dirname(projectPath), recorded!);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (cause) {
    throw new CutlineError(
      'MODEL_MISSING',
      modelPath !== undefined
        ? `Cannot read the model ${file} (${(cause as Error).message}). Check the path.`
        : `The model of ${projectPath} is missing: ${file} cannot be read (${(cause as Error).message}). If it moved, ${retry.charAt(0).toLowerCase()}${retry.slice(1)}.`,
      { cause },
    );
  }
  const digest = sha256Hex(bytes);
  if (digest !== project.model.sha256) {
    throw new CutlineError(
      'MODEL_CHANGED',
      `${file} is not the model ${projectPath} was saved with: its SHA-256 is ${digest.slice(0, 12)}…, the project's ${project.model.sha256.slice(0, 12)}…. The model changed since the design was made; give the original model, or open the project in the studio with this model and save it again.`,
    );
  }
  return { path: file, bytes };
}
