/**
 * Where a bundle may be written: `cutline export --out` replaces a folder or a .zip only when it is
 * empty or, with --force, one Cutline wrote, so a mistyped path cannot wipe a source tree or clobber
 * some other file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';

/** `MANIFEST_FORMAT` without its version: a bundle from any Cutline may be replaced. */
const BUNDLE_FORMAT_PREFIX = 'cutline-bundle/';

/** Whether `dir` holds a Cutline bundle: a manifest.json whose `format` is a bundle format. */
function isBundleFolder(dir: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as unknown;
    const format = (manifest as { format?: unknown } | null)?.format;
    return typeof format === 'string' && format.startsWith(BUNDLE_FORMAT_PREFIX);
  } catch {
    return false;
  }
}

/**
 * Refuses a `zipPath` that must not be replaced: any existing file without `force`, and, even with
 * `force`, one that is not a regular file starting with a zip signature (so --zip cannot clobber
 * some other file named like the bundle).
 */
export function assertZipReplaceable(zipPath: string, force: boolean): void {
  const stat = fs.lstatSync(zipPath, { throwIfNoEntry: false });
  if (!stat) return;
  if (!force) {
    throw new CutlineError('BAD_BUNDLE', `${zipPath} exists; choose another --out or pass --force.`);
  }
  let zip = false;
  if (stat.isFile()) {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(zipPath, 'r');
    try {
      zip = fs.readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
    } finally {
      fs.closeSync(fd);
    }
  }
  if (!zip) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${zipPath} is not a .zip, so --force left it untouched; choose another --out or move it.`,
    );
  }
}

/**
 * Refuses an `outDir` that must not be replaced: one that is not a folder, a non-empty folder
 * without `force`, and, even with `force`, a non-empty folder that is not a Cutline bundle (so a
 * mistyped --out cannot wipe a source tree).
 */
export function assertReplaceable(outDir: string, force: boolean): void {
  const stat = fs.statSync(outDir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    throw new CutlineError('BAD_BUNDLE', `${outDir} exists and is not a folder; choose another --out.`);
  }
  if (fs.readdirSync(outDir).length === 0) return;
  if (!force) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${outDir} exists and is not empty; choose another --out or pass --force.`,
    );
  }
  if (!isBundleFolder(outDir)) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${outDir} is not a Cutline bundle (it has no bundle manifest.json), so --force left it untouched; choose another --out or empty the folder.`,
    );
  }
}
