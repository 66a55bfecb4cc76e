/**
 * Keeps dist/renderer/ (Vite's build of the studio page) up to date for `cutline studio` run
 * from the sources: rebuilt when missing or older than any file it is built from.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Folders the renderer's bundle is built from (it imports core/ and app/shared/). */
const SOURCE_DIRS = ['app/renderer', 'app/shared', 'core'];
const SOURCE_FILES = ['vite.config.ts', 'package.json'];

export type RendererBuild =
  | { readonly state: 'fresh' | 'built' }
  | { readonly state: 'no-sources' }
  | { readonly state: 'failed'; readonly reason: string };

export async function ensureRendererBuilt(root: string, onBuildStart?: () => void): Promise<RendererBuild> {
  const page = path.join(root, 'app/renderer/index.html');
  if (!(await exists(page))) return { state: 'no-sources' };
  const builtAtMs = await mtimeMs(path.join(root, 'dist/renderer/index.html'));
  if (builtAtMs !== null && (await newestSourceMs(root)) <= builtAtMs) return { state: 'fresh' };
  onBuildStart?.();
  try {
    const { build } = await import('vite');
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
    return { state: 'built' };
  } catch (error) {
    return { state: 'failed', reason: (error as Error).message.split('\n')[0] ?? String(error) };
  }
}

async function newestSourceMs(root: string): Promise<number> {
  let newest = 0;
  for (const file of SOURCE_FILES) newest = Math.max(newest, (await mtimeMs(path.join(root, file))) ?? 0);
  for (const dir of SOURCE_DIRS) {
    const entries = await fs
      .readdir(path.join(root, dir), { recursive: true, withFileTypes: true })
      .catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      newest = Math.max(newest, (await mtimeMs(path.join(entry.parentPath, entry.name))) ?? 0);
    }
  }
  return newest;
}

async function mtimeMs(file: string): Promise<number | null> {
  return fs.stat(file).then(
    (stat) => stat.mtimeMs,
    () => null,
  );
}

async function exists(file: string): Promise<boolean> {
  return (await mtimeMs(file)) !== null;
}
