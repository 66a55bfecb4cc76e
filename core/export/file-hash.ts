/** SHA-256 of files of any size, read in chunks: a bundle's data files can be tens of GB. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const CHUNK_BYTES = 8 * 1024 ** 2;

/**
 * SHA-256 (lowercase hex) of a file, read through one 8 MiB buffer (a sparse multi-GB file reads
 * its holes as zeros, so it hashes as the bytes onnxruntime will see).
 */
export function hashFile(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
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
