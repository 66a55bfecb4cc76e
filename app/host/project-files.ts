/**
 * Reading project files from disk, deciding whether the model a project names may be opened, and
 * the file name a project is offered under (both transports save with it).
 *
 * Why a project may name a file the host then reads: the project itself was chosen by the user
 * (a dialog, the command line, the recent list, or a file they uploaded or dropped in the page),
 * and a project is exactly "this design belongs to that model". What keeps a crafted project
 * (or a compromised page sending one) from making the host read arbitrary files:
 * - the path must name a regular file whose name ends in `.onnx`, so nothing else (no key
 *   file, no /proc entry, no device or pipe) is ever opened, hashed or even looked for;
 * - its SHA-256 must equal the one the project names, checked in the worker before anything of
 *   the file is decoded; when it differs the answer is MODEL_CHANGED and nothing of the file's
 *   content reaches the page. Only a file whose bytes the project's author already knew (their
 *   hash) is analysed, and what the page then sees is that ONNX model's view;
 * - the analysis runs in a session worker like every other open (heap limit, time limit), and
 *   external data resolves only inside the model's own folder (core/onnx/read.ts).
 * What is left is learning whether some `.onnx` path exists (MISSING vs CHANGED), which the
 * studio needs in order to offer "Locate the model".
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseProjectText, type ProjectParse } from '../../core/project/parse.js';
import type { ProjectFile, StudioError } from '../shared/studio-api.js';
import { MAX_PROJECT_TEXT_BYTES } from '../shared/studio-api.js';
import { studioError } from './host-errors.js';

export type ProjectRead =
  { readonly ok: true; readonly project: ProjectFile } | { readonly ok: false; readonly error: StudioError };

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

function tooLarge(fileName: string, bytes: number): StudioError {
  return studioError(
    'BAD_PROJECT',
    `${fileName} is ${mib(bytes)}, more than a project file can be (${mib(MAX_PROJECT_TEXT_BYTES)}); choose a project file.`,
  );
}

/** A project file's text checked and migrated to the current version; errors are one line. */
export function projectFromText(fileName: string, text: string): ProjectRead {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_PROJECT_TEXT_BYTES) return { ok: false, error: tooLarge(fileName, bytes) };
  const parsed: ProjectParse = parseProjectText(text, fileName);
  return parsed.ok
    ? { ok: true, project: parsed.project }
    : { ok: false, error: studioError('BAD_PROJECT', parsed.message) };
}

/** Reads and checks a project file the user chose. */
export async function readProjectFile(filePath: string): Promise<ProjectRead> {
  let text: string;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) {
      return {
        ok: false,
        error: studioError('NOT_FOUND', `${filePath} is not a file. Choose a project file.`),
      };
    }
    // Refused from its size, before it is read.
    if (stat.size > MAX_PROJECT_TEXT_BYTES) return { ok: false, error: tooLarge(filePath, stat.size) };
    text = await fs.readFile(filePath, 'utf8');
  } catch (error) {
    return {
      ok: false,
      error: studioError('NOT_FOUND', `${filePath} cannot be read (${(error as Error).message}).`),
    };
  }
  return projectFromText(filePath, text);
}

/**
 * Where the project's model is, if it may be opened (see the file comment), else why not, as a
 * MODEL_MISSING error that asks the user to locate the model. A relative path (a project moved
 * with its model) is taken from the project file's folder.
 */
export async function projectModelPath(
  project: ProjectFile,
  projectPath: string | null,
): Promise<
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly error: StudioError }
> {
  const { fileName, path: named } = project.model;
  const missing = (why: string) => ({
    ok: false as const,
    error: studioError('MODEL_MISSING', `${why} Locate the model (${fileName}) to open the project.`),
  });
  if (named === null) {
    return missing(
      `The project's model ${fileName} was opened in the page, so its place on disk is not known.`,
    );
  }
  if (!path.isAbsolute(named) && projectPath === null) {
    return missing(
      `The project names its model by the relative path ${named}, and the project has no folder.`,
    );
  }
  const absolute = path.resolve(projectPath === null ? '/' : path.dirname(projectPath), named);
  if (!/\.onnx$/i.test(absolute)) {
    return missing(`The project names ${absolute} as its model, which is not a .onnx file.`);
  }
  try {
    if (!(await fs.stat(absolute)).isFile()) return missing(`The project's model ${absolute} is not a file.`);
  } catch {
    return missing(`The project's model ${absolute} is missing (moved, renamed or deleted).`);
  }
  return { ok: true, path: absolute };
}

/** `resnet-mini.onnx` → `resnet-mini.cutline.json`; anything unusual in a name becomes `_`. */
export function projectFileName(project: ProjectFile): string {
  const stem = project.model.fileName
    .replace(/\.onnx$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '_');
  return `${stem || 'project'}.cutline.json`;
}
