/**
 * What an exported bundle holds beyond its segments, read back from its folder once `cutline
 * export` has written it: the Export tab names the README with each machine's commands, the Triton
 * repository and KServe file when the export wrote them, and the whole model only when the device
 * falls back on it. Also the folder a next export of the same design goes to, so the tab keeps the
 * user's folder (its fresh sibling) instead of jumping back to the default one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseManifest, type BundleManifest } from '../../core/bundle/manifest.js';
import type { ExportBundleHolds } from '../shared/studio-jobs.js';

/** The bundle's manifest, checked as the tiers check it, or null when it cannot be read. */
function readManifest(bundleDir: string): BundleManifest | null {
  const file = path.join(bundleDir, 'manifest.json');
  try {
    return parseManifest(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  } catch {
    return null;
  }
}

/** `relative` (a bundle path with `/`) when it exists in the bundle, else null. */
const present = (bundleDir: string, relative: string): string | null =>
  fs.existsSync(path.join(bundleDir, ...relative.split('/'))) ? relative : null;

/** What the bundle at `bundleDir` holds, or null when its manifest cannot be read. */
export function exportBundleHolds(bundleDir: string): ExportBundleHolds | null {
  const manifest = readManifest(bundleDir);
  if (manifest === null) return null;
  return {
    // Absent in a manifest written before stock serving existed: the tiers relay.
    serving: manifest.runtime.serving ?? 'relay',
    readme: fs.existsSync(path.join(bundleDir, 'README.md')) ? path.join(bundleDir, 'README.md') : null,
    tritonRepository: present(bundleDir, 'cloud/triton'),
    kserve: present(bundleDir, 'cloud/kserve.yaml'),
    wholeModel: manifest.model.file ?? null,
  };
}

const taken = (dir: string): boolean => fs.existsSync(dir) || fs.existsSync(`${dir}.zip`);

/**
 * The first free sibling of `bundleDir`: `NAME-2`, `NAME-3` … (neither the folder nor its .zip
 * exists). A folder already named `NAME-N` beside an existing `NAME` counts on from `NAME`, so a
 * third export goes to `NAME-3`, not `NAME-2-2`.
 */
export function freshSiblingDir(bundleDir: string): string {
  const numbered = /^(.*)-(\d{1,3})$/.exec(bundleDir);
  const base = numbered && fs.existsSync(numbered[1]!) ? numbered[1]! : bundleDir;
  let candidate = `${base}-2`;
  for (let n = 3; taken(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}
