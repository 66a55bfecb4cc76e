/** SHA-256 of files of any size, read in chunks: a bundle's data files can be tens of GB. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { CutlineError } from '../errors.js';
import { DATA_FILE_OPEN_FLAGS } from '../onnx/external-data.js';

const CHUNK_BYTES = 8 * 1024 ** 2;

/**
 * SHA-256 (lowercase hex) of a file, read through one 8 MiB buffer (a sparse multi-GB file reads
 * its holes as zeros, so it hashes as the bytes onnxruntime will see).
 */
export function hashFile(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  // Non-blocking and no symbolic link: a FIFO or link put in place of the checked file must not
  // block a tier's start or lead elsewhere.
  let fd: number;
  try {
    fd = fs.openSync(file, DATA_FILE_OPEN_FLAGS);
  } catch (cause) {
    throw new CutlineError(
      'NOT_A_FILE',
      `${file} cannot be opened as a regular file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}); copy the bundle again.`,
      { cause },
    );
  }
  try {
    if (!fs.fstatSync(fd).isFile())
      throw new CutlineError('NOT_A_FILE', `${file} is no longer a regular file; copy the bundle again.`);
    for (let position = 0; ;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      position += read;
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
