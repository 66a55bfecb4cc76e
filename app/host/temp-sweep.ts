/**
 * Removes the temporary folders an earlier host left when it crashed (a kept copy of an uploaded
 * model, `cutline-model-*`; a process job's files, `cutline-job-*`): a host that ends normally
 * removes its own, one that is killed cannot. Only folders untouched for a day go, so another
 * host running now (a second window, a test run) keeps the ones it uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMP_PREFIXES = ['cutline-model-', 'cutline-job-'] as const;
export const TEMP_MAX_AGE_MS = 24 * 60 * 60_000;

/** Removes the old folders; resolves with the names removed. Never rejects: a sweep is best effort. */
export async function sweepOldTempFolders(
  dir: string = os.tmpdir(),
  now: number = Date.now(),
  maxAgeMs: number = TEMP_MAX_AGE_MS,
): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!TEMP_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const folder = path.join(dir, name);
    try {
      const stat = await fs.promises.lstat(folder);
      if (!stat.isDirectory() || now - stat.mtimeMs < maxAgeMs) continue;
      await fs.promises.rm(folder, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}
