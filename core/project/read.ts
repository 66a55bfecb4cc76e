/** Reading a project file from disk: the CLI's `--project` and the hosts' open paths. */
import fs from 'node:fs';
import { CutlineError } from '../errors.js';
import { parseProjectText } from './parse.js';
import { MAX_PROJECT_FILE_BYTES, type ProjectFile } from './types.js';

export { MAX_PROJECT_FILE_BYTES };

export interface ProjectRead {
  readonly project: ProjectFile;
  /** 1 when the file was version 1 and has been migrated; null when it was current. */
  readonly migratedFrom: 1 | null;
}

/**
 * Reads and checks a project file of any version Cutline reads. Throws NOT_A_FILE or
 * FILE_UNREADABLE when it cannot be read, BAD_PROJECT (naming the file and the field) when it
 * is corrupt, of an unknown version or has a bad field.
 */
export function readProjectFile(filePath: string): ProjectRead {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (cause) {
    throw new CutlineError('NOT_A_FILE', `No project file at ${filePath}. Check the path and try again.`, {
      cause,
    });
  }
  if (!stat.isFile()) {
    throw new CutlineError(
      'NOT_A_FILE',
      `${filePath} is not a file. Give the path of a Cutline project file.`,
    );
  }
  if (stat.size > MAX_PROJECT_FILE_BYTES) {
    throw new CutlineError(
      'BAD_PROJECT',
      `${filePath} is ${stat.size} bytes, more than a project file can be (${MAX_PROJECT_FILE_BYTES}); is it a project file?`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (cause) {
    throw new CutlineError(
      'FILE_UNREADABLE',
      `${filePath} cannot be read (${(cause as Error).message}). Check its permissions.`,
      { cause },
    );
  }
  const result = parseProjectText(text, filePath);
  if (!result.ok) throw new CutlineError('BAD_PROJECT', result.message);
  return { project: result.project, migratedFrom: result.migratedFrom };
}
