/**
 * Reading a device, link or topology profile file with its size checked first. A profile is a few
 * kilobytes (the bundled ones 1–3 kB, a calibrated one about 5 kB), so a file many times larger is
 * something else given by mistake (a model, a log, a trace): it is refused from its size, before a
 * byte is read, instead of being read and parsed for seconds and hundreds of megabytes of memory
 * only to fail the schema.
 */
import fs from 'node:fs';
import { CutlineError, type ErrorCode } from '../errors.js';
import { plainName } from '../text/quote-name.js';

/** Largest profile file read: a thousand times a calibrated profile, far beyond any real one. */
export const MAX_PROFILE_FILE_BYTES = 4 * 1024 ** 2;

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/**
 * The text of the profile file `file`, read through one descriptor whose size is checked first
 * (so a file swapped after a check cannot slip past it).
 *
 * @throws CutlineError `code` (BAD_PROFILE, BAD_TOPOLOGY) naming the file, its size and the limit
 *   when it is over MAX_PROFILE_FILE_BYTES; FILE_UNREADABLE when it cannot be read.
 */
export function readProfileText(file: string, code: ErrorCode): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_PROFILE_FILE_BYTES) {
      throw new CutlineError(
        code,
        `${plainName(file, 200)} is ${mib(size)}, more than a profile file can be (${mib(MAX_PROFILE_FILE_BYTES)}); give the path of a profile JSON file.`,
      );
    }
    return fs.readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof CutlineError) throw error;
    throw unreadable(file, error);
  } finally {
    fs.closeSync(fd);
  }
}

function unreadable(file: string, error: unknown): CutlineError {
  return new CutlineError('FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}.`, {
    cause: error,
  });
}
