/**
 * Where the studio suggests writing a bundle: a folder that does not exist yet, named after the
 * model and the minute, under `<home>/Cutline/bundles` (so `cutline export` never meets a folder
 * it would have to refuse or replace).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const defaultExportsDir = (): string => path.join(os.homedir(), 'Cutline', 'bundles');

/** `yyyymmdd-hhmm` in local time: sorts by date and reads as one. */
function minuteStamp(now: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}`;
}

export function suggestExportDir(exportsDir: string, modelFileName: string | null, now = new Date()): string {
  const stem =
    path
      .basename(modelFileName ?? 'design', path.extname(modelFileName ?? ''))
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .slice(0, 100) || 'design';
  const base = path.join(exportsDir, `${stem}-${minuteStamp(now)}`);
  let candidate = base;
  for (let n = 2; fs.existsSync(candidate) || fs.existsSync(`${candidate}.zip`); n++)
    candidate = `${base}-${n}`;
  return candidate;
}

/**
 * Makes the folder a save dialog for `suggested` opens in, when that is the studio's own exports
 * folder (`exportsDir`, which may not exist before the first export). Any other parent is left as
 * it is: the page names `suggested`, and must not be able to make folders anywhere on the disk.
 */
export async function ensureExportDialogFolder(suggested: string, exportsDir: string): Promise<void> {
  if (path.dirname(path.resolve(suggested)) !== path.resolve(exportsDir)) return;
  await fs.promises.mkdir(exportsDir, { recursive: true }).catch(() => undefined);
}
