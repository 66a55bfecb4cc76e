/**
 * The render benchmark measures the built renderer (dist/renderer/), so it must be the build of
 * the sources in the tree: built when missing, rebuilt when any source it bundles is newer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const RENDERER_DIR = path.resolve('dist/renderer');
/** What Vite bundles into the renderer: its own code and the shared and core modules it imports. */
const SOURCE_DIRS = ['app/renderer', 'app/shared', 'core'];

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the renderer (`vite build`) unless dist/renderer/ is newer than every source; says which. */
export function ensureRendererBuilt(log: (line: string) => void): void {
  const index = path.join(RENDERER_DIR, 'index.html');
  const builtMs = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sourcesMs = Math.max(...SOURCE_DIRS.map((dir) => newestMtimeMs(path.resolve(dir))));
  if (builtMs > sourcesMs) {
    log('  renderer: dist/renderer/ is up to date');
    return;
  }
  log(`  renderer: ${builtMs === 0 ? 'not built' : 'older than its sources'}, running vite build`);
  execFileSync(
    process.execPath,
    [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
