/** The host's copies of uploaded models, kept for a session's process jobs (export, profile). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Keeps uploaded bytes in a host temporary file, so the process jobs (export, profile) can read
 * the model; written before the bytes are transferred to the worker. Null when it cannot be written.
 */
export async function keepUploadedBytes(fileName: string, bytes: Uint8Array): Promise<string | null> {
  try {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cutline-model-'));
    const file = path.join(dir, path.basename(fileName).replace(/[^A-Za-z0-9_.-]/g, '_') || 'model.onnx');
    await fs.promises.writeFile(file, bytes);
    return file;
  } catch {
    return null;
  }
}

export const removeKeptCopy = (file: string | null): void => {
  if (file !== null) fs.rmSync(path.dirname(file), { recursive: true, force: true });
};
